// BrokerConfig + MessageStoreConfig keys KiteMQ honours, with RocketMQ's exact spelling and
// defaults. The schema (schema.ts) parses broker.conf into this shape once; the result is frozen
// and passed down explicitly.
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
  deleteWhen: string;
  fileReservedTime: number;
  diskMaxUsedSpaceRatio: number;
  autoCreateTopicEnable: boolean;
  autoCreateSubscriptionGroup: boolean;
  defaultTopicQueueNums: number;
  enablePropertyFilter: boolean;
  messageDelayLevel: string;
  brokerPermission: number;
  registerNameServerPeriod: number;
  longPollingEnable: boolean;
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
