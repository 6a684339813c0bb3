// A clustering push consumer (DefaultMQPushConsumer): the group's queues are split among its live
// members (AllocateMessageQueueAveragely, re-run every 20 s and when the broker says membership
// changed); each owned queue is long-polled, messages go to the listener with bounded concurrency,
// and the committed offset (the smallest offset still in flight) goes back to the broker. A
// message the listener fails (RECONSUME_LATER or a throw) is sent back to the broker, which
// redelivers it through %RETRY%<group> after a delay (level 3 + reconsumeTimes) and dead-letters
// it past maxReconsumeTimes; the group subscribes its retry topic itself, as the Java client does.
import { EventEmitter } from 'node:events';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { createLogger, type Logger } from '../common/logger.js';
import { parseTagExpression, type TagSubscription } from '../message/filter-api.js';
import { MessageConst, type MessageExt, RETRY_GROUP_TOPIC_PREFIX } from '../message/message.js';
import { createRequest } from '../protocol/remoting-command.js';
import { RequestCode } from '../protocol/request-code.js';
import { ResponseCode } from '../protocol/response-code.js';
import {
  type AllocateStrategy,
  allocateAveragely,
  type MessageQueue,
  queueKey,
} from './impl/allocate.js';
import { ClientInstance } from './impl/client-instance.js';
import {
  type ConcurrentContext,
  type ConsumeResult,
  consumeConcurrently,
  type MessageListener,
} from './impl/consume-concurrently.js';
import { ConsumeLimiter } from './impl/consume-limiter.js';
import { decodeMessages } from './impl/decode-messages.js';
import { LocalOffsetStore } from './impl/local-offset-store.js';
import { unwrapNamespace, wrapNamespace } from './impl/namespace.js';
import { ProcessQueue } from './impl/process-queue.js';
import { computePullFromWhere } from './impl/pull-from-where.js';
import { lockQueues, unlockQueues, unlockQueuesByBroker } from './impl/queue-locks.js';
import { type SendBackContext, sendMessageBack } from './impl/send-back.js';

export {
  type AllocateStrategy,
  allocateAveragely,
  allocateByCircle,
  allocateByConfig,
  allocateConsistentHash,
} from './impl/allocate.js';

export type ConsumeFromWhere =
  | 'CONSUME_FROM_LAST_OFFSET'
  | 'CONSUME_FROM_FIRST_OFFSET'
  | 'CONSUME_FROM_TIMESTAMP';
export type { ConsumeResult, MessageListener } from './impl/consume-concurrently.js';

export type MessageModel = 'CLUSTERING' | 'BROADCASTING';

export interface PushConsumerOptions {
  namesrvAddr: string;
  consumerGroup: string;
  /**
   * CLUSTERING (default): the group's members share the queues, offsets on the broker.
   * BROADCASTING: every member gets every message, offsets in a local file; a failed message is
   * not retried (as in RocketMQ).
   */
  messageModel?: MessageModel;
  /** Names this client's local offset file in BROADCASTING mode (Java's instanceName). */
  instanceName?: string;
  /** Where BROADCASTING offsets live: <dir>/<host>@<instanceName>/<group>/offsets.json. */
  offsetStoreDir?: string;
  /** Tenant prefix: topics and the group become "<namespace>%<name>" on the wire. */
  namespace?: string;
  consumeFromWhere?: ConsumeFromWhere;
  /** Start point for CONSUME_FROM_TIMESTAMP (ms since epoch); default: 30 minutes ago. */
  consumeTimestamp?: number;
  consumeThreadMax?: number;
  pullBatchSize?: number;
  pullThresholdForQueue?: number;
  /** MiB of message bodies a queue may hold unconsumed before pulling pauses (default 100). */
  pullThresholdSizeForQueue?: number;
  /** Messages per listener call (default 1). */
  consumeMessageBatchMaxSize?: number;
  /** Redeliveries before a failing message goes to %DLQ%<group> (RocketMQ's default 16). */
  maxReconsumeTimes?: number;
  /**
   * How the group's queues are split (allocateAveragely by default; allocateByCircle,
   * allocateConsistentHash(), allocateByConfig([...]) from 'kitemq/push-consumer').
   */
  allocateStrategy?: AllocateStrategy;
  logger?: Logger;
}

const REBALANCE_MS = 20_000;
const PERSIST_OFFSET_MS = 5_000;
const SUSPEND_MS = 15_000;
const PULL_TIMEOUT_MS = 30_000;
/** Orderly: lock renewal period and the pause after a failure (suspendCurrentQueueTimeMillis). */
const LOCK_RENEW_MS = 20_000;
const ORDERLY_SUSPEND_MS = 1_000;

export class PushConsumer extends EventEmitter<{ error: [Error] }> {
  private readonly opts: Required<Omit<PushConsumerOptions, 'logger'>>;
  private readonly log: Logger;
  private readonly client: ClientInstance;
  private readonly subscriptions = new Map<
    string,
    TagSubscription & { subVersion: number; expressionType?: string }
  >();
  private readonly queues = new Map<string, ProcessQueue>();
  private listener: MessageListener | undefined;
  private orderly = false;
  private running = false;
  private timers: NodeJS.Timeout[] = [];
  private rebalancing: Promise<void> | undefined;
  private readonly limiter: ConsumeLimiter;
  private readonly consumeContext: ConcurrentContext;
  private readonly retryTopic: string;
  /** BROADCASTING only: the offsets this member keeps itself. */
  private readonly localOffsets: LocalOffsetStore | undefined;

  constructor(options: PushConsumerOptions) {
    super();
    this.opts = {
      consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
      consumeTimestamp: Date.now() - 30 * 60_000,
      consumeThreadMax: 20,
      pullBatchSize: 32,
      pullThresholdForQueue: 1_000,
      pullThresholdSizeForQueue: 100,
      consumeMessageBatchMaxSize: 1,
      namespace: '',
      maxReconsumeTimes: 16,
      allocateStrategy: allocateAveragely,
      messageModel: 'CLUSTERING',
      instanceName: 'DEFAULT',
      offsetStoreDir: join(homedir(), '.rocketmq_offsets'),
      ...options,
    };
    this.opts.consumerGroup = wrapNamespace(this.opts.namespace, this.opts.consumerGroup);
    this.limiter = new ConsumeLimiter(Math.max(1, Math.floor(this.opts.consumeThreadMax) || 1));
    this.localOffsets =
      this.opts.messageModel === 'BROADCASTING'
        ? new LocalOffsetStore(
            join(
              this.opts.offsetStoreDir,
              `${hostname()}@${this.opts.instanceName}`,
              this.opts.consumerGroup,
              'offsets.json',
            ),
          )
        : undefined;
    this.retryTopic = RETRY_GROUP_TOPIC_PREFIX + this.opts.consumerGroup;
    this.log =
      options.logger ?? createLogger('kitemq-consumer', process.env.KITEMQ_LOG_LEVEL ?? 'warn');
    this.client = new ClientInstance(options.namesrvAddr, this.log);
    this.consumeContext = {
      listener: (msgs, ctx) => this.listener!(msgs, ctx),
      limiter: this.limiter,
      log: this.log,
      broadcasting: this.localOffsets !== undefined,
      backContext: () => this.backContext(),
      report: (err) => this.report(err),
    };
    this.client.register({
      producerGroups: () => [],
      consumerData: () => [this.consumerData()],
      onConsumerIdsChanged: (group) => {
        if (group === this.opts.consumerGroup) void this.rebalance();
      },
    });
  }

  /** `expression`: '*' or tags joined by '||', e.g. 'TagA || TagB'. */
  /**
   * '*', tags joined by '||' ('TagA || TagB'), or { sql: "age <= 20 AND sex = '女'" } for a SQL92
   * filter the broker applies (needs enablePropertyFilter=true there).
   */
  subscribe(topic: string, expression: string | { sql: string } = '*'): this {
    const sub =
      typeof expression === 'string'
        ? { ...parseTagExpression(expression), expressionType: 'TAG' }
        : { subString: expression.sql, tagsSet: [], codeSet: [], expressionType: 'SQL92' };
    this.subscriptions.set(wrapNamespace(this.opts.namespace, topic), {
      ...sub,
      subVersion: Date.now(),
    });
    return this;
  }

  /**
   * `orderly: true` (MessageListenerOrderly): each queue is locked on the broker and consumed by
   * one handler call at a time, in queue order; a failure pauses that queue and retries the same
   * message (maxReconsumeTimes times, then it goes to the DLQ).
   */
  registerMessageListener(listener: MessageListener, opts: { orderly?: boolean } = {}): this {
    this.listener = listener;
    this.orderly = opts.orderly === true;
    return this;
  }

  async start(): Promise<void> {
    if (!this.listener) throw new Error('register a message listener before start()');
    if (this.subscriptions.size === 0)
      throw new Error('subscribe to at least one topic before start()');
    for (const topic of this.subscriptions.keys()) await this.client.updateRoute(topic);
    if (this.localOffsets) {
      this.localOffsets.load((err) =>
        this.log.warn({ err, path: this.localOffsets!.path }, 'offset file damaged; starting over'),
      );
    } else {
      // The heartbeat that carries this subscription makes the broker create the retry topic.
      const all = parseTagExpression('*');
      this.subscriptions.set(this.retryTopic, { ...all, subVersion: Date.now() });
    }
    this.running = true;
    this.client.start();
    await this.client.sendHeartbeatToAllBrokers();
    if (!this.localOffsets) await this.client.awaitRoute(this.retryTopic);
    await this.rebalance();
    const every = (ms: number, fn: () => Promise<void>) => {
      const t = setInterval(() => void fn().catch((err: Error) => this.report(err)), ms);
      t.unref();
      this.timers.push(t);
    };
    every(REBALANCE_MS, () => this.rebalance());
    if (this.orderly) every(LOCK_RENEW_MS, () => this.renewLocks());
    every(PERSIST_OFFSET_MS, () => this.persistOffsets());
  }

  async shutdown(): Promise<void> {
    this.running = false;
    for (const t of this.timers) clearInterval(t);
    for (const pq of this.queues.values()) pq.dropped = true;
    await this.persistOffsets();
    if (this.orderly) {
      const mqs = [...this.queues.values()].map((pq) => pq.mq);
      unlockQueuesByBroker(this.client, this.opts.consumerGroup, mqs);
    }
    await Promise.all(
      this.client.allBrokerAddrs().map((addr) =>
        this.client.remoting
          .invoke(
            addr,
            createRequest(RequestCode.UNREGISTER_CLIENT, 0, {
              clientID: this.client.clientId,
              consumerGroup: this.opts.consumerGroup,
            }),
          )
          .catch(() => {}),
      ),
    );
    this.client.shutdown();
  }

  /** Queues of the subscribed topics this member owns right now (its retry queue left out). */
  get assignedQueues(): MessageQueue[] {
    return [...this.queues.values()]
      .map((pq) => pq.mq)
      .filter((mq) => mq.topic !== this.retryTopic);
  }

  private consumerData() {
    return {
      groupName: this.opts.consumerGroup,
      consumeType: 'CONSUME_PASSIVELY',
      messageModel: this.opts.messageModel,
      consumeFromWhere: this.opts.consumeFromWhere,
      unitMode: false,
      subscriptionDataSet: [...this.subscriptions].map(([topic, s]) => ({
        topic,
        subString: s.subString,
        tagsSet: s.tagsSet,
        codeSet: s.codeSet,
        subVersion: s.subVersion,
        expressionType: s.expressionType ?? 'TAG',
        classFilterMode: false,
      })),
    };
  }

  private rebalance(): Promise<void> {
    if (!this.running) return Promise.resolve();
    this.rebalancing ??= this.doRebalance().finally(() => {
      this.rebalancing = undefined;
    });
    return this.rebalancing;
  }

  private async doRebalance(): Promise<void> {
    for (const topic of this.subscriptions.keys()) {
      try {
        await this.rebalanceTopic(topic);
      } catch (err) {
        // One topic's missing route must not stop the others; the next round tries again.
        this.log.warn({ err, topic }, 'rebalance of a topic failed; retrying next round');
      }
    }
  }

  private async rebalanceTopic(topic: string): Promise<void> {
    const all = await this.client.subscribeQueues(topic);
    let mine: Set<string>;
    if (this.localOffsets) {
      mine = new Set(all.map(queueKey)); // broadcasting: every queue, every member
    } else {
      const cids = await this.client.consumerIds(this.opts.consumerGroup, all[0]?.brokerName);
      if (cids.length === 0) return;
      mine = new Set(this.opts.allocateStrategy(this.client.clientId, all, cids).map(queueKey));
    }
    for (const [key, pq] of [...this.queues]) {
      if (pq.mq.topic !== topic || mine.has(key)) continue;
      pq.dropped = true;
      this.queues.delete(key);
      await this.commitOffset(pq);
      if (this.orderly) unlockQueues(this.client, this.opts.consumerGroup, [pq.mq]);
    }
    for (const mq of all) {
      const key = queueKey(mq);
      if (!mine.has(key) || this.queues.has(key)) continue;
      // Orderly: take a queue only once its broker lock is ours (another member may hold it).
      if (this.orderly && !(await this.tryLock(mq))) {
        this.retryLockSoon(); // its old owner unlocks when it rebalances too
        continue;
      }
      const offset = await computePullFromWhere(this.client, mq, {
        group: this.opts.consumerGroup,
        where: this.opts.consumeFromWhere,
        timestamp: this.opts.consumeTimestamp,
        retryTopic: this.retryTopic,
        localOffsets: this.localOffsets,
      });
      if (offset < 0) continue;
      const pq = new ProcessQueue(mq, offset);
      pq.locked = this.orderly;
      this.queues.set(key, pq);
      void this.pullLoop(pq);
    }
  }

  private async pullLoop(pq: ProcessQueue): Promise<void> {
    const sub = this.subscriptions.get(pq.mq.topic)!;
    while (this.running && !pq.dropped) {
      if (
        pq.inflightCount >= this.opts.pullThresholdForQueue ||
        pq.inflightBytes >= this.opts.pullThresholdSizeForQueue * 1024 * 1024
      ) {
        await sleep(50); // flow control: let the listener catch up
        continue;
      }
      const committed = pq.commitOffset();
      const header = {
        consumerGroup: this.opts.consumerGroup,
        topic: pq.mq.topic,
        queueId: pq.mq.queueId,
        queueOffset: pq.nextOffset,
        maxMsgNums: this.opts.pullBatchSize,
        sysFlag: (committed > 0 && !this.localOffsets ? 1 : 0) | 2 | 4,
        commitOffset: committed,
        suspendTimeoutMillis: SUSPEND_MS,
        subscription: sub.subString,
        subVersion: sub.subVersion,
        expressionType: sub.expressionType ?? 'TAG',
      };
      try {
        const res = await this.client.invokeBroker(
          pq.mq.brokerName,
          createRequest(RequestCode.PULL_MESSAGE, 0, header),
          PULL_TIMEOUT_MS,
        );
        if (pq.dropped) return;
        this.onPullResult(pq, sub, res.code, res.extFields, res.body);
        if (res.code !== 0 && res.code !== 19 && res.code !== 20 && res.code !== 21) {
          this.emit(
            'error',
            new Error(`pull ${queueKey(pq.mq)} failed: ${res.code} ${res.remark ?? ''}`),
          );
          await sleep(3_000);
        }
      } catch (err) {
        if (!this.running || pq.dropped) return;
        this.report(err as Error);
        await sleep(3_000);
      }
    }
  }

  private onPullResult(
    pq: ProcessQueue,
    sub: TagSubscription,
    code: number,
    ext: Record<string, string>,
    body?: Buffer,
  ): void {
    const next = Number(ext.nextBeginOffset);
    if (code === ResponseCode.SUCCESS && body) {
      const msgs = decodeMessages(body).filter(
        (m) =>
          sub.tagsSet.length === 0 || sub.tagsSet.includes(m.properties[MessageConst.TAGS] ?? ''),
      );
      pq.nextOffset = next;
      if (this.orderly) {
        for (const m of msgs) {
          pq.add(m);
          m.topic = this.appTopic(m);
          pq.pending.push(m);
        }
        void this.consumeOrderly(pq);
        return;
      }
      for (const m of msgs) {
        pq.add(m);
        // A redelivery: the listener sees the topic it was sent to (resetRetryAndNamespace).
        m.topic = this.appTopic(m);
      }
      const max = this.opts.consumeMessageBatchMaxSize;
      if (msgs.length <= max) consumeConcurrently(this.consumeContext, pq, msgs);
      else {
        for (let i = 0; i < msgs.length; i += max) {
          consumeConcurrently(this.consumeContext, pq, msgs.slice(i, i + max));
        }
      }
    } else if (
      code === ResponseCode.PULL_NOT_FOUND ||
      code === ResponseCode.PULL_RETRY_IMMEDIATELY ||
      code === ResponseCode.PULL_OFFSET_MOVED
    ) {
      if (Number.isFinite(next)) pq.nextOffset = next;
    }
  }

  /** The topic the application knows: a redelivery's original, without the namespace. */
  private appTopic(m: MessageExt): string {
    const sent =
      m.topic === this.retryTopic ? (m.properties[MessageConst.RETRY_TOPIC] ?? m.topic) : m.topic;
    return unwrapNamespace(this.opts.namespace, sent);
  }

  /** 'error' events for applications that listen; a log line otherwise (never an exception). */
  private report(err: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', err);
    else this.log.warn({ err }, 'consumer error');
  }

  private lockRetryTimer: NodeJS.Timeout | undefined;

  private retryLockSoon(): void {
    if (this.lockRetryTimer) return;
    this.lockRetryTimer = setTimeout(() => {
      this.lockRetryTimer = undefined;
      void this.rebalance();
    }, ORDERLY_SUSPEND_MS);
    this.lockRetryTimer.unref();
  }

  private async tryLock(mq: MessageQueue): Promise<boolean> {
    try {
      return (await lockQueues(this.client, this.opts.consumerGroup, [mq])).has(queueKey(mq));
    } catch {
      return false;
    }
  }

  /** Renews every held lock (lockAll); a queue whose lock was lost stops until it is back. */
  private async renewLocks(): Promise<void> {
    const byBroker = new Map<string, ProcessQueue[]>();
    for (const pq of this.queues.values()) {
      byBroker.set(pq.mq.brokerName, [...(byBroker.get(pq.mq.brokerName) ?? []), pq]);
    }
    for (const pqs of byBroker.values()) {
      const held = await lockQueues(
        this.client,
        this.opts.consumerGroup,
        pqs.map((pq) => pq.mq),
      ).catch(() => new Set<string>());
      for (const pq of pqs) {
        pq.locked = held.has(queueKey(pq.mq));
        if (pq.locked) void this.consumeOrderly(pq);
      }
    }
  }

  /** One worker per queue: messages strictly in queue order, one listener call at a time. */
  private async consumeOrderly(pq: ProcessQueue): Promise<void> {
    if (pq.consuming) return;
    pq.consuming = true;
    try {
      while (this.running && !pq.dropped && pq.locked && pq.pending.length > 0) {
        const m = pq.pending[0]!;
        await this.limiter.acquire();
        let result: ConsumeResult | undefined;
        try {
          result = (await this.listener!([m], { queue: pq.mq })) ?? 'CONSUME_SUCCESS';
        } catch (err) {
          this.log.warn({ err }, 'orderly listener failed; retrying the same message');
          result = 'RECONSUME_LATER';
        } finally {
          this.limiter.release();
        }
        if (result !== 'CONSUME_SUCCESS') {
          m.reconsumeTimes++;
          if (m.reconsumeTimes <= this.opts.maxReconsumeTimes) {
            await sleep(ORDERLY_SUSPEND_MS);
            continue;
          }
          await sendMessageBack(this.backContext(), pq.mq.brokerName, m, -1);
        }
        pq.pending.shift();
        pq.remove(m.queueOffset);
      }
    } finally {
      pq.consuming = false;
    }
  }

  private backContext(): SendBackContext {
    return {
      client: this.client,
      log: this.log,
      group: this.opts.consumerGroup,
      retryTopic: this.retryTopic,
      maxReconsumeTimes: this.opts.maxReconsumeTimes,
      namespace: this.opts.namespace,
    };
  }

  private async persistOffsets(): Promise<void> {
    await Promise.all([...this.queues.values()].map((pq) => this.commitOffset(pq)));
    try {
      this.localOffsets?.persist();
    } catch (err) {
      this.log.warn({ err }, 'writing the local offset file failed; will retry');
    }
  }

  private async commitOffset(pq: ProcessQueue): Promise<void> {
    const offset = pq.commitOffset();
    if (offset < 0 || offset === pq.lastCommitted) return;
    if (this.localOffsets) {
      this.localOffsets.update(pq.mq, offset);
      pq.lastCommitted = offset;
      return;
    }
    const ext = {
      consumerGroup: this.opts.consumerGroup,
      topic: pq.mq.topic,
      queueId: pq.mq.queueId,
      commitOffset: offset,
    };
    try {
      const res = await this.client.invokeBroker(
        pq.mq.brokerName,
        createRequest(RequestCode.UPDATE_CONSUMER_OFFSET, 0, ext),
      );
      if (res.code === ResponseCode.SUCCESS) pq.lastCommitted = offset;
    } catch (err) {
      this.log.warn({ err, queue: queueKey(pq.mq) }, 'offset commit failed; will retry');
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
