// One refresh of a cluster with a bounded number of remoting calls: the name server's cluster
// info and topic list (2), then per broker its runtime info (1), and per master
// GET_BROKER_CONSUME_STATS (1), which carries every group's per-queue offsets on that broker, and
// KITEMQ_GET_BROKER_CONSOLE_SNAPSHOT (1), every group's online clients and every topic's summed
// max offsets (and so the DLQ topics' too). Nothing is asked per topic or per group, so 1,000
// topics and 200 groups cost what 2 do. A master that answers REQUEST_CODE_NOT_SUPPORTED (Apache
// RocketMQ has no such request) costs what it did before it existed, each capped in defaults.ts:
// one connection list per group an alert rule watches and one max offset per DLQ topic; its
// other groups' online clients stay unknown and its topics' intake is known only where some group
// has offsets (from its consume stats). That is a note of the snapshot, not an error.
import type { AdminClient } from '../../client/admin.js';
import { getBrokerConsumeStats } from '../../client/admin-broker.js';
import {
  brokerConsoleSnapshotOf,
  clusterInfoFrom,
  consumerConnectionCount,
  maxOffsetOf,
  runtimeInfoOf,
  topicListFrom,
} from '../../client/admin-console.js';
import { DLQ_GROUP_TOPIC_PREFIX } from '../../message/message.js';
import type { ConsumeStatsList } from '../../protocol/bodies/consume-stats-list.js';
import type { ClusterInfo } from '../../protocol/bodies/route-data.js';
import { CONSOLE_DEFAULTS } from '../defaults.js';
import {
  type ConsoleAnswer,
  type ConsoleFold,
  foldConsoleAnswers,
  type GroupKind,
  unsupportedNote,
} from './fold-console.js';
import { foldConsumeStats, type GroupAcc } from './fold-consume-stats.js';
import { mapLimit } from './map-limit.js';
import type {
  BrokerSnapshot,
  DlqSnapshot,
  GroupSnapshot,
  Snapshot,
  TopicSnapshot,
} from './snapshot-types.js';

export { foldConsumeStats } from './fold-consume-stats.js';

export interface CollectOptions {
  /** The previous snapshot, from which TPS of topics and groups are derived. */
  prev?: Snapshot;
  /** Groups whose online clients to ask for (the targets of "no online consumer" rules). */
  watchGroups?: readonly string[];
  callTimeoutMs?: number;
  connectionProbeMaxGroups?: number;
  dlqProbeMaxTopics?: number;
  now?: () => number;
}

const PROBE_CONCURRENCY = 16;

/** The first figure of a "10s 1min 10min" TPS triple (BrokerStats / StoreStatsService). */
function firstNumber(text: string | undefined): number {
  const n = Number.parseFloat(text ?? '');
  return Number.isFinite(n) ? n : 0;
}

function numberOrNull(text: string | undefined): number | null {
  if (text === undefined || text === '') return null;
  const n = Number(text);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

export interface BrokerRef {
  cluster: string;
  brokerName: string;
  brokerId: number;
  addr: string;
}

function brokerRefs(info: ClusterInfo): BrokerRef[] {
  const clusterOf = new Map<string, string>();
  for (const [cluster, names] of Object.entries(info.clusterAddrTable))
    for (const n of names) clusterOf.set(n, cluster);
  const out: BrokerRef[] = [];
  for (const [brokerName, bd] of Object.entries(info.brokerAddrTable)) {
    const cluster = clusterOf.get(brokerName) ?? bd.cluster;
    for (const [id, addr] of Object.entries(bd.brokerAddrs))
      out.push({ cluster, brokerName, brokerId: Number(id), addr });
  }
  return out.sort((a, b) => a.brokerName.localeCompare(b.brokerName) || a.brokerId - b.brokerId);
}

export function brokerFrom(ref: BrokerRef, table: Record<string, string> | Error): BrokerSnapshot {
  if (table instanceof Error) {
    return {
      ...ref,
      up: false,
      error: table.message,
      inTps: 0,
      outTps: 0,
      putTotalToday: 0,
      getTotalToday: 0,
      diskRatio: null,
      replicaLagBytes: null,
      replicaLagMs: null,
      version: null,
    };
  }
  return {
    ...ref,
    up: true,
    inTps: firstNumber(table.putTps),
    outTps: firstNumber(table.getTransferredTps ?? table.getTransferedTps),
    putTotalToday: Number(table.msgPutTotalTodayNow ?? 0),
    getTotalToday: Number(table.msgGetTotalTodayNow ?? 0),
    diskRatio: numberOrNull(table.commitLogDiskRatio),
    replicaLagBytes: numberOrNull(table.haReplicaLagBytes),
    replicaLagMs: numberOrNull(table.haReplicaLagMs),
    version: table.brokerVersionDesc ?? null,
  };
}

const rate = (now: number, then: number | undefined, dtSec: number) =>
  then === undefined || dtSec <= 0 ? 0 : Math.max(0, (now - then) / dtSec);

export async function collectSnapshot(
  admin: AdminClient,
  namesrvAddr: string,
  opts: CollectOptions = {},
): Promise<Snapshot> {
  const now = opts.now ?? Date.now;
  const timeoutMs = opts.callTimeoutMs ?? CONSOLE_DEFAULTS.snapshotCallTimeoutMs;
  const started = now();
  let calls = 0;
  const errors: string[] = [];
  const track = <T>(p: () => Promise<T>): Promise<T> => {
    calls++;
    return p();
  };
  const settle = <T>(p: () => Promise<T>): Promise<T | Error> =>
    track(p).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));

  const [info, topicList] = await Promise.all([
    track(() => clusterInfoFrom(admin, namesrvAddr, timeoutMs)),
    settle(() => topicListFrom(admin, namesrvAddr, timeoutMs)),
  ]);
  if (topicList instanceof Error)
    errors.push(`topic list from ${namesrvAddr}: ${topicList.message}`);
  const refs = brokerRefs(info);
  const masters = refs.filter((r) => r.brokerId === 0);
  // All three at once: a master's runtime info says whether it is up, and waiting for it first
  // would double a refresh's time for nothing (a down master fails the other two just as fast).
  const [tables, statsLists, consoleAnswers] = await Promise.all([
    Promise.all(refs.map((r) => settle(() => runtimeInfoOf(admin, r.addr, timeoutMs)))),
    Promise.all(
      masters.map((m) => settle(() => getBrokerConsumeStats(admin, m.addr, false, timeoutMs))),
    ),
    Promise.all(
      masters.map((m) => settle(() => brokerConsoleSnapshotOf(admin, m.addr, timeoutMs))),
    ),
  ]);
  const brokers = refs.map((r, i) => brokerFrom(r, tables[i]!));
  const isUp = (addr: string) => brokers.find((b) => b.addr === addr)?.up === true;
  const upMasters = masters.filter((m) => isUp(m.addr));
  const lists: { addr: string; list: ConsumeStatsList }[] = [];
  statsLists.forEach((l, i) => {
    const addr = masters[i]!.addr;
    if (l instanceof Error) errors.push(`consume stats of ${addr}: ${l.message}`);
    else lists.push({ addr, list: l });
  });
  const answers = upAnswers(masters, consoleAnswers, isUp, errors);

  const at = now();
  const { groups: acc } = foldConsumeStats(lists, at);
  const fold = foldConsoleAnswers(answers, lists, at);
  // Watched groups are asked one by one only where the one-call summary is missing.
  const fallback = upMasters.filter((m) => fold.unsupported.includes(m.addr));
  const probed = await probeOnline(admin, opts, acc, fallback, settle, timeoutMs, errors);
  for (const [g, n] of probed) fold.online.set(g, Math.max(fold.online.get(g) ?? 0, n));
  // A watched group no answering master knows has no client on them: 0, and a row to show it.
  if (fold.answered.size > 0)
    for (const g of opts.watchGroups ?? []) if (!fold.online.has(g)) fold.online.set(g, 0);
  const dlq = await probeDlq(admin, opts, topicList, upMasters, fold, settle, timeoutMs, errors);
  const dtSec = opts.prev ? (at - opts.prev.at) / 1000 : 0;
  const groups = groupRows(acc, fold.online, opts.prev, dtSec, fold.kinds);
  const names = new Set([
    ...(topicList instanceof Error ? [] : topicList),
    ...fold.topicMax.keys(),
  ]);
  const topics = topicRows(names, fold, opts.prev, dtSec);
  const tookMs = now() - started;
  const notes = unsupportedNote(fold.unsupported);
  return { at, namesrvAddr, calls, tookMs, brokers, groups, topics, dlq, errors, notes };
}

/** The up masters' summaries; a down one's failure is already its runtime info's error. */
function upAnswers(
  masters: readonly BrokerRef[],
  got: readonly ConsoleAnswer['answer'][],
  isUp: (addr: string) => boolean,
  errors: string[],
): ConsoleAnswer[] {
  const out: ConsoleAnswer[] = [];
  got.forEach((answer, i) => {
    const m = masters[i]!;
    if (!isUp(m.addr)) return;
    if (answer instanceof Error) errors.push(`console snapshot of ${m.addr}: ${answer.message}`);
    out.push({ addr: m.addr, brokerName: m.brokerName, answer });
  });
  return out;
}

const emptyAcc = (): GroupAcc => ({
  diff: 0,
  queues: 0,
  consumed: 0,
  lagMs: 0,
  topics: new Set(),
  brokers: new Set(),
});

export function groupRows(
  acc: Map<string, GroupAcc>,
  online: Map<string, number>,
  prev: Snapshot | undefined,
  dtSec: number,
  kinds: ReadonlyMap<string, GroupKind> = new Map(),
): GroupSnapshot[] {
  const prevGroups = new Map(prev?.groups.map((g) => [g.group, g]));
  // A group with connections and no offsets anywhere still gets a row: it runs.
  for (const group of online.keys()) if (!acc.has(group)) acc.set(group, emptyAcc());
  return [...acc]
    .map(([group, g]) => ({
      group,
      onlineClients: online.get(group) ?? null,
      consumeType: kinds.get(group)?.consumeType ?? null,
      messageModel: kinds.get(group)?.messageModel ?? null,
      diff: g.diff,
      queues: g.queues,
      lagSeconds: g.lagMs === null ? null : g.lagMs / 1000,
      consumeTps: rate(g.consumed, prevGroups.get(group)?.consumedOffset, dtSec),
      consumedOffset: g.consumed,
      topics: [...g.topics].sort(),
    }))
    .sort((a, b) => a.group.localeCompare(b.group));
}

export function topicRows(
  names: Set<string>,
  fold: Pick<ConsoleFold, 'topicMax' | 'topicReporters'>,
  prev: Snapshot | undefined,
  dtSec: number,
): TopicSnapshot[] {
  const prevTopics = new Map(prev?.topics.map((t) => [t.topic, t]));
  return [...names]
    .filter((t) => !t.startsWith(DLQ_GROUP_TOPIC_PREFIX))
    .sort()
    .map((topic) => {
      const maxOffset = fold.topicMax.get(topic);
      if (maxOffset === undefined) return { topic };
      const reportedBy = fold.topicReporters.get(topic) ?? 0;
      const before = prevTopics.get(topic);
      // A master that answered last time and not now (or the reverse) moves the sum by its
      // whole count: that is no intake, so no rate until the same masters answer twice.
      const same = before?.reportedBy === undefined || before.reportedBy === reportedBy;
      const inTps = same ? rate(maxOffset, before?.maxOffset, dtSec) : 0;
      return { topic, maxOffset, inTps, reportedBy };
    });
}

type Settle = <T>(p: () => Promise<T>) => Promise<T | Error>;

/** Online clients of the watched groups, each asked of one up master (clients beat to all). */
async function probeOnline(
  admin: AdminClient,
  opts: CollectOptions,
  acc: Map<string, GroupAcc>,
  upMasters: BrokerRef[],
  settle: Settle,
  timeoutMs: number,
  errors: string[],
): Promise<Map<string, number>> {
  const max = opts.connectionProbeMaxGroups ?? CONSOLE_DEFAULTS.connectionProbeMaxGroups;
  const watched = [...new Set(opts.watchGroups ?? [])].slice(0, max);
  const out = new Map<string, number>();
  if (upMasters.length === 0) return out;
  await mapLimit(watched, PROBE_CONCURRENCY, async (group) => {
    const holders = acc.get(group)?.brokers;
    const target = upMasters.find((m) => holders?.has(m.addr)) ?? upMasters[0]!;
    const n = await settle(() => consumerConnectionCount(admin, target.addr, group, timeoutMs));
    if (n instanceof Error) errors.push(`connections of ${group} on ${target.addr}: ${n.message}`);
    else out.set(group, n);
  });
  return out;
}

/**
 * Dead letters ever parked per DLQ topic the name server lists (a DLQ topic has one queue): from
 * the masters' console snapshots, and one GET_MAX_OFFSET per topic of a master without it.
 */
async function probeDlq(
  admin: AdminClient,
  opts: CollectOptions,
  topicList: string[] | Error,
  upMasters: BrokerRef[],
  fold: Pick<ConsoleFold, 'answered'>,
  settle: Settle,
  timeoutMs: number,
  errors: string[],
): Promise<DlqSnapshot[]> {
  if (topicList instanceof Error) return [];
  const max = opts.dlqProbeMaxTopics ?? CONSOLE_DEFAULTS.dlqProbeMaxTopics;
  const dlqTopics = topicList.filter((t) => t.startsWith(DLQ_GROUP_TOPIC_PREFIX)).sort();
  const sums = new Map<string, number>(dlqTopics.map((t) => [t, 0]));
  for (const snap of fold.answered.values())
    for (const t of dlqTopics) sums.set(t, sums.get(t)! + (snap.topicTable[t]?.maxOffset ?? 0));
  const asked = upMasters.filter((m) => !fold.answered.has(m.addr));
  const shown = asked.length === 0 ? dlqTopics : dlqTopics.slice(0, max);
  if (shown.length < dlqTopics.length)
    errors.push(`${dlqTopics.length - max} DLQ topics not read (cap)`);
  const jobs = shown.flatMap((topic) => asked.map((m) => ({ topic, addr: m.addr })));
  await mapLimit(jobs, PROBE_CONCURRENCY, async ({ topic, addr }) => {
    const n = await settle(() => maxOffsetOf(admin, addr, topic, 0, timeoutMs));
    if (n instanceof Error) errors.push(`max offset of ${topic} on ${addr}: ${n.message}`);
    else sums.set(topic, (sums.get(topic) ?? 0) + n);
  });
  return shown.map((topic) => ({
    group: topic.slice(DLQ_GROUP_TOPIC_PREFIX.length),
    topic,
    maxOffset: sums.get(topic) ?? 0,
  }));
}
