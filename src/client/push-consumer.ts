// A clustering push consumer (DefaultMQPushConsumer): the group's queues are split among its live
// members (AllocateMessageQueueAveragely, re-run every 20 s and when the broker says membership
// changed); each owned queue is long-polled, messages go to the listener with bounded concurrency,
// and the committed offset (the smallest offset still in flight) goes back to the broker. A
// message the listener fails (RECONSUME_LATER or a throw) is sent back to the broker, which
// redelivers it through %RETRY%<group> after a delay (level 3 + reconsumeTimes) and dead-letters
// it past maxReconsumeTimes; the group subscribes its retry topic itself, as the Java client does.
//
// This file holds the subscriptions and the lifecycle (options: push-consumer-options.ts); the
// work is done by parts it composes at start() (DefaultMQPushConsumerImpl's collaborators,
// interfaces in impl/consumer-parts.ts): RebalanceService (queue allocation, process-queue
// table, orderly locks), PullService (the long-poll loop and flow control, over
// impl/pull-api.ts), a ConsumeService (ConsumeConcurrentlyService or ConsumeOrderlyService) and
// an OffsetStore (RemoteOffsetStore, or LocalOffsetStore for BROADCASTING).
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { join } from 'node:path';
import {
  CONSUMER_BROKER_SUSPEND_MAX_TIME_MS,
  CONSUMER_LOCK_RENEW_INTERVAL_MS,
  CONSUMER_PULL_DELAY_MS_WHEN_EXCEPTION,
  CONSUMER_PULL_DELAY_MS_WHEN_FLOW_CONTROL,
  CONSUMER_REBALANCE_INTERVAL_MS,
  CONSUMER_SUSPEND_CURRENT_QUEUE_TIME_MS,
  CONSUMER_TIMEOUT_MS_WHEN_SUSPEND,
} from '../common/limits.js';
import { createLogger, type Logger } from '../common/logger.js';
import { parseTagExpression } from '../message/filter-api.js';
import { RETRY_GROUP_TOPIC_PREFIX } from '../message/message.js';
import type { MessageQueue } from './impl/allocate.js';
import { ClientInstance } from './impl/client-instance.js';
import {
  type ConcurrentContext,
  ConsumeConcurrentlyService,
  type MessageListener,
} from './impl/consume-concurrently.js';
import { ConsumeLimiter } from './impl/consume-limiter.js';
import { ConsumeOrderlyService, type OrderlyContext } from './impl/consume-orderly.js';
import { consumerData } from './impl/consumer-data.js';
import type { ConsumeService, OffsetStore, Subscription } from './impl/consumer-parts.js';
import {
  type ConsumerAdminSource,
  consumeMessageDirectly,
  consumerRunningInfo,
} from './impl/consumer-running-info.js';
import { ConsumerStats } from './impl/consumer-stats.js';
import { LocalOffsetStore } from './impl/local-offset-store.js';
import { wrapNamespace } from './impl/namespace.js';
import { commitOffsets, commitQueueOffset } from './impl/offset-commit.js';
import { consumeOffsetsOf, resetTopicOffsets, restartQueueAt } from './impl/offset-reset.js';
import type { ProcessQueue } from './impl/process-queue.js';
import { PullAPIWrapper } from './impl/pull-api.js';
import { computePullFromWhere } from './impl/pull-from-where.js';
import { PullService } from './impl/pull-service.js';
import { BrokerQueueLocker } from './impl/queue-locks.js';
import { RebalanceService } from './impl/rebalance-service.js';
import { RemoteOffsetStore } from './impl/remote-offset-store.js';
import type { SendBackContext } from './impl/send-back.js';
import { type PushConsumerOptions, withDefaults } from './push-consumer-options.js';

export {
  type AllocateStrategy,
  allocateAveragely,
  allocateByCircle,
  allocateByConfig,
  allocateConsistentHash,
} from './impl/allocate.js';

export type {
  ConsumeFromWhere,
  ConsumeResult,
  MessageListener,
  MessageModel,
  PushConsumerOptions,
} from './push-consumer-options.js';

/** The parts start() composes (they need the listener's kind, known only by then). */
interface Parts {
  rebalance: RebalanceService;
  consume: ConsumeService;
}

export class PushConsumer extends EventEmitter<{ error: [Error] }> {
  private readonly opts: Required<Omit<PushConsumerOptions, 'logger'>>;
  private readonly log: Logger;
  private readonly client: ClientInstance;
  private readonly subscriptions = new Map<string, Subscription>();
  private listener: MessageListener | undefined;
  private orderly = false;
  private running = false;
  private startedAt = 0;
  private readonly namesrvAddr: string;
  private timers: NodeJS.Timeout[] = [];
  private parts: Parts | undefined;
  private readonly consumeContext: ConcurrentContext & OrderlyContext;
  private readonly retryTopic: string;
  private readonly offsets: OffsetStore;
  private readonly stats = new ConsumerStats();

  constructor(options: PushConsumerOptions) {
    super();
    this.opts = withDefaults(options);
    this.namesrvAddr = options.namesrvAddr;
    const o = this.opts;
    o.consumerGroup = wrapNamespace(o.namespace, o.consumerGroup);
    this.retryTopic = RETRY_GROUP_TOPIC_PREFIX + o.consumerGroup;
    this.log =
      options.logger ?? createLogger('kitemq-consumer', process.env.KITEMQ_LOG_LEVEL ?? 'warn');
    this.client = new ClientInstance(options.namesrvAddr, this.log, o);
    this.offsets =
      o.messageModel === 'BROADCASTING'
        ? new LocalOffsetStore(
            join(
              o.offsetStoreDir,
              `${hostname()}@${o.instanceName}`,
              o.consumerGroup,
              'offsets.json',
            ),
            this.log,
          )
        : new RemoteOffsetStore(this.client, o.consumerGroup, this.log);
    const backContext: SendBackContext = {
      client: this.client,
      log: this.log,
      group: o.consumerGroup,
      retryTopic: this.retryTopic,
      maxReconsumeTimes: o.maxReconsumeTimes,
      namespace: o.namespace,
    };
    this.consumeContext = {
      listener: (msgs, ctx) => this.listener!(msgs, ctx),
      limiter: new ConsumeLimiter(Math.max(1, Math.floor(o.consumeThreadMax) || 1)),
      log: this.log,
      broadcasting: !this.offsets.remote,
      backContext: () => backContext,
      report: (err) => this.report(err),
      isRunning: () => this.running,
      stats: this.stats,
    };
    this.client.register({
      producerGroups: () => [],
      consumerData: () => [
        consumerData({
          group: o.consumerGroup,
          consumeType: 'CONSUME_PASSIVELY',
          messageModel: o.messageModel,
          consumeFromWhere: o.consumeFromWhere,
          subscriptions: this.subscriptions,
        }),
      ],
      onConsumerIdsChanged: (group) => {
        if (group === o.consumerGroup) void this.parts?.rebalance.rebalance();
      },
      consumerAdmin: this.adminSource(),
      offsetReset: {
        group: o.consumerGroup,
        resetOffset: async (topic, table) => {
          if (this.parts) await resetTopicOffsets(this.parts.rebalance, this.offsets, topic, table);
        },
        consumeOffsets: (topic) =>
          consumeOffsetsOf(this.parts?.rebalance.processQueues() ?? [], topic),
      },
    });
  }

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
    if (this.offsets.remote) {
      // The heartbeat that carries this subscription makes the broker create the retry topic.
      const all = parseTagExpression('*');
      this.subscriptions.set(this.retryTopic, { ...all, subVersion: Date.now() });
    } else {
      this.offsets.load();
    }
    this.running = true;
    this.startedAt = Date.now();
    this.client.start();
    await this.client.sendHeartbeatToAllBrokers();
    if (this.offsets.remote) await this.client.awaitRoute(this.retryTopic);
    const parts = this.compose();
    this.parts = parts;
    parts.consume.start();
    await parts.rebalance.rebalance();
    const every = (ms: number, fn: () => Promise<void>) => {
      const t = setInterval(() => void fn().catch((err: Error) => this.report(err)), ms);
      t.unref();
      this.timers.push(t);
    };
    every(CONSUMER_REBALANCE_INTERVAL_MS, () => parts.rebalance.rebalance());
    every(this.opts.persistConsumerOffsetInterval, () => this.persistOffsets());
  }

  async shutdown(): Promise<void> {
    this.running = false;
    for (const t of this.timers) clearInterval(t);
    this.parts?.consume.shutdown();
    this.parts?.rebalance.dropAll();
    await this.persistOffsets();
    this.parts?.rebalance.unlockAll();
    await this.client.unregisterClient({ consumerGroup: this.opts.consumerGroup });
    this.client.shutdown();
  }

  /** Queues of the subscribed topics this member owns right now (its retry queue left out). */
  get assignedQueues(): MessageQueue[] {
    if (!this.parts) return [];
    return Array.from(this.parts.rebalance.processQueues(), (pq) => pq.mq).filter(
      (mq) => mq.topic !== this.retryTopic,
    );
  }

  private compose(): Parts {
    const o = this.opts;
    const ctx = this.consumeContext;
    let rebalance: RebalanceService | undefined;
    const consume: ConsumeService = this.orderly
      ? new ConsumeOrderlyService(
          ctx,
          { lockAll: (f) => rebalance!.lockAll(f) },
          {
            maxReconsumeTimes: o.maxReconsumeTimes,
            suspendMs: CONSUMER_SUSPEND_CURRENT_QUEUE_TIME_MS,
            lockRenewMs: CONSUMER_LOCK_RENEW_INTERVAL_MS,
          },
        )
      : new ConsumeConcurrentlyService(ctx, o.consumeMessageBatchMaxSize);
    const host = {
      isRunning: () => this.running,
      subscription: (topic: string) => this.subscriptions.get(topic),
      onPullError: (err: Error) => this.emit('error', err),
      report: (err: Error) => this.report(err),
      offsetMoved: (pq: ProcessQueue, offset: number) =>
        void restartQueueAt(rebalance!, this.offsets, pq, offset).catch((err: Error) =>
          this.report(err),
        ),
    };
    const pull = new PullService(
      { api: new PullAPIWrapper(this.client), consume, host, stats: this.stats },
      {
        group: o.consumerGroup,
        pullBatchSize: o.pullBatchSize,
        pullPipelineDepth: o.pullPipelineDepth,
        pullThresholdForQueue: o.pullThresholdForQueue,
        pullThresholdSizeForQueueMiB: o.pullThresholdSizeForQueue,
        commitOffsetEnable: this.offsets.remote,
        suspendTimeoutMs: CONSUMER_BROKER_SUSPEND_MAX_TIME_MS,
        pullTimeoutMs: CONSUMER_TIMEOUT_MS_WHEN_SUSPEND,
        flowControlDelayMs: CONSUMER_PULL_DELAY_MS_WHEN_FLOW_CONTROL,
        exceptionDelayMs: CONSUMER_PULL_DELAY_MS_WHEN_EXCEPTION,
        retryTopic: this.retryTopic,
        namespace: o.namespace,
      },
    );
    const start = {
      where: o.consumeFromWhere,
      timestamp: o.consumeTimestamp,
      retryTopic: this.retryTopic,
      offsets: this.offsets,
    };
    rebalance = new RebalanceService({
      group: o.consumerGroup,
      allocate: o.allocateStrategy,
      broadcasting: !this.offsets.remote,
      cluster: this.client,
      topics: () => this.subscriptions.keys(),
      startOffset: (mq) => computePullFromWhere(this.client, mq, start),
      locker: this.orderly ? new BrokerQueueLocker(this.client, o.consumerGroup) : undefined,
      lockRetryMs: CONSUMER_SUSPEND_CURRENT_QUEUE_TIME_MS,
      listener: {
        queueAdded: (pq) => void pull.pullLoop(pq),
        queueRemoved: (pq) => commitQueueOffset(this.offsets, pq),
      },
      isRunning: () => this.running,
      log: this.log,
    });
    return { rebalance, consume };
  }

  /** What answers the broker's forwarded 307/309 (consumer-running-info.ts). */
  private adminSource(): ConsumerAdminSource {
    const o = this.opts;
    return {
      group: o.consumerGroup,
      runningInfo: () =>
        consumerRunningInfo({
          group: o.consumerGroup,
          namesrvAddr: this.namesrvAddr,
          messageModel: o.messageModel,
          consumeFromWhere: o.consumeFromWhere,
          orderly: this.orderly,
          consumeThreadMax: o.consumeThreadMax,
          startTimestamp: this.startedAt,
          subscriptions: this.subscriptions,
          processQueues: this.parts?.rebalance.processQueues() ?? [],
          consumeStatus: (topic) => this.stats.consumeStatus(topic),
        }),
      consumeDirectly: (msg, brokerName) =>
        consumeMessageDirectly(this.consumeContext.listener, this.orderly, msg, brokerName),
    };
  }

  /** 'error' events for applications that listen; a log line otherwise (never an exception). */
  private report(err: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', err);
    else this.log.warn({ err }, 'consumer error');
  }

  private persistOffsets(): Promise<void> {
    return commitOffsets(this.offsets, this.parts?.rebalance.processQueues() ?? []);
  }
}
