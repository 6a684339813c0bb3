// What processors share. Built once by BrokerController (the composition root) and passed down.
import type { BrokerConfig } from '../common/config/broker-config.js';
import type { Logger } from '../common/logger.js';
import type { MessageStore } from '../store/message-store.js';
import type { BrokerStats } from './broker-stats.js';
import type { HaRole } from './ha/ha-types.js';
import type { PullRequestHoldService } from './long-polling/pull-request-hold-service.js';
import type { ConsumerManager } from './managers/consumer-manager.js';
import type { ConsumerOffsetManager } from './managers/consumer-offset-manager.js';
import type { ProducerManager } from './managers/producer-manager.js';
import type { RebalanceLockManager } from './managers/rebalance-lock-manager.js';
import type { SubscriptionGroupManager } from './managers/subscription-group-manager.js';
import type { TopicConfigManager } from './managers/topic-config-manager.js';
import type { TopicChangePublisher } from './namesrv-registration.js';
import type { ScheduleMessageService } from './schedule/schedule-message-service.js';
import type { SendQueue } from './send-queue.js';
import type { TimerMessageStore } from './timer/timer-message-store.js';
import type { TransactionCheckService } from './transaction/check-service.js';
import type { TransactionService } from './transaction/transaction-service.js';

export interface BrokerContext {
  readonly config: BrokerConfig;
  readonly log: Logger;
  readonly store: MessageStore;
  readonly topics: TopicConfigManager;
  /** Topic changes a client can see are answered after the name servers route them. */
  readonly routes: TopicChangePublisher;
  readonly groups: SubscriptionGroupManager;
  readonly offsets: ConsumerOffsetManager;
  readonly consumers: ConsumerManager;
  readonly producers: ProducerManager;
  readonly pullHold: PullRequestHoldService;
  readonly stats: BrokerStats;
  /** Sends admitted and not answered yet, bounded by sendThreadPoolQueueCapacity. */
  readonly sendQueue: SendQueue;
  /** Delay levels and their delivery (SCHEDULE_TOPIC_XXXX → real topics). */
  readonly schedule: ScheduleMessageService;
  /** Timer messages (rmq_sys_wheel_timer → real topics); undefined when timerWheelEnable=false. */
  readonly timer: TimerMessageStore | undefined;
  /** END_TRANSACTION's decisions, durable and first-wins (transaction/). */
  readonly transactions: TransactionService;
  /** Pending half messages and their check-back (CHECK_TRANSACTION_STATE). */
  readonly transactionChecks: TransactionCheckService;
  /** Queue locks of orderly consumers (LOCK_BATCH_MQ). */
  readonly locks: RebalanceLockManager;
  /** brokerIP1:listenPort — the storeHost of every record and the address in msgIds. */
  readonly storeHost: string;
  /** The -c file UPDATE_BROKER_CONFIG persists changes into; undefined when started without. */
  readonly configPath?: string;
  /** Replication: the master's HA service or the slave's HA client; undefined until wired. */
  readonly ha?: HaRole;
}
