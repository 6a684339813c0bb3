// A lite pull consumer (DefaultLitePullConsumer): the application asks for messages with poll()
// or iterates them with `for await`. Queues come from subscribe() (split among the group's
// members like a push consumer, re-split every 20 s and on membership change) or from assign().
// Offsets are committed to the broker every autoCommitIntervalMs (autoCommit) or by commit();
// seek() moves a queue's position.
import { createLogger, type Logger } from '../common/logger.js';
import { parseTagExpression, type TagSubscription } from '../message/filter-api.js';
import { MessageConst, type MessageExt } from '../message/message.js';
import { createRequest } from '../protocol/remoting-command.js';
import { RequestCode } from '../protocol/request-code.js';
import { ResponseCode } from '../protocol/response-code.js';
import { MQClientError } from './errors.js';
import { allocateAveragely, type MessageQueue, queueKey } from './impl/allocate.js';
import { ClientInstance } from './impl/client-instance.js';
import { decodeMessages } from './impl/decode-messages.js';

export interface LitePullConsumerOptions {
  namesrvAddr: string;
  consumerGroup: string;
  consumeFromWhere?: 'CONSUME_FROM_LAST_OFFSET' | 'CONSUME_FROM_FIRST_OFFSET';
  autoCommit?: boolean;
  autoCommitIntervalMs?: number;
  pullBatchSize?: number;
  /** How long poll() waits for messages when none are there (ms). */
  pollTimeoutMs?: number;
  logger?: Logger;
}

interface QueueState {
  mq: MessageQueue;
  /** Next offset to read; undefined until looked up on the broker. */
  next: number | undefined;
  committed: number;
}

const REBALANCE_MS = 20_000;
const IDLE_WAIT_MS = 50;

export class LitePullConsumer {
  private readonly opts: Required<Omit<LitePullConsumerOptions, 'logger'>>;
  private readonly client: ClientInstance;
  private readonly subscriptions = new Map<string, TagSubscription & { subVersion: number }>();
  private readonly queues = new Map<string, QueueState>();
  private assigned = false;
  private running = false;
  private rr = 0;
  private timers: NodeJS.Timeout[] = [];

  constructor(options: LitePullConsumerOptions) {
    this.opts = {
      consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
      autoCommit: true,
      autoCommitIntervalMs: 5_000,
      pullBatchSize: 32,
      pollTimeoutMs: 5_000,
      ...options,
    };
    const log =
      options.logger ?? createLogger('kitemq-lite-pull', process.env.KITEMQ_LOG_LEVEL ?? 'warn');
    this.client = new ClientInstance(options.namesrvAddr, log);
    this.client.register({
      producerGroups: () => [],
      consumerData: () => (this.assigned ? [] : [this.consumerData()]),
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
      this.every(REBALANCE_MS, () => this.rebalance());
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
      await new Promise((r) => setTimeout(r, IDLE_WAIT_MS));
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
      if (s.next === undefined || s.next === s.committed) continue;
      const res = await this.client.invokeBroker(
        s.mq.brokerName,
        createRequest(RequestCode.UPDATE_CONSUMER_OFFSET, 0, {
          consumerGroup: this.opts.consumerGroup,
          topic: s.mq.topic,
          queueId: s.mq.queueId,
          commitOffset: s.next,
        }),
      );
      if (res.code === ResponseCode.SUCCESS) s.committed = s.next;
    }
  }

  private every(ms: number, fn: () => Promise<void>): void {
    const t = setInterval(() => void fn().catch(() => {}), ms);
    t.unref();
    this.timers.push(t);
  }

  private consumerData() {
    return {
      groupName: this.opts.consumerGroup,
      consumeType: 'CONSUME_ACTIVELY',
      messageModel: 'CLUSTERING',
      consumeFromWhere: this.opts.consumeFromWhere,
      unitMode: false,
      subscriptionDataSet: [...this.subscriptions].map(([topic, s]) => ({
        topic,
        subString: s.subString,
        tagsSet: s.tagsSet,
        codeSet: s.codeSet,
        subVersion: s.subVersion,
        expressionType: 'TAG',
        classFilterMode: false,
      })),
    };
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
    const ext = { consumerGroup: this.opts.consumerGroup, topic: mq.topic, queueId: mq.queueId };
    const q = await this.client.invokeBroker(
      mq.brokerName,
      createRequest(RequestCode.QUERY_CONSUMER_OFFSET, 0, ext),
    );
    if (q.code === ResponseCode.SUCCESS) return Number(q.extFields.offset);
    if (this.opts.consumeFromWhere === 'CONSUME_FROM_FIRST_OFFSET') return 0;
    const r = await this.client.invokeBroker(
      mq.brokerName,
      createRequest(RequestCode.GET_MAX_OFFSET, 0, { topic: mq.topic, queueId: mq.queueId }),
    );
    return Number(r.extFields.offset ?? 0);
  }

  private async pullOnce(s: QueueState): Promise<MessageExt[]> {
    s.next ??= await this.startOffset(s.mq);
    const sub = this.subscriptions.get(s.mq.topic);
    const res = await this.client.invokeBroker(
      s.mq.brokerName,
      createRequest(RequestCode.PULL_MESSAGE, 0, {
        consumerGroup: this.opts.consumerGroup,
        topic: s.mq.topic,
        queueId: s.mq.queueId,
        queueOffset: s.next,
        maxMsgNums: this.opts.pullBatchSize,
        sysFlag: 4, // subscription in the request; no suspend, commits go separately
        commitOffset: 0,
        suspendTimeoutMillis: 0,
        subscription: sub?.subString ?? '*',
        subVersion: 0,
        expressionType: 'TAG',
      }),
    );
    const next = Number(res.extFields.nextBeginOffset);
    if (Number.isFinite(next) && res.code !== ResponseCode.SUCCESS) s.next = next;
    if (res.code !== ResponseCode.SUCCESS || !res.body) return [];
    s.next = next;
    const tags = sub?.tagsSet ?? [];
    return decodeMessages(res.body).filter(
      (m) => tags.length === 0 || tags.includes(m.properties[MessageConst.TAGS] ?? ''),
    );
  }
}
