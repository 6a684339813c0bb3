// The console JSON API's answers and request bodies (docs/console-api.md), the one statement of
// the contract: the server's handlers are typed against it, so a server change that breaks a
// page fails tsc, and the web app (console/web/) reads the same names. Types only, no imports:
// the web app's bundler pulls this file in, and nothing from the server may come with it.
// The dashboard, alert, message, dead-letter and transaction shapes are in api-types-traffic.ts,
// re-exported here: import from this file.

export type * from './api-types-traffic.js';

// Session, environments, audit.

export type Role = 'admin' | 'read-only';

export interface User {
  name: string;
  role: Role;
}

export interface Session {
  user: User;
  csrfToken: string;
}

export interface Env {
  id: string;
  namesrvAddr: string;
}

/** The answer of a write that has nothing more to say. */
export interface Ok {
  ok: true;
}

export interface AuditEntry {
  /** ISO time. */
  at: string;
  user: string;
  /** The client's address: the TCP peer, or X-Forwarded-For's when console.trustProxy trusts it. */
  addr?: string;
  /** "<area>.<verb>", e.g. topic.delete. */
  action: string;
  target: string;
  params: unknown;
  ok: boolean;
  error?: string;
}

export interface AuditEntries {
  entries: AuditEntry[];
}

// Cluster and brokers.

export interface BrokerRow {
  brokerName: string;
  brokerId: number;
  addr: string;
  role: string;
  /** null: the broker did not answer GET_BROKER_RUNTIME_INFO. */
  version: string | null;
  inTps: number;
  outTps: number;
  putToday: number;
  getToday: number;
  diskRatio: number;
  replicaLagBytes: number | null;
  replicaLagSeconds: number | null;
  up: boolean;
}

export interface ClusterView {
  namesrvs: string[];
  clusters: { name: string; brokers: BrokerRow[] }[];
}

export interface BrokerConfig {
  config: Record<string, string>;
  liveKeys: readonly string[];
}

// Topics.

export type TopicKind = 'normal' | 'retry' | 'dlq' | 'system';

export interface TopicRow {
  topic: string;
  kind: TopicKind;
  messageType: string;
  perm: number;
  readQueueNums: number;
  writeQueueNums: number;
  order: boolean;
  brokers: string[];
}

export interface TopicList {
  topics: TopicRow[];
}

export interface TopicQueue {
  brokerName: string;
  queueId: number;
  minOffset: number;
  maxOffset: number;
  lastUpdateTimestamp: number;
}

export interface TopicDetail {
  topic: string;
  route: {
    brokerDatas: { cluster: string; brokerName: string; brokerAddrs: Record<string, string> }[];
    queueDatas: {
      brokerName: string;
      readQueueNums: number;
      writeQueueNums: number;
      perm: number;
    }[];
  };
  queues: TopicQueue[];
  groups: string[];
}

export interface DeletePreview {
  topic: string;
  brokers: string[];
  queues: number;
  messages: number;
  groups: string[];
}

/** POST api/topics; the server fills the queue counts, perm and order it is not given. */
export interface NewTopic {
  topic: string;
  cluster?: string;
  brokerAddr?: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  order: boolean;
}

export interface TopicCreated extends Ok {
  /** The broker addresses written to. */
  brokers: string[];
  warnings: string[];
}

export interface TopicDeleted extends Ok {
  brokers: string[];
}

/** POST api/topics/:topic/messages. */
export interface NewMessage {
  body: string;
  tag?: string;
  keys?: string;
  properties?: Record<string, string>;
  delayLevel?: number;
  deliverTimeMs?: number;
}

export interface SendResult {
  msgId: string;
  offsetMsgId: string;
  queue: { brokerName: string; queueId: number };
  queueOffset: number;
  sendStatus: string;
}

// Groups.

export interface GroupRow {
  group: string;
  /** null: not asked (the list is a snapshot that counts the clients of watched groups only). */
  onlineClients: number | null;
  consumeTps: number;
  /** null: the broker could not say (no offsets yet, broker down); shown as unknown, never 0. */
  diffTotal: number | null;
  messageModel: string | null;
  consumeType: string | null;
}

export interface GroupList {
  /** When the snapshot the list comes from was taken. */
  at: number;
  groups: GroupRow[];
}

export interface GroupQueue {
  topic: string;
  brokerName: string;
  queueId: number;
  brokerOffset: number;
  consumerOffset: number;
  diff: number;
  lagSeconds: number | null;
  clientId: string | null;
  lastTimestamp: number | null;
}

export interface GroupConnection {
  clientId: string;
  clientAddr: string;
  language: string;
  /** The client's MQVersion ordinal, as its heartbeat gave it. */
  version: number;
}

export interface GroupDetail {
  group: string;
  queues: GroupQueue[];
  diffTotal: number | null;
  connections: GroupConnection[];
}

export interface SubscriptionGroupConfig {
  groupName: string;
  consumeEnable: boolean;
  consumeFromMinEnable: boolean;
  consumeBroadcastEnable: boolean;
  consumeMessageOrderly: boolean;
  retryQueueNums: number;
  retryMaxTimes: number;
  brokerId: number;
  whichBrokerWhenConsumeSlowly: number;
  notifyConsumerIdsChangedEnable: boolean;
}

export interface GroupConfigs {
  configs: { brokerName: string; addr: string; config: SubscriptionGroupConfig }[];
}

export interface GroupCreated extends Ok {
  /** The broker names written to. */
  brokers: string[];
}

export interface OffsetChange {
  brokerName: string;
  queueId: number;
  currentOffset: number | null;
  newOffset: number;
}

export interface OffsetChanges {
  queues: OffsetChange[];
}

export interface RunningInfo {
  clientId: string;
  properties: Record<string, string>;
  subscriptions: { topic: string; expression: string }[];
  queues: {
    topic: string;
    brokerName: string;
    queueId: number;
    commitOffset: number;
    cachedMsgCount: number;
    locked: boolean;
    lastPullTimestamp: number;
    lastConsumeTimestamp: number;
  }[];
  status: {
    topic: string;
    pullRT: number;
    pullTPS: number;
    consumeRT: number;
    consumeOKTPS: number;
    consumeFailedTPS: number;
    consumeFailedMsgs: number;
  }[];
}
