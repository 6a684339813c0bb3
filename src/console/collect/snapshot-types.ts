// What one refresh of a cluster holds: the console's pages, the TPS history and the alert rules
// all read this shape, never the brokers directly.

export interface BrokerSnapshot {
  cluster: string;
  brokerName: string;
  /** 0 for a master, the slave's id otherwise. */
  brokerId: number;
  addr: string;
  /** False when GET_BROKER_RUNTIME_INFO failed (refused, timed out, error code). */
  up: boolean;
  /** Why `up` is false. */
  error?: string;
  /** Messages stored per second (putTps, its 10 s window); 0 while down. */
  inTps: number;
  /** Messages handed to consumers per second (getTransferredTps, 10 s window). */
  outTps: number;
  putTotalToday: number;
  getTotalToday: number;
  /** commitLogDiskRatio, used/total of the commit log's partition in 0…1; null when unknown. */
  diskRatio: number | null;
  /** A slave's lag behind its master, or a master's worst slave; null without replication. */
  replicaLagBytes: number | null;
  replicaLagMs: number | null;
  version: string | null;
}

export interface GroupSnapshot {
  group: string;
  /**
   * Clients connected: the most any master counts (clients heartbeat to every master). Null when
   * no master that knows the group said: it is on Apache RocketMQ brokers only (asked there only
   * for watched groups), or those brokers did not answer.
   */
  onlineClients: number | null;
  /** As the group's consumers registered it on a master; null when none is (or not known). */
  consumeType?: string | null;
  messageModel?: string | null;
  /** Messages behind, over every topic and queue of every master. */
  diff: number;
  /** Queues with a committed offset of this group; 0: it has consumed nowhere (diff unknown). */
  queues: number;
  /**
   * Now minus the store time of the last consumed message of the most lagging queue (an upper
   * bound of the oldest unconsumed message's age); 0 when nothing is behind; null when a queue is
   * behind with nothing consumed yet (no store time to measure from).
   */
  lagSeconds: number | null;
  /** Consumed messages per second since the previous snapshot; 0 for the first. */
  consumeTps: number;
  /** Sum of committed offsets, from which the next snapshot derives consumeTps. */
  consumedOffset: number;
  topics: string[];
}

export interface TopicSnapshot {
  topic: string;
  /**
   * Messages per second since the previous snapshot; 0 for the first, and when the masters that
   * reported the topic changed in between. Absent when no master reported it.
   */
  inTps?: number;
  /**
   * Sum of queue max offsets over the masters that reported the topic: every KiteMQ master; an
   * Apache RocketMQ master only when some group has offsets on it (its consume stats).
   */
  maxOffset?: number;
  /** How many masters' figures maxOffset sums. */
  reportedBy?: number;
}

export interface DlqSnapshot {
  group: string;
  /** %DLQ%<group> */
  topic: string;
  /** Sum over masters of the DLQ's queue-0 max offset: dead letters ever parked. */
  maxOffset: number;
}

export interface Snapshot {
  at: number;
  namesrvAddr: string;
  /**
   * Remoting calls this refresh made: it grows with brokers, not topics or groups (and with the
   * watched groups and DLQ topics only for Apache RocketMQ masters).
   */
  calls: number;
  /** Milliseconds the refresh took, from the first call to the last answer. */
  tookMs: number;
  brokers: BrokerSnapshot[];
  groups: GroupSnapshot[];
  topics: TopicSnapshot[];
  dlq: DlqSnapshot[];
  /** Calls that failed but left the snapshot usable, one line each. */
  errors: string[];
  /** Expected limits of this refresh, not failures: masters without the one-call summary. */
  notes?: string[];
}
