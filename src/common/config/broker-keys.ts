// BrokerConfig keys KiteMQ honours (RocketMQ's spelling and defaults, NettyServerConfig's port):
// who the broker is and where it listens, how it queues sends, creates topics and groups, and how
// it talks to name servers and clients.
import {
  DEFAULT_CHANNEL_EXPIRED_TIMEOUT_MS,
  DEFAULT_FLUSH_CONSUMER_OFFSET_INTERVAL_MS,
  DEFAULT_REGISTER_NAME_SERVER_PERIOD_MS,
  DEFAULT_SPLIT_REGISTRATION_SIZE,
  DEFAULT_TOPIC_QUEUE_NUMS,
  DEFAULT_TRANSACTION_CHECK_INTERVAL_MS,
  DEFAULT_TRANSACTION_CHECK_MAX,
  DEFAULT_TRANSACTION_TIMEOUT_MS,
  SEND_THREAD_POOL_QUEUE_CAPACITY,
} from '../limits.js';
import type { BrokerConfig, ConfigEnv } from './broker-config.js';
import { checkHostPortList, checkIPv4, nonEmpty } from './checks.js';
import type { Schema } from './schema.js';

type Keys = Partial<Schema<BrokerConfig>>;

export function brokerIdentityKeys(env: ConfigEnv) {
  return {
    brokerClusterName: {
      type: 'string',
      default: 'DefaultCluster',
      doc: 'Cluster this broker registers under.',
      check: nonEmpty,
    },
    brokerName: {
      type: 'string',
      default: 'broker-a',
      doc: 'Broker group name; master and slaves of one group share it.',
      check: nonEmpty,
    },
    brokerId: { type: 'long', default: 0, min: 0, doc: '0 is the master, >0 a slave.' },
    brokerRole: {
      type: 'enum',
      default: 'ASYNC_MASTER',
      values: ['ASYNC_MASTER', 'SYNC_MASTER', 'SLAVE'],
      doc: 'Replication role of this broker.',
    },
    namesrvAddr: {
      type: 'string',
      default: env.namesrvAddr,
      defaultText: '$NAMESRV_ADDR or ""',
      doc: 'Name servers to register with, host:port;host:port (mqbroker -n overrides).',
      check: checkHostPortList,
    },
    brokerIP1: {
      type: 'string',
      default: env.localIPv4,
      defaultText: 'first non-internal IPv4 address, else 127.0.0.1',
      doc: 'IPv4 address advertised to clients and stored in message ids.',
      check: checkIPv4,
    },
    brokerIP2: {
      type: 'string',
      default: (c) => c.brokerIP1,
      defaultText: 'brokerIP1',
      doc: 'Address used by a slave to reach the master (HA).',
      check: checkIPv4,
    },
    listenPort: {
      type: 'int',
      default: 10911,
      min: 0,
      max: 65535,
      doc: 'Client port; listenPort-2 is also opened (fast/"VIP" channel). 0 picks a free port.',
    },
    bindAddress: {
      type: 'string',
      default: '0.0.0.0',
      doc: 'Interface the listeners bind to (KiteMQ addition; RocketMQ binds all interfaces).',
      check: nonEmpty,
    },
  } satisfies Keys;
}

export const brokerSendKeys = {
  sendThreadPoolQueueCapacity: {
    type: 'int',
    default: SEND_THREAD_POOL_QUEUE_CAPACITY,
    unit: 'requests',
    min: 1,
    doc: 'Sends waiting for the store (page-cache write, SYNC_FLUSH group commit); one more is answered SYSTEM_BUSY, unstored.',
  },
  rejectTransactionMessage: {
    type: 'bool',
    default: false,
    doc: 'Refuse half messages of transactions (TRAN_MSG=true) with NO_PERMISSION.',
  },
  transactionTimeOut: {
    type: 'long',
    default: DEFAULT_TRANSACTION_TIMEOUT_MS,
    unit: 'ms',
    min: 1,
    doc: 'Age of a half message before its first check-back (CHECK_IMMUNITY_TIME_IN_SECONDS may ask for longer).',
  },
  transactionCheckInterval: {
    type: 'long',
    default: DEFAULT_TRANSACTION_CHECK_INTERVAL_MS,
    unit: 'ms',
    min: 1,
    doc: 'How often pending half messages are checked back (CHECK_TRANSACTION_STATE).',
  },
  transactionCheckMax: {
    type: 'int',
    default: DEFAULT_TRANSACTION_CHECK_MAX,
    min: 1,
    doc: 'Check-backs before an undecided half message is moved to TRANS_CHECK_MAX_TIME_TOPIC.',
  },
} satisfies Keys;

export const brokerTopicKeys = {
  autoCreateTopicEnable: {
    type: 'bool',
    default: true,
    doc: 'Create a topic on first send (from TBW102). Turn off in production.',
  },
  autoCreateSubscriptionGroup: {
    type: 'bool',
    default: true,
    doc: 'Create a subscription group on first heartbeat/pull.',
  },
  defaultTopicQueueNums: {
    type: 'int',
    default: DEFAULT_TOPIC_QUEUE_NUMS,
    min: 1,
    max: 1024,
    doc: 'Queues of an auto-created topic (capped by the producer’s request).',
  },
  enablePropertyFilter: {
    type: 'bool',
    default: false,
    doc: 'Serve SQL92 property filters; when false, SQL92 subscriptions get SYSTEM_ERROR.',
  },
} satisfies Keys;

export const brokerRuntimeKeys = {
  brokerPermission: {
    type: 'int',
    default: 6,
    min: 0,
    max: 7,
    doc: 'PermName bits: 4 read, 2 write, 1 inherit; 6 is read+write.',
  },
  registerNameServerPeriod: {
    type: 'int',
    default: DEFAULT_REGISTER_NAME_SERVER_PERIOD_MS,
    unit: 'ms',
    min: 100,
    max: 60_000,
    doc: 'How often the broker re-registers with every name server.',
  },
  compressedRegister: {
    type: 'bool',
    default: false,
    doc:
      'Send the periodic full registration zlib-compressed (RocketMQ’s compact topic lines). ' +
      'A body that would pass the 16 MiB frame limit is compressed whatever this says.',
  },
  enableSplitRegistration: {
    type: 'bool',
    default: false,
    doc:
      'Send the periodic full registration in batches of splitRegistrationSize topics; ' +
      'a batch is partial, so a deleted topic leaves routes through mqadmin deleteTopic only.',
  },
  splitRegistrationSize: {
    type: 'int',
    default: DEFAULT_SPLIT_REGISTRATION_SIZE,
    min: 1,
    max: 1_000_000,
    doc: 'Topics per batch of a split registration (enableSplitRegistration).',
  },
  rebalanceLockMaxLiveTime: {
    type: 'int',
    default: 60_000,
    unit: 'ms',
    min: 100,
    doc: 'How long an orderly consumer keeps a queue lock without renewing it (RocketMQ: the JVM property rocketmq.broker.rebalance.lockMaxLiveTime).',
  },
  longPollingEnable: {
    type: 'bool',
    default: true,
    doc: 'Park pulls that find nothing until a message arrives or they time out.',
  },
  useServerSideResetOffset: {
    type: 'bool',
    default: true,
    doc: "Resets stay on the broker; each queue's next pull gets PULL_OFFSET_MOVED (5.x). false: online consumers get RESET_CONSUMER_CLIENT_OFFSET (4.x).",
  },
  flushConsumerOffsetInterval: {
    type: 'int',
    default: DEFAULT_FLUSH_CONSUMER_OFFSET_INTERVAL_MS,
    unit: 'ms',
    min: 1,
    doc: 'How often consumer offsets are written to config/consumerOffset.json.',
  },
  channelExpiredTimeout: {
    type: 'long',
    default: DEFAULT_CHANNEL_EXPIRED_TIMEOUT_MS,
    unit: 'ms',
    min: 1000,
    doc: 'Clients silent this long (no heartbeat) are dropped.',
  },
  regionId: {
    type: 'string',
    default: 'DefaultRegion',
    doc: 'Region reported in message traces (MSG_REGION property).',
  },
  traceOn: {
    type: 'bool',
    default: true,
    doc: 'Reported to clients with each send (TRACE_ON property).',
  },
} satisfies Keys;
