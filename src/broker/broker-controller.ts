// Composition root of the broker: opens the store, loads metadata, wires processors to request
// codes (the table is processor-table.ts), listens on listenPort and listenPort-2 (the "VIP" port
// older Java clients use), keeps the name-server registration alive and runs housekeeping.
// Nothing below constructs its own deps.
import { join } from 'node:path';
import type { BrokerConfig } from '../common/config/broker-config.js';
import { ConfigError } from '../common/errors.js';
import {
  CLIENT_HOUSEKEEPING_INTERVAL_MS,
  FAST_CHANNEL_PORT_OFFSET,
  LISTEN_PAIR_ATTEMPTS,
  SLAVE_SYNC_FIRST_DELAY_MS,
} from '../common/limits.js';
import type { Logger } from '../common/logger.js';
import { parseMessageDelayLevel } from '../message/delay-level.js';
import type { MetricsExporter } from '../remoting/metrics/exporter.js';
import { RemotingClient } from '../remoting/remoting-client.js';
import { RemotingServer } from '../remoting/remoting-server.js';
import { MessageStore } from '../store/message-store.js';
import type { BrokerContext } from './broker-context.js';
import { BrokerStats } from './broker-stats.js';
import { HaMasterService, haMasterOptions } from './ha/ha-master.js';
import type { HaSlave } from './ha/ha-slave.js';
import { PullRequestHoldService } from './long-polling/pull-request-hold-service.js';
import { ConsumerManager } from './managers/consumer-manager.js';
import { ConsumerOffsetManager } from './managers/consumer-offset-manager.js';
import { ProducerManager } from './managers/producer-manager.js';
import { RebalanceLockManager } from './managers/rebalance-lock-manager.js';
import { SubscriptionGroupManager } from './managers/subscription-group-manager.js';
import { TopicConfigManager } from './managers/topic-config-manager.js';
import type { BrokerMetrics } from './metrics/broker-metrics.js';
import { NamesrvRegistration } from './namesrv-registration.js';
import { registerBrokerProcessors } from './processor-table.js';
import { ScheduleMessageService } from './schedule/schedule-message-service.js';
import { SendQueue } from './send-queue.js';
import type { SlaveSynchronize } from './slave/slave-synchronize.js';
import { TimerMessageStore } from './timer/timer-message-store.js';
import { isBatchCq } from './topic-attributes.js';
import { openTransactions } from './transaction/open-transactions.js';
import type { TransactionService } from './transaction/transaction-service.js';

export class BrokerController {
  private readonly config: BrokerConfig;
  private readonly log: Logger;
  private readonly server: RemotingServer;
  private readonly outbound: RemotingClient;
  private ctx: BrokerContext | undefined;
  private schedule: ScheduleMessageService | undefined;
  private timer: TimerMessageStore | undefined;
  private transactions: TransactionService | undefined;
  private registration: NamesrvRegistration | undefined;
  private slaveSync: SlaveSynchronize | undefined;
  /** setMasterAddress's override of the name servers' answer (tests without a name server). */
  private masterOverride: string | undefined;
  private haMaster: HaMasterService | undefined;
  private haSlave: HaSlave | undefined;
  private timers: NodeJS.Timeout[] = [];
  private boundPort = 0;
  private metrics: BrokerMetrics | undefined;
  private exporter: MetricsExporter | undefined;

  private readonly configPath: string | undefined;

  /** `configPath`: the -c file, where UPDATE_BROKER_CONFIG persists a change. */
  constructor(config: BrokerConfig, log: Logger, configPath?: string) {
    this.config = config;
    this.log = log;
    this.configPath = configPath;
    this.server = new RemotingServer(log.child({ module: 'remoting' }));
    this.outbound = new RemotingClient(log.child({ module: 'namesrv-client' }));
  }

  /** Where Prometheus scrapes (metricsExporterType=PROM), once started. */
  get metricsUrl(): string | undefined {
    return this.exporter?.url;
  }

  /** The bound main port (listenPort, or the port picked when listenPort is 0). */
  get port(): number {
    return this.boundPort;
  }

  /** A slave's master (remoting address), as the name servers named it; metadata sync uses it. */
  get masterAddr(): string | undefined {
    return this.masterOverride ?? this.registration?.master?.masterAddr;
  }

  get brokerAddr(): string {
    return `${this.config.brokerIP1}:${this.boundPort}`;
  }

  /** brokerRole=SLAVE: where SlaveSynchronize pulls from, instead of REGISTER_BROKER's answer. */
  setMasterAddress(addr: string | undefined): void {
    this.masterOverride = addr === '' ? undefined : addr;
  }

  async start(): Promise<void> {
    const c = this.config;
    // Loaded only when on: prom-client and the collectors cost an idle broker about 2 MiB.
    if (c.metricsExporterType !== 'DISABLE') {
      const { BrokerMetrics } = await import('./metrics/broker-metrics.js');
      this.metrics = new BrokerMetrics(c);
      this.metrics.rpc.install(this.server); // before any processor is registered
    }
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
      transfer: {
        countInMemory: c.maxTransferCountOnMessageInMemory,
        bytesInMemory: c.maxTransferBytesOnMessageInMemory,
        countInDisk: c.maxTransferCountOnMessageInDisk,
        bytesInDisk: c.maxTransferBytesOnMessageInDisk,
      },
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
      // Topic configs load after the store opens (recovery knows a queue's kind by its directory);
      // nothing puts to a BatchCQ topic before the context exists.
      isBatchCqTopic: (t) => isBatchCq(this.ctx?.topics.get(t)?.attributes),
      slave:
        c.brokerRole === 'SLAVE' ? { brokerName: c.brokerName, brokerId: c.brokerId } : undefined,
    });
    try {
      await this.startWithStore(store);
    } catch (err) {
      await this.exporter?.close();
      await this.haSlave?.close();
      await this.server.close();
      await this.haMaster?.close();
      await this.schedule?.shutdown();
      await this.timer?.shutdown();
      this.transactions?.close();
      await store.shutdown();
      throw err;
    }
  }

  private async startWithStore(store: MessageStore): Promise<void> {
    const c = this.config;
    // A slave follows its master: no delivery, check-back or retention of its own.
    const follower = c.brokerRole === 'SLAVE';
    if (follower) store.cleanService.followMaster();
    const topics = new TopicConfigManager(c, this.log.child({ module: 'topics' }));
    topics.load();
    const groups = new SubscriptionGroupManager(c, this.log.child({ module: 'groups' }));
    groups.load();
    const offsets = new ConsumerOffsetManager(
      c.storePathRootDir,
      undefined,
      this.log.child({ module: 'offsets' }),
    );
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
      follower,
    });
    this.schedule = schedule;
    schedule.start();
    const timer = c.timerWheelEnable
      ? new TimerMessageStore(store, {
          storePathRootDir: c.storePathRootDir,
          precisionMs: c.timerPrecisionMs,
          rollWindowSlots: c.timerRollWindowSlot,
          log: this.log.child({ module: 'timer' }),
          follower,
        })
      : undefined;
    this.timer = timer;
    await timer?.start();
    // Before the listeners open: commits a crash left unapplied are put first.
    const { transactions, transactionChecks } = await openTransactions(
      c,
      { store, topics, producers },
      this.log,
      follower,
    );
    this.transactions = transactions;
    // listenPort=0 binds a free pair in one go (a port chosen first and bound later can be taken).
    this.boundPort = await this.server.listenPair(
      c.listenPort,
      FAST_CHANNEL_PORT_OFFSET,
      c.bindAddress,
      LISTEN_PAIR_ATTEMPTS,
    );
    const storeHost = `${c.brokerIP1}:${this.boundPort}`;
    // A master serves its slaves (a SYNC_MASTER's puts wait for them); a slave runs no HA master.
    if (c.brokerRole !== 'SLAVE') {
      const haLog = this.log.child({ module: 'ha-master' });
      this.haMaster = await HaMasterService.start(store, haMasterOptions(c), haLog);
    }
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
    if (this.haMaster) registration.haServerAddr = this.haMaster.haServerAddr;
    topics.onChange = (changed) => registration.scheduleRegister(changed);
    const haSlave =
      c.brokerRole === 'SLAVE' ? await this.newHaSlave(store, registration) : undefined;
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
      transactions,
      transactionChecks,
      storeHost,
      configPath: this.configPath,
      locks: new RebalanceLockManager(c.rebalanceLockMaxLiveTime),
      ha: this.haMaster ?? haSlave,
    };
    this.ctx = ctx;
    registerBrokerProcessors(ctx, this.server);
    if (this.metrics) {
      this.metrics.attach(ctx);
      const log = this.log.child({ module: 'metrics' });
      const { startMetricsExporter } = await import('../remoting/metrics/exporter.js');
      this.exporter = await startMetricsExporter(c, this.metrics.registry, log);
    }
    this.server.on('disconnect', (conn) => {
      consumers.onChannelClose(conn);
      producers.onChannelClose(conn);
    });
    pullHold.start();
    transactionChecks.start();
    this.startHousekeeping(ctx);
    await registration.start();
    if (follower) await this.startSlaveSync(ctx);
    if (haSlave) await this.startHaSlave(haSlave, registration);
  }

  /** A slave pulls topics, offsets, delay progress and groups from its master's VIP port. */
  private async startSlaveSync(ctx: BrokerContext): Promise<void> {
    const c = this.config;
    // A master never loads the slave side (here and in newHaSlave): less code held at idle.
    const { SlaveSynchronize } = await import('./slave/slave-synchronize.js');
    this.slaveSync = new SlaveSynchronize(
      {
        topics: ctx.topics,
        groups: ctx.groups,
        offsets: ctx.offsets,
        schedule: ctx.schedule,
        clean: ctx.store.cleanService,
        client: this.outbound,
        masterAddr: () => this.masterAddr,
        log: this.log.child({ module: 'slave-sync' }),
      },
      {
        intervalMs: c.slaveSyncInterval,
        firstDelayMs: Math.min(SLAVE_SYNC_FIRST_DELAY_MS, c.slaveSyncInterval),
      },
    );
    this.slaveSync.start();
  }

  private async newHaSlave(
    store: MessageStore,
    registration: NamesrvRegistration,
  ): Promise<HaSlave> {
    const c = this.config;
    const { HaSlave } = await import('./ha/ha-slave.js');
    const slave = new HaSlave({
      store,
      log: this.log.child({ module: 'ha-slave' }),
      haMasterAddress: c.haMasterAddress,
      haSendHeartbeatInterval: c.haSendHeartbeatInterval,
      haHousekeepingInterval: c.haHousekeepingInterval,
      haAuthToken: c.haAuthToken,
    });
    registration.onMasterChange((m) => slave.setMaster(m));
    this.haSlave = slave;
    return slave;
  }

  /** A slave no name server knows a master for would wait forever: say so and stop. */
  private async startHaSlave(slave: HaSlave, registration: NamesrvRegistration): Promise<void> {
    const c = this.config;
    if (c.haMasterAddress === '' && registration.accepted > 0 && !registration.master) {
      await registration.shutdown();
      throw new ConfigError(
        `no master registered for brokerName=${c.brokerName}; start the master first or set haMasterAddress`,
      );
    }
    if (registration.master) slave.setMaster(registration.master);
    slave.start();
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
    // Not awaited: the writer keeps one write in flight and logs a failure; the next tick retries.
    every(this.config.flushConsumerOffsetInterval, () => {
      ctx.offsets.persist().catch(() => {});
    });
  }

  async shutdown(): Promise<void> {
    await this.exporter?.close();
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.slaveSync?.stop();
    await this.registration?.shutdown();
    this.outbound.close();
    const ctx = this.ctx;
    ctx?.pullHold.shutdown();
    ctx?.stats.stop();
    await this.haSlave?.close();
    await this.server.close();
    await this.haMaster?.close(); // open SYNC_MASTER waits are answered before the store closes
    if (ctx) {
      await ctx.schedule.shutdown(); // before the store: the last batch's offsets get written
      await ctx.timer?.shutdown();
      await ctx.transactionChecks.stop();
      ctx.transactions.close();
      await ctx.offsets.close(); // the last version, after the writes still in flight
      await ctx.groups.close();
      ctx.topics.close();
      await ctx.store.shutdown();
    }
    this.log.info({ dir: join(this.config.storePathRootDir) }, 'broker shut down cleanly');
  }
}
