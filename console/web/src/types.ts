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
  onlineClients: number;
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
