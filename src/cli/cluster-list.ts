// mqadmin clusterList (ClusterListSubCommand): one row per broker of every cluster, with its
// version, in/out TPS, today's in/out totals, commit-log disk ratio and replica lag, all read
// from each broker's GET_BROKER_RUNTIME_INFO (the lag from its haReplica* keys, see
// broker/runtime-info-ha.ts), and a note under the table for each slave that truncated bytes
// which had diverged from its master. A broker that does not answer shows "-".
import type { AdminClient } from '../client/admin.js';

export interface ClusterRow {
  readonly cluster: string;
  readonly brokerName: string;
  readonly brokerId: string;
  readonly addr: string;
  /** The broker's runtime table; undefined when it did not answer. */
  readonly info: Readonly<Record<string, string>> | undefined;
}

export async function clusterRows(admin: AdminClient): Promise<ClusterRow[]> {
  const cluster = await admin.getClusterInfo();
  const rows: Omit<ClusterRow, 'info'>[] = [];
  for (const [name, brokerNames] of Object.entries(cluster.clusterAddrTable)) {
    for (const brokerName of brokerNames) {
      const addrs = cluster.brokerAddrTable[brokerName]?.brokerAddrs ?? {};
      for (const [brokerId, addr] of Object.entries(addrs))
        rows.push({ cluster: name, brokerName, brokerId, addr });
    }
  }
  const infos = await Promise.all(
    rows.map((r) => admin.getBrokerRuntimeInfo(r.addr).catch(() => undefined)),
  );
  return rows.map((r, i) => ({ ...r, info: infos[i] }));
}

/** "0 B, 0.0 s", "no slave" for a master nobody follows, "(disconnected)" for a cut-off slave. */
export function replicaLagCell(info: Readonly<Record<string, string>> | undefined): string {
  if (info?.haRole === undefined) return '-';
  if (info.haMaster === 'true' && info.haSlaveNums === '0') return 'no slave';
  const bytes = Number(info.haReplicaLagBytes ?? 0);
  const seconds = (Number(info.haReplicaLagMs ?? 0) / 1000).toFixed(1);
  const cut = info.haMaster === 'false' && info.haConnected !== 'true' ? ' (disconnected)' : '';
  return `${bytes} B, ${seconds} s${cut}`;
}

/** One line per slave that dropped diverged bytes, for under the table. */
export function truncationNotes(rows: readonly ClusterRow[]): string[] {
  const notes: string[] = [];
  for (const r of rows) {
    const bytes = Number(r.info?.haTruncatedBytes ?? 0);
    if (!(bytes > 0)) continue;
    const at = Number(r.info?.haLastTruncatedTimestamp ?? -1);
    const when = at > 0 ? ` (last at ${new Date(at).toISOString()})` : '';
    notes.push(
      `note: ${r.brokerName} slave ${r.brokerId} (${r.addr}) truncated ${bytes} bytes that had diverged from its master${when}`,
    );
  }
  return notes;
}

/** The first of a "tps10 tps60 tps600" value, as ClusterListSubCommand prints it. */
function firstTps(v: string | undefined): string {
  const n = Number(v?.split(' ')[0]);
  return Number.isFinite(n) ? n.toFixed(2) : '-';
}

/** A counter since this morning (msg*TotalTodayNow − msg*TotalTodayMorning). */
function today(info: Readonly<Record<string, string>>, kind: 'Put' | 'Get'): string {
  const now = Number(info[`msg${kind}TotalTodayNow`]);
  const morning = Number(info[`msg${kind}TotalTodayMorning`] ?? 0);
  return Number.isFinite(now) ? String(now - morning) : '-';
}

/** ClusterListSubCommand's columns that KiteMQ fills: version, TPS, today's totals, disk use. */
function statsCells(info: Readonly<Record<string, string>> | undefined): string[] {
  if (!info) return ['-', '-', '-', '-', '-', '-'];
  const queued = info.sendThreadPoolQueueSize ?? 0;
  const load = `(${queued},${info.sendThreadPoolQueueHeadWaitTimeMills ?? 0}ms)`;
  const space = Number(info.commitLogDiskRatio);
  return [
    info.brokerVersionDesc ?? '-',
    `${firstTps(info.putTps)}${load}`,
    firstTps(info.getTransferedTps),
    today(info, 'Put'),
    today(info, 'Get'),
    Number.isFinite(space) ? space.toFixed(4) : '-',
  ];
}

export function clusterListLines(rows: readonly ClusterRow[]): (string | number)[][] {
  const header = [
    '#Cluster Name',
    '#Broker Name',
    '#BID',
    '#Addr',
    '#Version',
    '#InTPS(LOAD)',
    '#OutTPS',
    '#InTotalToday',
    '#OutTotalToday',
    '#SPACE',
    '#Replica Lag',
  ];
  return [
    header,
    ...rows.map((r) => [
      r.cluster,
      r.brokerName,
      r.brokerId,
      r.addr,
      ...statsCells(r.info),
      replicaLagCell(r.info),
    ]),
  ];
}
