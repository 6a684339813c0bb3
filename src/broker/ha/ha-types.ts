// What the replication side of a broker reports (runtime info, clusterList, the console), shared
// by the master's HA service and the slave's HA client so the readers need neither.

/** One slave as its master sees it. */
export interface ReplicaLag {
  /** The slave's remote address on the HA link. */
  readonly addr: string;
  /** The last commit-log offset the slave reported having (its 8-byte ack). */
  readonly ackOffset: number;
  /** Master's written commit-log end minus ackOffset. */
  readonly lagBytes: number;
  /** 0 when caught up, else how long since the slave last had every written byte. */
  readonly lagMs: number;
}

export interface HaMasterStatus {
  readonly role: 'ASYNC_MASTER' | 'SYNC_MASTER';
  /** The HA address registered as haServerAddr (brokerIP2:bound HA port). */
  readonly haServerAddr: string;
  readonly slaves: readonly ReplicaLag[];
  /** The highest ack over all slaves (RocketMQ's push2SlaveMaxOffset). */
  readonly push2SlaveMaxOffset: number;
}

export interface HaSlaveStatus {
  readonly role: 'SLAVE';
  /** The master's HA address being followed, when known. */
  readonly masterHaAddr: string | undefined;
  readonly connected: boolean;
  /** The slave's own commit-log end. */
  readonly slaveOffset: number;
  /** The master's end as last heard on the link (a transfer's end or a heartbeat's offset). */
  readonly masterOffset: number;
  readonly lagBytes: number;
  readonly lagMs: number;
  /** Bytes dropped so far because they diverged from the master (0 when never). */
  readonly truncatedBytes: number;
  /** When the last divergence truncation happened (ms since epoch), if ever. */
  readonly lastTruncatedAt: number | undefined;
}

export type HaStatus = HaMasterStatus | HaSlaveStatus;

/** The HA side of a running broker, whichever role it has. */
export interface HaRole {
  status(): HaStatus;
  close(): Promise<void>;
}
