// Composition root of the broker: opens the store, loads metadata, wires processors to request
// codes, listens on listenPort and listenPort-2 (the "VIP" port older Java clients use), keeps the
// name-server registration alive and runs housekeeping. Nothing below constructs its own deps;
// the put hooks a stored send runs through (put-hooks.ts) are built here once.
import { join } from 'node:path';
import type { BrokerConfig } from '../common/config/broker-config.js';
import {
  CLIENT_HOUSEKEEPING_INTERVAL_MS,
  FAST_CHANNEL_PORT_OFFSET,
  LISTEN_PAIR_ATTEMPTS,
} from '../common/limits.js';
import type { Logger } from '../common/logger.js';
import { parseMessageDelayLevel } from '../message/delay-level.js';
import { RequestCode } from '../protocol/request-code.js';
import { RemotingClient } from '../remoting/remoting-client.js';
import { RemotingServer } from '../remoting/remoting-server.js';
import { MessageStore } from '../store/message-store.js';
import type { BrokerContext } from './broker-context.js';
import { BrokerStats } from './broker-stats.js';
import { PullRequestHoldService } from './long-polling/pull-request-hold-service.js';
import { ConsumerManager } from './managers/consumer-manager.js';
import { ConsumerOffsetManager } from './managers/consumer-offset-manager.js';
import { ProducerManager } from './managers/producer-manager.js';
import { RebalanceLockManager } from './managers/rebalance-lock-manager.js';
import { SubscriptionGroupManager } from './managers/subscription-group-manager.js';
import { TopicConfigManager } from './managers/topic-config-manager.js';
import { NamesrvRegistration } from './namesrv-registration.js';
import { AdminProcessor } from './processors/admin.js';
import { AdminStatsProcessor } from './processors/admin-stats.js';
import { BrokerInfoProcessor } from './processors/broker-info.js';
import { ClientManageProcessor } from './processors/client-manage.js';
import { ConsumerManageProcessor } from './processors/consumer-manage.js';
import { LockMqProcessor } from './processors/lock-mq.js';
import { PullMessageProcessor } from './processors/pull-message.js';
import { QueryMessageProcessor } from './processors/query-message.js';
import { ReplyMessageProcessor } from './processors/reply-message.js';
import { ResetOffsetProcessor } from './processors/reset-offset.js';
import { SendMessageProcessor } from './processors/send-message.js';
import { SendMessageBackProcessor } from './processors/send-message-back.js';
import { brokerPutHooks } from './put-hooks.js';
import { ScheduleMessageService } from './schedule/schedule-message-service.js';
import { SendQueue } from './send-queue.js';
import { TimerMessageStore } from './timer/timer-message-store.js';

export class BrokerController {
  private readonly config: BrokerConfig;
  private readonly log: Logger;
  private readonly server: RemotingServer;
  private readonly outbound: RemotingClient;
  private ctx: BrokerContext | undefined;
  private schedule: ScheduleMessageService | undefined;
  private timer: TimerMessageStore | undefined;
  private registration: NamesrvRegistration | undefined;
  private timers: NodeJS.Timeout[] = [];
  private boundPort = 0;

  constructor(config: BrokerConfig, log: Logger) {
    this.config = config;
    this.log = log;
    this.server = new RemotingServer(log.child({ module: 'remoting' }));
    this.outbound = new RemotingClient(log.child({ module: 'namesrv-client' }));
  }

  /** The bound main port (listenPort, or the port picked when listenPort is 0). */
  get port(): number {
    return this.boundPort;
  }

  get brokerAddr(): string {
    return `${this.config.brokerIP1}:${this.boundPort}`;
  }

  async start(): Promise<void> {
    const c = this.config;
    const store = await MessageStore.open({
      storePathRootDir: c.storePathRootDir,
      storePathCommitLog: c.storePathCommitLog,
      mappedFileSizeCommitLog: c.mapedFileSizeCommitLog,
      mappedFileSizeConsumeQueue: c.mapedFileSizeConsumeQueue,
      flushDiskType: c.flushDiskType,
      flushIntervalCommitLog: c.flushIntervalCommitLog,
      flushCommitLogLeastPages: c.flushCommitLogLeastPages,
      syncFlushTimeout: c.syncFlushTimeout,
      maxMessageSize: c.maxMessageSize,
      messageIndexEnable: c.messageIndexEnable,
      maxHashSlotNum: c.maxHashSlotNum,
      maxIndexNum: c.maxIndexNum,
      clean: {
        deleteWhen: c.deleteWhen,
        fileReservedTimeHours: c.fileReservedTime,
        diskMaxUsedSpaceRatio: c.diskMaxUsedSpaceRatio,
        diskSpaceWarningLevelRatio: c.diskSpaceWarningLevelRatio,
        diskSpaceCleanForciblyRatio: c.diskSpaceCleanForciblyRatio,
        cleanFileForciblyEnable: c.cleanFileForciblyEnable,
        cleanResourceInterval: c.cleanResourceInterval,
      },
      logger: this.log.child({ module: 'store' }),
    });
    try {
      await this.startWithStore(store);
    } catch (err) {
      await this.server.close();
      await this.schedule?.shutdown();
      await this.timer?.shutdown();
      await store.shutdown();
      throw err;
    }
  }

  private async startWithStore(store: MessageStore): Promise<void> {
    const c = this.config;
    const topics = new TopicConfigManager(c, this.log.child({ module: 'topics' }));
    topics.load();
    const groups = new SubscriptionGroupManager(c);
    groups.load();
    const offsets = new ConsumerOffsetManager(c.storePathRootDir);
    offsets.load();
    const consumers = new ConsumerManager(this.log.child({ module: 'consumers' }));
    const producers = new ProducerManager();
    const pullHold = new PullRequestHoldService(this.log.child({ module: 'pull-hold' }));
    // With longPollingEnable=false parked pulls are only re-checked on their (1 s) deadline.
    if (c.longPollingEnable) {
      store.on('messageArrived', (topic, queueId, nextOffset, tagsCode) =>
        pullHold.notifyMessageArriving(topic, queueId, nextOffset, tagsCode),
      );
    }
    // Before the listeners open: delayOffset.json is read and clamped, delivery resumes.
    const schedule = new ScheduleMessageService(store, {
      storePathRootDir: c.storePathRootDir,
      levels: parseMessageDelayLevel(c.messageDelayLevel),
      log: this.log.child({ module: 'schedule' }),
    });
    this.schedule = schedule;
    schedule.start();
    const timer = c.timerWheelEnable
      ? new TimerMessageStore(store, {
          storePathRootDir: c.storePathRootDir,
          precisionMs: c.timerPrecisionMs,
          rollWindowSlots: c.timerRollWindowSlot,
          log: this.log.child({ module: 'timer' }),
        })
      : undefined;
    this.timer = timer;
    await timer?.start();
    // listenPort=0 binds a free pair in one go (a port chosen first and bound later can be taken).
    this.boundPort = await this.server.listenPair(
      c.listenPort,
      FAST_CHANNEL_PORT_OFFSET,
      c.bindAddress,
      LISTEN_PAIR_ATTEMPTS,
    );
    const storeHost = `${c.brokerIP1}:${this.boundPort}`;
    const stats = new BrokerStats();
    stats.start();
    const registration = new NamesrvRegistration(
      c,
      storeHost,
      topics,
      this.outbound,
      this.log.child({ module: 'registration' }),
    );
    this.registration = registration;
    topics.onChange = () => registration.scheduleRegister();
    const ctx: BrokerContext = {
      stats,
      sendQueue: new SendQueue(c.sendThreadPoolQueueCapacity),
      // What the processors (GET_BROKER_CONFIG among them) see is the port actually bound.
      config:
        c.listenPort === this.boundPort ? c : Object.freeze({ ...c, listenPort: this.boundPort }),
      log: this.log,
      store,
      topics,
      routes: registration,
      groups,
      offsets,
      consumers,
      producers,
      pullHold,
      schedule,
      timer,
      storeHost,
      locks: new RebalanceLockManager(c.rebalanceLockMaxLiveTime),
    };
    this.ctx = ctx;
    this.registerProcessors(ctx);
    this.server.on('disconnect', (conn) => {
      consumers.onChannelClose(conn);
      producers.onChannelClose(conn);
    });
    pullHold.start();
    this.startHousekeeping(ctx);
    await registration.start();
  }

  private registerProcessors(ctx: BrokerContext): void {
    const s = this.server;
    // One list for every processor that stores a producer's message (END_TRANSACTION next).
    const putHooks = brokerPutHooks(ctx);
    const send = new SendMessageProcessor(ctx, putHooks);
    s.registerProcessor(
      [RequestCode.SEND_MESSAGE, RequestCode.SEND_MESSAGE_V2, RequestCode.SEND_BATCH_MESSAGE],
      send.process,
    );
    const reply = new ReplyMessageProcessor(ctx);
    s.registerProcessor(
      [RequestCode.SEND_REPLY_MESSAGE, RequestCode.SEND_REPLY_MESSAGE_V2],
      reply.process,
    );
    const back = new SendMessageBackProcessor(ctx);
    s.registerProcessor(RequestCode.CONSUMER_SEND_MSG_BACK, back.process);
    s.registerProcessor(RequestCode.GET_ALL_DELAY_OFFSET, ctx.schedule.getAllDelayOffset);
    const pull = new PullMessageProcessor(ctx);
    s.registerProcessor([RequestCode.PULL_MESSAGE, RequestCode.LITE_PULL_MESSAGE], pull.process);
    const client = new ClientManageProcessor(ctx);
    s.registerProcessor(RequestCode.HEART_BEAT, client.heartBeat);
    s.registerProcessor(RequestCode.UNREGISTER_CLIENT, client.unregisterClient);
    s.registerProcessor(RequestCode.CHECK_CLIENT_CONFIG, client.checkClientConfig);
    const cm = new ConsumerManageProcessor(ctx);
    s.registerProcessor(RequestCode.GET_CONSUMER_LIST_BY_GROUP, cm.getConsumerListByGroup);
    s.registerProcessor(RequestCode.UPDATE_CONSUMER_OFFSET, cm.updateConsumerOffset);
    s.registerProcessor(RequestCode.QUERY_CONSUMER_OFFSET, cm.queryConsumerOffset);
    const query = new QueryMessageProcessor(ctx);
    s.registerProcessor(RequestCode.QUERY_MESSAGE, query.queryMessage);
    s.registerProcessor(RequestCode.VIEW_MESSAGE_BY_ID, query.viewMessageById);
    const admin = new AdminProcessor(ctx);
    s.registerProcessor(RequestCode.UPDATE_AND_CREATE_TOPIC, admin.updateAndCreateTopic);
    s.registerProcessor(RequestCode.DELETE_TOPIC_IN_BROKER, admin.deleteTopicInBroker);
    s.registerProcessor(RequestCode.GET_ALL_TOPIC_CONFIG, admin.getAllTopicConfig);
    s.registerProcessor(RequestCode.GET_TOPIC_CONFIG, admin.getTopicConfig);
    s.registerProcessor(RequestCode.GET_MAX_OFFSET, admin.getMaxOffset);
    s.registerProcessor(RequestCode.GET_MIN_OFFSET, admin.getMinOffset);
    s.registerProcessor(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, admin.searchOffsetByTimestamp);
    s.registerProcessor(RequestCode.GET_EARLIEST_MSG_STORETIME, admin.getEarliestMsgStoretime);
    const info = new BrokerInfoProcessor(ctx);
    s.registerProcessor(RequestCode.GET_BROKER_RUNTIME_INFO, info.getBrokerRuntimeInfo);
    s.registerProcessor(RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG, info.getAllSubscriptionGroup);
    const stats = new AdminStatsProcessor(ctx);
    s.registerProcessor(RequestCode.GET_BROKER_CONFIG, stats.getBrokerConfig);
    s.registerProcessor(RequestCode.GET_TOPIC_STATS_INFO, stats.getTopicStatsInfo);
    s.registerProcessor(RequestCode.GET_CONSUMER_CONNECTION_LIST, stats.getConsumerConnectionList);
    s.registerProcessor(RequestCode.GET_CONSUME_STATS, stats.getConsumeStats);
    const lock = new LockMqProcessor(ctx);
    s.registerProcessor(RequestCode.LOCK_BATCH_MQ, lock.lockBatchMQ);
    s.registerProcessor(RequestCode.UNLOCK_BATCH_MQ, lock.unlockBatchMQ);
    const reset = new ResetOffsetProcessor(ctx);
    s.registerProcessor(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, reset.invokeBrokerToResetOffset);
  }

  private startHousekeeping(ctx: BrokerContext): void {
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(() => {
        try {
          fn();
        } catch (err) {
          this.log.error({ err }, 'housekeeping task failed');
        }
      }, ms);
      t.unref();
      this.timers.push(t);
    };
    every(CLIENT_HOUSEKEEPING_INTERVAL_MS, () => {
      const now = Date.now();
      ctx.consumers.scanExpired(now, this.config.channelExpiredTimeout);
      ctx.producers.scanExpired(now, this.config.channelExpiredTimeout);
    });
    every(this.config.flushConsumerOffsetInterval, () => ctx.offsets.persist());
  }

  async shutdown(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.registration?.shutdown();
    this.outbound.close();
    const ctx = this.ctx;
    ctx?.pullHold.shutdown();
    ctx?.stats.stop();
    await this.server.close();
    if (ctx) {
      await ctx.schedule.shutdown(); // before the store: the last batch's offsets get written
      await ctx.timer?.shutdown();
      ctx.offsets.persist(true);
      await ctx.store.shutdown();
    }
    this.log.info({ dir: join(this.config.storePathRootDir) }, 'broker shut down cleanly');
  }
}
