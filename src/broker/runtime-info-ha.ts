// The replication keys of GET_BROKER_RUNTIME_INFO. RocketMQ keeps these out of the runtime table
// (5.x answers them apart, as HARuntimeInfo, to GET_BROKER_HA_STATUS; 4.x only logs
// MessageStore#slaveFallBehindMuch), so the names follow HARuntimeInfo's fields and
// slaveFallBehindMuch, with an `ha` prefix where the name alone would be unclear. The `haReplica*`
// keys mean the same for either role, so mqadmin clusterList reads them without knowing it.
import type { HaStatus } from './ha/ha-types.js';

/** Nothing when the broker runs no HA side (before it starts, or in a build without one). */
export function haRuntimeInfo(status: HaStatus | undefined): Record<string, string> {
  if (status === undefined) return {};
  if (status.role === 'SLAVE') {
    return {
      haRole: status.role,
      haMaster: 'false',
      haMasterAddr: status.masterHaAddr ?? '',
      haConnected: String(status.connected),
      haSlaveMaxOffset: String(status.slaveOffset),
      haMasterMaxOffset: String(status.masterOffset),
      slaveFallBehindMuch: String(status.lagBytes),
      haReplicaLagBytes: String(status.lagBytes),
      haReplicaLagMs: String(status.lagMs),
      haTruncatedBytes: String(status.truncatedBytes),
      haLastTruncatedTimestamp: String(status.lastTruncatedAt ?? -1),
    };
  }
  const worstBytes = Math.max(0, ...status.slaves.map((s) => s.lagBytes));
  const worstMs = Math.max(0, ...status.slaves.map((s) => s.lagMs));
  const connections = status.slaves.map((s) => ({
    addr: s.addr,
    slaveAckOffset: s.ackOffset,
    diff: s.lagBytes,
    lagMs: s.lagMs,
  }));
  return {
    haRole: status.role,
    haMaster: 'true',
    haServerAddr: status.haServerAddr,
    haSlaveNums: String(status.slaves.length),
    haConnectionInfo: JSON.stringify(connections),
    push2SlaveMaxOffset: String(status.push2SlaveMaxOffset),
    slaveFallBehindMuch: String(worstBytes),
    haReplicaLagBytes: String(worstBytes),
    haReplicaLagMs: String(worstMs),
  };
}
