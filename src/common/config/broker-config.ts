// BrokerConfig + MessageStoreConfig keys KiteMQ honours, with RocketMQ's exact spelling and
// defaults (BrokerConfig / MessageStoreConfig / NettyServerConfig, 4.9 and 5.x): the shape, and
// the schema that parses broker.conf into it once; the result is frozen and passed down
// explicitly. The keys themselves are in broker-keys.ts and store-keys.ts.
import { homedir } from 'node:os';
import { ConfigError } from '../errors.js';
import { localIPv4 } from '../local-address.js';
import {
  brokerIdentityKeys,
  brokerRuntimeKeys,
  brokerSendKeys,
  brokerTopicKeys,
} from './broker-keys.js';
import { brokerHaKeys } from './ha-keys.js';
import { brokerMetricsKeys, type MetricsConfig } from './metrics-keys.js';
import { BROKER_KEYS_NOT_USED_YET } from './not-used-yet.js';
import { storePullKeys } from './pull-keys.js';
import {
  type ConfigDefinition,
  type ConfigValue,
  type ParsedConfig,
  parseConfig,
  type Schema,
} from './schema.js';
import { storeDelayKeys, storeFileKeys, storePathKeys, storeRetentionKeys } from './store-keys.js';

export type FlushDiskType = 'ASYNC_FLUSH' | 'SYNC_FLUSH';
export type BrokerRole = 'ASYNC_MASTER' | 'SYNC_MASTER' | 'SLAVE';

export interface BrokerConfig extends MetricsConfig {
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
  rejectTransactionMessage: boolean;
  transactionTimeOut: number;
  transactionCheckInterval: number;
  transactionCheckMax: number;
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
  compressedRegister: boolean;
  enableSplitRegistration: boolean;
  splitRegistrationSize: number;
  longPollingEnable: boolean;
  useServerSideResetOffset: boolean;
  rebalanceLockMaxLiveTime: number;
  flushConsumerOffsetInterval: number;
  channelExpiredTimeout: number;
  regionId: string;
  traceOn: boolean;
  haListenPort: number;
  haMasterAddress: string;
  haSendHeartbeatInterval: number;
  haHousekeepingInterval: number;
  haTransferBatchSize: number;
  haMaxGapNotInSync: number;
  slaveTimeout: number;
  haAuthToken: string;
  haSyncFromLastFile: boolean;
  slaveSyncInterval: number;
  slaveReadEnable: boolean;
  accessMessageInMemoryMaxRatio: number;
  maxTransferCountOnMessageInMemory: number;
  maxTransferBytesOnMessageInMemory: number;
  maxTransferCountOnMessageInDisk: number;
  maxTransferBytesOnMessageInDisk: number;
}

// Optional: name servers built in code (tests, standalone) leave the exporter off.
export interface NamesrvConfig extends Partial<MetricsConfig> {
  listenPort: number;
  bindAddress: string;
  /** Brokers silent this long are removed (RocketMQ: 120 s). */
  brokerChannelExpiredTime: number;
  /** Where the KV config persists; unset (a name server built in code): memory only. */
  kvConfigPath?: string;
  /** Routes carry orderTopicConf from the ORDER_TOPIC_CONFIG namespace (RocketMQ: false). */
  orderMessageEnable?: boolean;
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
  return {
    homeDir: homedir(),
    namesrvAddr: process.env.NAMESRV_ADDR ?? '',
    localIPv4: localIPv4(),
  };
}

/** Key order is the order docs/config.md lists them in. */
function brokerSchema(env: ConfigEnv): Schema<BrokerConfig> {
  return {
    ...brokerIdentityKeys(env),
    ...storePathKeys(env),
    ...storeFileKeys,
    ...brokerSendKeys,
    ...storeRetentionKeys,
    ...storePullKeys,
    ...brokerTopicKeys,
    ...storeDelayKeys,
    ...brokerRuntimeKeys,
    ...brokerHaKeys,
    ...brokerMetricsKeys,
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
  const parsed = parseConfig(def, { text, fileName, overrides, defaults: options.defaults });
  return checkRoleAndId(parsed, fileName);
}

/**
 * BrokerStartup#createBrokerController: a master's brokerId is forced to 0 (MixAll.MASTER_ID), a
 * slave needs one above 0 (RocketMQ exits with "Slave's brokerId must be > 0").
 */
function checkRoleAndId(
  parsed: ParsedConfig<BrokerConfig>,
  fileName: string,
): ParsedConfig<BrokerConfig> {
  const c = parsed.config;
  if (c.brokerRole === 'SLAVE') {
    if (c.brokerId > 0) return parsed;
    throw new ConfigError(
      `${fileName}: brokerRole=SLAVE needs brokerId > 0 (got ${c.brokerId}); set brokerId=1 (0 is the master's id)`,
    );
  }
  if (c.brokerId === 0) return parsed;
  const given = `${fileName}: brokerId=${c.brokerId} with brokerRole=${c.brokerRole}`;
  const warning = `${given}; a master's brokerId is always 0, using 0 (set brokerRole=SLAVE for a slave)`;
  return {
    config: Object.freeze({ ...c, brokerId: 0 }),
    warnings: [...parsed.warnings, warning],
  };
}
