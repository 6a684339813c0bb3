// The console JSON API's shapes (docs/console-api.md), as the pages read them.

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

export interface BrokerRow {
  brokerName: string;
  brokerId: number;
  addr: string;
  role: string;
  version: string;
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
  liveKeys: string[];
}

export const TOPIC_KINDS = ['normal', 'retry', 'dlq', 'system'] as const;
export type TopicKind = (typeof TOPIC_KINDS)[number];

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
  queues: {
    brokerName: string;
    queueId: number;
    minOffset: number;
    maxOffset: number;
    lastUpdateTimestamp: number;
  }[];
  groups: string[];
}

export interface DeletePreview {
  topic: string;
  brokers: string[];
  queues: number;
  messages: number;
  groups: string[];
}

export interface NewTopic {
  topic: string;
  cluster?: string;
  brokerAddr?: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  order: boolean;
}

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

export interface GroupDetail {
  group: string;
  queues: {
    topic: string;
    brokerName: string;
    queueId: number;
    brokerOffset: number;
    consumerOffset: number;
    diff: number;
    lagSeconds: number | null;
    clientId: string | null;
    lastTimestamp: number | null;
  }[];
  diffTotal: number | null;
  connections: { clientId: string; clientAddr: string; language: string; version: string }[];
}

export interface AuditEntry {
  at: string;
  user: string;
  action: string;
  target: string;
  params: unknown;
  ok: boolean;
  error?: string;
}

// Part 2 of the API: dashboard, alerts, messages, dead letters, transactions.

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

export const ALERT_TYPES = [
  'consumerLag',
  'noOnlineConsumer',
  'dlqGrowth',
  'diskRatio',
  'brokerDown',
] as const;
export type AlertType = (typeof ALERT_TYPES)[number];

export interface Alert {
  ruleId: string;
  type: AlertType;
  target: string;
  state: 'pending' | 'firing' | 'resolved';
  value: number | null;
  threshold: number;
  since: number;
  at: number;
}

export interface Dashboard {
  at: number;
  refreshIntervalMs: number;
  brokers: DashboardBroker[];
  totals: { inTps: number; outTps: number };
  topTopics: { topic: string; inTps: number }[];
  topGroups: { group: string; diff: number; lagSeconds: number | null; consumeTps: number }[];
  alerts: Alert[];
}

export interface Series {
  key: string;
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

export const CONSUME_STATUSES = [
  'CONSUMED',
  'NOT_CONSUMED',
  'CONSUMED_BUT_FILTERED',
  'NOT_ONLINE',
  'UNKNOWN',
] as const;
export type ConsumeStatus = (typeof CONSUME_STATUSES)[number];

export interface MessageDetail {
  message: MessageSummary & {
    properties: Record<string, string>;
    bornHost: string;
    storeHost: string;
    reconsumeTimes: number;
    bodyBase64: string;
    bodyText: string | null;
    bodyJson: boolean;
  };
  consumeStatus: { group: string; status: ConsumeStatus }[];
}

export interface DlqGroup {
  group: string;
  topic: string;
  count: number;
  lastStoreTimestamp: number | null;
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

export interface HalfMessage {
  brokerName: string;
  msgId: string;
  offsetMsgId?: string;
  topic: string;
  producerGroup: string;
  transactionId: string | null;
  storeTimestamp: number;
  checkTimes: number;
}

export interface Transactions {
  pending: HalfMessage[];
  discarded: (HalfMessage & { discardedAt: number | null })[];
}

// Part 3: group config, offset resets, running info, a sent test message.

export interface SubscriptionGroupConfig {
  groupName: string;
  consumeEnable: boolean;
  consumeFromMinEnable: boolean;
  consumeBroadcastEnable: boolean;
  retryQueueNums: number;
  retryMaxTimes: number;
  brokerId: number;
  whichBrokerWhenConsumeSlowly: number;
  notifyConsumerIdsChangedEnable: boolean;
}

export interface GroupConfigs {
  configs: { brokerName: string; addr: string; config: SubscriptionGroupConfig }[];
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

export interface SendResult {
  msgId: string;
  offsetMsgId: string;
  queue: { brokerName: string; queueId: number };
  queueOffset: number;
  sendStatus: string;
}
