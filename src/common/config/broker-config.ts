// BrokerConfig + MessageStoreConfig keys KiteMQ honours, with RocketMQ's exact spelling and
// defaults (BrokerConfig / MessageStoreConfig / NettyServerConfig, 4.9 and 5.x). The schema below
// parses broker.conf into this shape once; the result is frozen and passed down explicitly.
import { homedir, networkInterfaces } from 'node:os';
import {
  CQ_UNIT_SIZE_BYTES,
  DEFAULT_CHANNEL_EXPIRED_TIMEOUT_MS,
  DEFAULT_COMMIT_LOG_FILE_SIZE_BYTES,
  DEFAULT_CONSUME_QUEUE_FILE_SIZE_BYTES,
  DEFAULT_FLUSH_COMMIT_LOG_LEAST_PAGES,
  DEFAULT_FLUSH_CONSUMER_OFFSET_INTERVAL_MS,
  DEFAULT_FLUSH_INTERVAL_COMMIT_LOG_MS,
  DEFAULT_MAX_MESSAGE_SIZE_BYTES,
  DEFAULT_REGISTER_NAME_SERVER_PERIOD_MS,
  DEFAULT_SYNC_FLUSH_TIMEOUT_MS,
  DEFAULT_TOPIC_QUEUE_NUMS,
  FRAME_MAX_LENGTH_BYTES,
  SEND_THREAD_POOL_QUEUE_CAPACITY,
} from '../limits.js';
import { checkHostPortList, checkIPv4, nonEmpty } from './checks.js';
import { BROKER_KEYS_NOT_USED_YET } from './not-used-yet.js';
import {
  type ConfigDefinition,
  type ConfigValue,
  type ParsedConfig,
  parseConfig,
  type Schema,
} from './schema.js';

export type FlushDiskType = 'ASYNC_FLUSH' | 'SYNC_FLUSH';
export type BrokerRole = 'ASYNC_MASTER' | 'SYNC_MASTER' | 'SLAVE';

export interface BrokerConfig {
  brokerClusterName: string;
  brokerName: string;
  brokerId: number;
  brokerRole: BrokerRole;
  /** host:port;host:port */
  namesrvAddr: string;
  /** Address advertised to clients and written as storeHost; must be an IPv4 address. */
  brokerIP1: string;
  brokerIP2: string;
  listenPort: number;
  /** Bind address for the listeners (KiteMQ addition; RocketMQ binds all interfaces). */
  bindAddress: string;
  storePathRootDir: string;
  storePathCommitLog: string;
  flushDiskType: FlushDiskType;
  mapedFileSizeCommitLog: number;
  mapedFileSizeConsumeQueue: number;
  flushIntervalCommitLog: number;
  flushCommitLogLeastPages: number;
  syncFlushTimeout: number;
  maxMessageSize: number;
  sendThreadPoolQueueCapacity: number;
  deleteWhen: string;
  fileReservedTime: number;
  diskMaxUsedSpaceRatio: number;
  diskSpaceWarningLevelRatio: number;
  diskSpaceCleanForciblyRatio: number;
  cleanFileForciblyEnable: boolean;
  cleanResourceInterval: number;
  messageIndexEnable: boolean;
  maxHashSlotNum: number;
  maxIndexNum: number;
  autoCreateTopicEnable: boolean;
  autoCreateSubscriptionGroup: boolean;
  defaultTopicQueueNums: number;
  enablePropertyFilter: boolean;
  messageDelayLevel: string;
  timerMaxDelaySec: number;
  timerWheelEnable: boolean;
  timerPrecisionMs: number;
  timerRollWindowSlot: number;
  brokerPermission: number;
  registerNameServerPeriod: number;
  longPollingEnable: boolean;
  rebalanceLockMaxLiveTime: number;
  flushConsumerOffsetInterval: number;
  channelExpiredTimeout: number;
  regionId: string;
  traceOn: boolean;
}

export interface NamesrvConfig {
  listenPort: number;
  bindAddress: string;
  /** Brokers silent this long are removed (RocketMQ: 120 s). */
  brokerChannelExpiredTime: number;
}

/** What the machine contributes to defaults; injected so tests and docs stay deterministic. */
export interface ConfigEnv {
  /** $HOME: RocketMQ's storePathRootDir is user.home + /store. */
  readonly homeDir: string;
  /** The NAMESRV_ADDR environment variable, or "". */
  readonly namesrvAddr: string;
  /** First non-internal IPv4 address (RocketMQ's RemotingUtil#getLocalAddress), or 127.0.0.1. */
  readonly localIPv4: string;
}

export function systemConfigEnv(): ConfigEnv {
  const ipv4 = Object.values(networkInterfaces())
    .flat()
    .find((i) => i !== undefined && i.family === 'IPv4' && !i.internal);
  return {
    homeDir: homedir(),
    namesrvAddr: process.env.NAMESRV_ADDR ?? '',
    localIPv4: ipv4?.address ?? '127.0.0.1',
  };
}

const DELAY_LEVEL = /^\d+[smhd]$/;
const HOUR = /^([01]?\d|2[0-3])$/;

function brokerSchema(env: ConfigEnv): Schema<BrokerConfig> {
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
      pending: 'the broker always runs as a master, without replication',
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
    storePathRootDir: {
      type: 'string',
      default: `${env.homeDir}/store`,
      defaultText: '$HOME/store',
      doc: 'Root of the store: commit log, consume queues, checkpoint, metadata (config/).',
      check: nonEmpty,
    },
    storePathCommitLog: {
      type: 'string',
      default: (c) => `${c.storePathRootDir}/commitlog`,
      defaultText: '<storePathRootDir>/commitlog',
      doc: 'Directory of the commit log segments.',
      check: nonEmpty,
    },
    flushDiskType: {
      type: 'enum',
      default: 'ASYNC_FLUSH',
      values: ['ASYNC_FLUSH', 'SYNC_FLUSH'],
      doc: 'SYNC_FLUSH answers a send only after fsync; ASYNC_FLUSH flushes on an interval.',
    },
    mapedFileSizeCommitLog: {
      type: 'int',
      default: DEFAULT_COMMIT_LOG_FILE_SIZE_BYTES,
      unit: 'bytes',
      min: 4096,
      aliases: ['mappedFileSizeCommitLog'],
      doc: 'Size of one commit log segment (also accepted as mappedFileSizeCommitLog).',
    },
    mapedFileSizeConsumeQueue: {
      type: 'int',
      default: DEFAULT_CONSUME_QUEUE_FILE_SIZE_BYTES,
      unit: 'bytes',
      min: CQ_UNIT_SIZE_BYTES,
      aliases: ['mappedFileSizeConsumeQueue'],
      doc: 'Size of one consume queue segment, a multiple of 20 (300,000 units by default).',
      check: (v) =>
        v % CQ_UNIT_SIZE_BYTES === 0 ? undefined : `a multiple of ${CQ_UNIT_SIZE_BYTES}`,
    },
    flushIntervalCommitLog: {
      type: 'int',
      default: DEFAULT_FLUSH_INTERVAL_COMMIT_LOG_MS,
      unit: 'ms',
      min: 1,
      doc: 'ASYNC_FLUSH: how often the commit log is flushed.',
    },
    flushCommitLogLeastPages: {
      type: 'int',
      default: DEFAULT_FLUSH_COMMIT_LOG_LEAST_PAGES,
      unit: 'pages',
      min: 0,
      doc: 'ASYNC_FLUSH: flush only when at least this many 4 KiB pages are dirty.',
    },
    syncFlushTimeout: {
      type: 'long',
      default: DEFAULT_SYNC_FLUSH_TIMEOUT_MS,
      unit: 'ms',
      min: 1,
      doc: 'SYNC_FLUSH: a send waiting longer for fsync is answered FLUSH_DISK_TIMEOUT.',
    },
    maxMessageSize: {
      type: 'int',
      default: DEFAULT_MAX_MESSAGE_SIZE_BYTES,
      unit: 'bytes',
      min: 1,
      max: FRAME_MAX_LENGTH_BYTES - 64 * 1024,
      doc: 'Largest message body a producer may send.',
    },
    sendThreadPoolQueueCapacity: {
      type: 'int',
      default: SEND_THREAD_POOL_QUEUE_CAPACITY,
      unit: 'requests',
      min: 1,
      doc: 'Sends waiting for the store (page-cache write, SYNC_FLUSH group commit); one more is answered SYSTEM_BUSY, unstored.',
    },
    deleteWhen: {
      type: 'string',
      default: '04',
      doc: 'Hour(s) of the day expired files are deleted, e.g. 04 or 04;16.',
      check: (v) =>
        v.split(';').every((h) => HOUR.test(h)) ? undefined : 'hours 00-23 split by ;',
    },
    fileReservedTime: {
      type: 'int',
      default: 72,
      unit: 'hours',
      min: 0,
      doc: 'How long commit log files are kept after their last write.',
    },
    diskMaxUsedSpaceRatio: {
      type: 'int',
      default: 75,
      unit: '%',
      min: 10,
      max: 95,
      doc: 'Disk usage above which expired files are deleted at any hour, not only at deleteWhen.',
    },
    diskSpaceWarningLevelRatio: {
      type: 'int',
      default: 90,
      unit: '%',
      min: 10,
      max: 99,
      doc: 'Disk usage above which writes are refused (SERVICE_NOT_AVAILABLE); reads go on.',
    },
    diskSpaceCleanForciblyRatio: {
      type: 'int',
      default: 85,
      unit: '%',
      min: 10,
      max: 99,
      doc: 'Disk usage above which the oldest files are deleted even if not expired.',
    },
    cleanFileForciblyEnable: {
      type: 'bool',
      default: true,
      doc: 'Allow forced cleaning past diskSpaceCleanForciblyRatio (off: only expired files go).',
    },
    cleanResourceInterval: {
      type: 'int',
      default: 10_000,
      unit: 'ms',
      min: 10,
      doc: 'How often disk usage is checked and expired files are deleted.',
    },
    messageIndexEnable: {
      type: 'bool',
      default: true,
      doc: 'Build the key index (KEYS and UNIQ_KEY) for QUERY_MESSAGE; off, puts cost ~25% less CPU.',
    },
    maxHashSlotNum: {
      type: 'int',
      default: 5_000_000,
      min: 1,
      doc: 'Hash slots of one key-index file (4 bytes each).',
    },
    maxIndexNum: {
      type: 'int',
      default: 20_000_000,
      min: 1,
      doc: 'Entries of one key-index file (20 bytes each); a full file rolls.',
    },
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
    messageDelayLevel: {
      type: 'string',
      default: '1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h',
      doc:
        'Delay of each DELAY level (1, 2, …; s, m, h, d): SCHEDULE_TOPIC_XXXX queue n-1 holds ' +
        'level n; retries wait level 3 + reconsumeTimes, capped at the last level.',
      check: (v) =>
        v
          .trim()
          .split(/\s+/)
          .every((t) => DELAY_LEVEL.test(t) && Number.isSafeInteger(Number.parseInt(t, 10) * 864e5))
          ? undefined
          : 'space-separated durations such as 1s 5m 2h',
    },
    timerMaxDelaySec: {
      type: 'int',
      default: 259_200,
      unit: 's',
      min: 1,
      doc: 'Furthest delivery time a timer message (TIMER_DELIVER_MS, TIMER_DELAY_SEC/_MS) may ask for; 3 days.',
    },
    timerWheelEnable: {
      type: 'bool',
      default: true,
      doc:
        'Deliver timer messages through the timer wheel (rmq_sys_wheel_timer, timerwheel, ' +
        'timerlog/), to the millisecond. When false, RocketMQ refuses them; KiteMQ moves them ' +
        'along the delay levels instead, late by up to the first level.',
    },
    timerPrecisionMs: {
      type: 'int',
      default: 1_000,
      unit: 'ms',
      min: 10,
      max: 60_000,
      doc:
        'Width of a timer-wheel slot. Messages are still put back at their own millisecond, ' +
        'never before; a message sent for a slot already being delivered waits for the next ' +
        'one. A slot holding more than 1024 messages is read 1024 at a time, newest first, so ' +
        'some of them come up to one slot late and after later-due ones: late, never early. ' +
        'RocketMQ rounds to 100, 200, 500 or 1000; KiteMQ takes the value as given.',
    },
    timerRollWindowSlot: {
      type: 'int',
      default: 172_800,
      min: 2,
      max: 8_388_608,
      doc:
        'Slots in the timer wheel (× timerPrecisionMs: 2 days by default; 16 bytes of memory ' +
        'each). A message due later waits in the last slot and is rolled: stored again.',
    },
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
  };
}

export function brokerConfigDefinition(
  env: ConfigEnv = systemConfigEnv(),
): ConfigDefinition<BrokerConfig> {
  return { name: 'broker', schema: brokerSchema(env), notUsedYet: BROKER_KEYS_NOT_USED_YET };
}

export interface ParseOptions {
  readonly env?: ConfigEnv;
  /** Caller defaults that the file may still override (standalone's ./data store, loopback IP). */
  readonly defaults?: Readonly<Record<string, ConfigValue>>;
}

/** Parses broker.conf text: defaults < options.defaults < file < overrides (command line). */
export function parseBrokerConfig(
  text: string,
  fileName: string,
  overrides: Readonly<Record<string, ConfigValue>> = {},
  options: ParseOptions = {},
): ParsedConfig<BrokerConfig> {
  const def = brokerConfigDefinition(options.env);
  return parseConfig(def, { text, fileName, overrides, defaults: options.defaults });
}
