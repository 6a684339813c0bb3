// A lite pull consumer (DefaultLitePullConsumer): the application asks for messages with poll()
// or iterates them with `for await`. Queues come from subscribe() (split among the group's
// members like a push consumer, re-split every 20 s and on membership change) or from assign().
// Offsets are committed to the broker every autoCommitIntervalMs (autoCommit) or by commit();
// seek() moves a queue's position. Pulls go through impl/pull-api.ts (answered at once, the
// filter in the request, no commit with them); offsets through impl/remote-offset-store.ts.
import {
  CLIENT_HEARTBEAT_BROKER_INTERVAL_MS,
  CLIENT_POLL_NAME_SERVER_INTERVAL_MS,
  CONSUMER_DEFAULT_PULL_BATCH_SIZE,
  CONSUMER_REBALANCE_INTERVAL_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  LITE_PULL_DEFAULT_AUTO_COMMIT_INTERVAL_MS,
  LITE_PULL_DEFAULT_POLL_TIMEOUT_MS,
  LITE_PULL_IDLE_WAIT_MS,
} from '../common/limits.js';
import { createLogger, type Logger } from '../common/logger.js';
import { parseTagExpression } from '../message/filter-api.js';
import type { MessageExt } from '../message/message.js';
import { encodeTopicQueueHeader } from '../protocol/headers/offsets.js';
import { createRequestWithFields } from '../protocol/remoting-command.js';
import { RequestCode } from '../protocol/request-code.js';
import { MQClientError } from './errors.js';
import { allocateAveragely, type MessageQueue, queueKey } from './impl/allocate.js';
import { MASTER_ID } from './impl/broker-addr-table.js';
import { ClientInstance } from './impl/client-instance.js';
import { defaultSerializeType } from './impl/client-transport.js';
import { consumerData } from './impl/consumer-data.js';
import type { Subscription } from './impl/consumer-parts.js';
import { PullAPIWrapper, plainPullHeader } from './impl/pull-api.js';
import { queryConsumerOffset, updateConsumerOffset } from './impl/remote-offset-store.js';

export interface LitePullConsumerOptions {
  namesrvAddr: string;
  consumerGroup: string;
  consumeFromWhere?: 'CONSUME_FROM_LAST_OFFSET' | 'CONSUME_FROM_FIRST_OFFSET';
  autoCommit?: boolean;
  autoCommitIntervalMs?: number;
  pullBatchSize?: number;
  /** How long poll() waits for messages when none are there (ms). */
  pollTimeoutMs?: number;
  /** ms between route refreshes (ClientConfig.pollNameServerInterval, 30 s): how soon a lost
   * master is noticed. */
  pollNameServerInterval?: number;
  /** ms between heartbeats to the brokers (ClientConfig.heartbeatBrokerInterval, 30 s). */
  heartbeatBrokerInterval?: number;
  /**
   * Header encoding of requests (Java's rocketmq.serialize.type): 'ROCKETMQ' binary by default
   * (env ROCKETMQ_SERIALIZE_TYPE overrides the default), 'JSON' for brokers that only read JSON.
   * Responses of either kind are read.
   */
  serializeType?: 'ROCKETMQ' | 'JSON';
  logger?: Logger;
}

interface QueueState {
  mq: MessageQueue;
  /** Next offset to read; undefined until looked up on the broker. */
  next: number | undefined;
  committed: number;
}

export class LitePullConsumer {
  private readonly opts: Required<Omit<LitePullConsumerOptions, 'logger'>>;
  private readonly client: ClientInstance;
  private readonly pullApi: PullAPIWrapper;
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly queues = new Map<string, QueueState>();
  private assigned = false;
  private running = false;
  private rr = 0;
  private timers: NodeJS.Timeout[] = [];

  constructor(options: LitePullConsumerOptions) {
    this.opts = {
      consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
      autoCommit: true,
      autoCommitIntervalMs: LITE_PULL_DEFAULT_AUTO_COMMIT_INTERVAL_MS,
      pullBatchSize: CONSUMER_DEFAULT_PULL_BATCH_SIZE,
      pollTimeoutMs: LITE_PULL_DEFAULT_POLL_TIMEOUT_MS,
      pollNameServerInterval: CLIENT_POLL_NAME_SERVER_INTERVAL_MS,
      heartbeatBrokerInterval: CLIENT_HEARTBEAT_BROKER_INTERVAL_MS,
      serializeType: defaultSerializeType(),
      ...options,
    };
    const log =
      options.logger ?? createLogger('kitemq-lite-pull', process.env.KITEMQ_LOG_LEVEL ?? 'warn');
    this.client = new ClientInstance(options.namesrvAddr, log, this.opts);
    this.pullApi = new PullAPIWrapper(this.client);
    this.client.register({
      producerGroups: () => [],
      consumerData: () =>
        this.assigned
          ? []
          : [
              consumerData({
                group: this.opts.consumerGroup,
                consumeType: 'CONSUME_ACTIVELY',
                messageModel: 'CLUSTERING',
                consumeFromWhere: this.opts.consumeFromWhere,
                subscriptions: this.subscriptions,
              }),
            ],
      onConsumerIdsChanged: (group) => {
        if (group === this.opts.consumerGroup) void this.rebalance();
      },
    });
  }

  subscribe(topic: string, expression = '*'): this {
    if (this.assigned) throw new MQClientError('subscribe() and assign() cannot be mixed');
    this.subscriptions.set(topic, { ...parseTagExpression(expression), subVersion: Date.now() });
    return this;
  }

  /** Reads exactly these queues, without group rebalancing. */
  assign(queues: MessageQueue[]): this {
    if (this.subscriptions.size > 0) {
      throw new MQClientError('subscribe() and assign() cannot be mixed');
    }
    this.assigned = true;
    for (const mq of queues) this.queues.set(queueKey(mq), { mq, next: undefined, committed: -1 });
    return this;
  }

  async start(): Promise<void> {
    for (const topic of this.subscriptions.keys()) await this.client.updateRoute(topic);
    for (const s of this.queues.values()) await this.client.updateRoute(s.mq.topic);
    this.running = true;
    this.client.start();
    if (!this.assigned) {
      await this.client.sendHeartbeatToAllBrokers();
      await this.rebalance();
      this.every(CONSUMER_REBALANCE_INTERVAL_MS, () => this.rebalance());
    }
    if (this.opts.autoCommit) this.every(this.opts.autoCommitIntervalMs, () => this.commit());
  }

  async shutdown(): Promise<void> {
    this.running = false;
    for (const t of this.timers) clearInterval(t);
    if (this.opts.autoCommit) await this.commit();
    this.client.shutdown();
  }

  /** The queues this consumer reads right now. */
  get assignment(): MessageQueue[] {
    return [...this.queues.values()].map((s) => s.mq);
  }

  /** The next messages of any of its queues; [] when none arrived within the timeout. */
  async poll(timeoutMs = this.opts.pollTimeoutMs): Promise<MessageExt[]> {
    if (!this.running) throw new MQClientError('the consumer is not started; call start() first');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const states = [...this.queues.values()];
      for (let i = 0; i < states.length; i++) {
        const s = states[(this.rr + i) % states.length]!;
        const msgs = await this.pullOnce(s);
        if (msgs.length > 0) {
          this.rr = (this.rr + i + 1) % states.length;
          return msgs;
        }
      }
      if (!this.running || Date.now() >= deadline) return [];
      await new Promise((r) => setTimeout(r, LITE_PULL_IDLE_WAIT_MS));
    }
  }

  /** Polls forever (until shutdown), one message at a time. */
  async *[Symbol.asyncIterator](): AsyncGenerator<MessageExt> {
    while (this.running) for (const m of await this.poll()) yield m;
  }

  /** The next poll of `mq` starts at `offset`. */
  seek(mq: MessageQueue, offset: number): void {
    const s = this.queues.get(queueKey(mq));
    if (!s) throw new MQClientError(`queue ${queueKey(mq)} is not assigned to this consumer`);
    s.next = offset;
  }

  /** Commits the position of every queue: everything polled so far counts as consumed. */
  async commit(): Promise<void> {
    for (const s of this.queues.values()) {
      const next = s.next;
      if (next === undefined || next === s.committed) continue;
      if (await updateConsumerOffset(this.client, this.opts.consumerGroup, s.mq, next)) {
        s.committed = next;
      }
    }
  }

  private every(ms: number, fn: () => Promise<void>): void {
    const t = setInterval(() => void fn().catch(() => {}), ms);
    t.unref();
    this.timers.push(t);
  }

  private async rebalance(): Promise<void> {
    if (!this.running || this.assigned) return;
    for (const topic of this.subscriptions.keys()) {
      const all = await this.client.subscribeQueues(topic);
      const cids = await this.client.consumerIds(this.opts.consumerGroup, all[0]?.brokerName);
      if (cids.length === 0) continue;
      const mine = new Set(allocateAveragely(this.client.clientId, all, cids).map(queueKey));
      for (const [key, s] of [...this.queues]) {
        if (s.mq.topic === topic && !mine.has(key)) this.queues.delete(key);
      }
      for (const mq of all) {
        const key = queueKey(mq);
        if (mine.has(key) && !this.queues.has(key)) {
          this.queues.set(key, { mq, next: undefined, committed: -1 });
        }
      }
    }
  }

  /** The group's committed offset, else the start consumeFromWhere names. */
  private async startOffset(mq: MessageQueue): Promise<number> {
    const committed = await queryConsumerOffset(this.client, this.opts.consumerGroup, mq);
    if (committed >= 0) return committed;
    if (this.opts.consumeFromWhere === 'CONSUME_FROM_FIRST_OFFSET') return 0;
    const { res: r } = await this.client.invokeBrokerInSubscribe(
      mq.brokerName,
      MASTER_ID,
      createRequestWithFields(RequestCode.GET_MAX_OFFSET, encodeTopicQueueHeader(mq)),
    );
    return Number(r.extFields.offset ?? 0);
  }

  private async pullOnce(s: QueueState): Promise<MessageExt[]> {
    s.next ??= await this.startOffset(s.mq);
    const sub = this.subscriptions.get(s.mq.topic);
    const header = plainPullHeader(
      this.opts.consumerGroup,
      s.mq.topic,
      s.mq.queueId,
      s.next,
      this.opts.pullBatchSize,
      sub?.subString ?? '*',
      'TAG',
    );
    const r = await this.pullApi.pull(
      s.mq.brokerName,
      header,
      DEFAULT_REQUEST_TIMEOUT_MS,
      sub?.tagsSet ?? [],
    );
    if (r.status === 'OFFSET_ILLEGAL' && Number.isFinite(r.nextBeginOffset)) {
      await this.offsetMoved(s, r.nextBeginOffset);
      return [];
    }
    if (r.status === 'FOUND' || Number.isFinite(r.nextBeginOffset)) s.next = r.nextBeginOffset;
    return r.msgs;
  }

  /**
   * PULL_OFFSET_MOVED (an operator's reset, or an offset out of range): reading goes on from
   * `offset`. What was committed before no longer says where the group is, so the next commit is
   * sent even when it names the old position again; with autoCommit the new offset is committed
   * at once, so an earlier commit of the old position that reached the broker does not stand.
   */
  private async offsetMoved(s: QueueState, offset: number): Promise<void> {
    s.next = offset;
    s.committed = -1;
    if (!this.opts.autoCommit) return;
    // A failed commit is not the poll's error: committed stays unknown, so autoCommit retries.
    const ok = await updateConsumerOffset(this.client, this.opts.consumerGroup, s.mq, offset).catch(
      () => false,
    );
    if (ok && s.next === offset) s.committed = offset;
  }
}
