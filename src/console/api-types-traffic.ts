// The console JSON API's dashboard, alerts, messages, dead letters and transactions: the second
// half of the contract in api-types.ts, which re-exports it (import from there). Types only.

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
  /** Expected limits of the snapshot, e.g. masters that are Apache RocketMQ brokers. */
  notes: string[];
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

export interface Resolved {
  ok: true;
  remark?: string;
}

/** POST api/transactions/resolve. */
export interface ResolveRequest {
  brokerName: string;
  msgId: string;
  action: 'commit' | 'rollback';
}
