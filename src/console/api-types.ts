// The console JSON API's answers and request bodies (docs/console-api.md), the one statement of
// the contract: the server's handlers are typed against it, so a server change that breaks a
// page fails tsc, and the web app (console/web/) reads the same names. Types only, no imports:
// the web app's bundler pulls this file in, and nothing from the server may come with it.

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
  /** "<area>.<verb>", e.g. topic.delete. */
  action: string;
  target: string;
  params: unknown;
  ok: boolean;
  error?: string;
}

export interface AuditPage {
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
  /** null: not asked (the list comes from a snapshot that counts clients of watched groups only). */
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

// Dashboard and alerts.

export interface DashboardBroker {
  cluster: string;
  brokerName: string;
  brokerId: number;
  addr: string;
  up: boolean;
  inTps: number;
  outTps: number;
  diskRatio: number | null;
}

export type AlertType =
  | 'consumerLag'
  | 'noOnlineConsumer'
  | 'dlqGrowth'
  | 'diskRatio'
  | 'brokerDown';

export interface Alert {
  ruleId: string;
  type: AlertType;
  target: string;
  state: 'pending' | 'firing' | 'resolved';
  value: number | null;
  threshold: number;
  since: number;
  at: number;
  firingSince?: number;
  resolvedAt?: number;
}

export interface AlertList {
  alerts: Alert[];
}

/** What the dashboard shows of a snapshot; dashboardOf() builds it. */
export interface DashboardView {
  brokers: DashboardBroker[];
  totals: { inTps: number; outTps: number };
  topTopics: { topic: string; inTps: number }[];
  topGroups: { group: string; diff: number; lagSeconds: number | null; consumeTps: number }[];
}

export interface Dashboard extends DashboardView {
  at: number;
  refreshIntervalMs: number;
  alerts: Alert[];
  /** Calls of the snapshot that failed: it is partial. */
  errors: string[];
  /** Why the latest refresh failed (the snapshot is then older than one interval). */
  refreshError: string | null;
}

export interface Series {
  key: string;
  /** [time ms, value] */
  points: [number, number][];
}

export interface AlertRule {
  id: string;
  type: AlertType;
  target: string;
  unit?: 'messages' | 'seconds';
  threshold: number;
  forMs: number;
  enabled: boolean;
}

export interface Webhook {
  url: string;
  timeoutMs?: number;
  retries?: number;
}

export interface AlertRules {
  rules: AlertRule[];
  webhook: Webhook | null;
}

// Messages, dead letters, transactions.

export interface MessageSummary {
  msgId: string;
  offsetMsgId: string;
  topic: string;
  tags: string | null;
  keys: string | null;
  brokerName: string;
  queueId: number;
  queueOffset: number;
  storeTimestamp: number;
  bornTimestamp: number;
  bodySize: number;
}

export interface MessagePage {
  messages: MessageSummary[];
  page: number;
  pageSize: number;
  total: number;
  scannedQueues: number;
  totalQueues: number;
  truncated: boolean;
}

export interface MessageList {
  messages: MessageSummary[];
}

export type ConsumeStatus =
  | 'CONSUMED'
  | 'NOT_CONSUMED'
  | 'CONSUMED_BUT_FILTERED'
  | 'NOT_ONLINE'
  | 'UNKNOWN';

export interface BodyViews {
  bodyBase64: string;
  /** null: the body is not valid UTF-8. */
  bodyText: string | null;
  bodyJson: boolean;
}

export interface MessageDetail {
  message: MessageSummary &
    BodyViews & {
      properties: Record<string, string>;
      bornHost: string;
      storeHost: string;
      reconsumeTimes: number;
    };
  consumeStatus: { group: string; status: ConsumeStatus }[];
}

export interface ResendResult {
  ok: boolean;
  result: { consumeResult: string; remark: string | null };
}

export interface DlqGroup {
  group: string;
  topic: string;
  count: number;
  lastStoreTimestamp: number | null;
}

export interface DlqGroups {
  groups: DlqGroup[];
}

export interface DlqMessage extends MessageSummary {
  originTopic: string | null;
  originMsgId: string | null;
}

export interface DlqPage {
  messages: DlqMessage[];
  page: number;
  pageSize: number;
  total: number;
}

export interface DlqResent {
  resent: number;
  failed: { id: string; error: string }[];
}

export interface HalfMessage {
  brokerName: string;
  /** The transaction's id as the broker keys it (the UNIQ_KEY), so the same as transactionId. */
  msgId: string;
  offsetMsgId: string;
  topic: string;
  queueId: number;
  producerGroup: string;
  transactionId: string | null;
  storeTimestamp: number;
  checkTimes: number;
}

export interface Transactions {
  pending: HalfMessage[];
  discarded: (HalfMessage & { discardedAt: number | null })[];
  /** Masters that did not answer: their halves are missing from the lists. */
  unreachable: string[];
}

export interface Resolved extends Ok {
  remark?: string;
}

/** POST api/transactions/resolve. */
export interface ResolveRequest {
  brokerName: string;
  msgId: string;
  action: 'commit' | 'rollback';
}
