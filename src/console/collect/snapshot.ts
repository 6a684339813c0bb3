// One refresh of a cluster with a bounded number of remoting calls: the name server's cluster
// info and topic list (2), then per broker its runtime info (1), and per master
// GET_BROKER_CONSUME_STATS (1), which carries every group's per-queue offsets on that broker.
// Only two things cost more, each capped in defaults.ts: the groups alert rules watch for online
// clients (no RocketMQ request lists every group's connections at once) and the DLQ topics' max
// offsets. Nothing here is asked per topic, so 1,000 topics cost what 2 do.
import type { AdminClient } from '../../client/admin.js';
import { getBrokerConsumeStats } from '../../client/admin-broker.js';
import {
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
import { mapLimit } from './map-limit.js';
import type {
  BrokerSnapshot,
  DlqSnapshot,
  GroupSnapshot,
  Snapshot,
  TopicSnapshot,
} from './snapshot-types.js';

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

export interface GroupAcc {
  diff: number;
  queues: number;
  consumed: number;
  lagMs: number | null;
  topics: Set<string>;
  brokers: Set<string>;
}

/** Folds every master's ConsumeStatsList into groups, and the queue max offsets into topics. */
export function foldConsumeStats(lists: { addr: string; list: ConsumeStatsList }[], at: number) {
  const groups = new Map<string, GroupAcc>();
  const queueMax = new Map<string, number>(); // "topic\0broker\0queue" → max offset
  for (const { addr, list } of lists) {
    for (const byGroup of list.consumeStatsList) {
      for (const [group, perTopic] of Object.entries(byGroup)) {
        let g = groups.get(group);
        if (!g) {
          g = { diff: 0, queues: 0, consumed: 0, lagMs: 0, topics: new Set(), brokers: new Set() };
          groups.set(group, g);
        }
        g.brokers.add(addr);
        for (const s of perTopic) {
          for (const { mq, offset } of s.offsetTable) {
            g.topics.add(mq.topic);
            const behind = Math.max(0, offset.brokerOffset - offset.consumerOffset);
            g.diff += behind;
            g.queues++;
            g.consumed += offset.consumerOffset;
            queueMax.set(`${mq.topic}\0${mq.brokerName}\0${mq.queueId}`, offset.brokerOffset);
            if (behind === 0 || g.lagMs === null) continue;
            g.lagMs =
              offset.lastTimestamp > 0 ? Math.max(g.lagMs, at - offset.lastTimestamp) : null;
          }
        }
      }
    }
  }
  const topicMax = new Map<string, number>();
  for (const [key, max] of queueMax) {
    const topic = key.slice(0, key.indexOf('\0'));
    topicMax.set(topic, (topicMax.get(topic) ?? 0) + max);
  }
  return { groups, topicMax };
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
  const [tables, statsLists] = await Promise.all([
    Promise.all(refs.map((r) => settle(() => runtimeInfoOf(admin, r.addr, timeoutMs)))),
    Promise.all(
      masters.map((m) => settle(() => getBrokerConsumeStats(admin, m.addr, false, timeoutMs))),
    ),
  ]);
  const brokers = refs.map((r, i) => brokerFrom(r, tables[i]!));
  const upMasters = masters.filter((m) => brokers.find((b) => b.addr === m.addr)?.up);
  const lists: { addr: string; list: ConsumeStatsList }[] = [];
  statsLists.forEach((l, i) => {
    const addr = masters[i]!.addr;
    if (l instanceof Error) errors.push(`consume stats of ${addr}: ${l.message}`);
    else lists.push({ addr, list: l });
  });

  const at = now();
  const { groups: acc, topicMax } = foldConsumeStats(lists, at);
  const online = await probeOnline(admin, opts, acc, upMasters, settle, timeoutMs, errors);
  const dlq = await probeDlq(admin, opts, topicList, upMasters, settle, timeoutMs, errors);
  const dtSec = opts.prev ? (at - opts.prev.at) / 1000 : 0;
  const groups = groupRows(acc, online, opts.prev, dtSec);
  const names = new Set([...(topicList instanceof Error ? [] : topicList), ...topicMax.keys()]);
  const topics = topicRows(names, topicMax, opts.prev, dtSec);
  return { at, namesrvAddr, calls, tookMs: now() - started, brokers, groups, topics, dlq, errors };
}

function groupRows(
  acc: Map<string, GroupAcc>,
  online: Map<string, number>,
  prev: Snapshot | undefined,
  dtSec: number,
): GroupSnapshot[] {
  const prevGroups = new Map(prev?.groups.map((g) => [g.group, g]));
  // A watched group with no offsets anywhere still gets a row: its online clients were asked.
  for (const group of online.keys())
    if (!acc.has(group))
      acc.set(group, {
        diff: 0,
        queues: 0,
        consumed: 0,
        lagMs: 0,
        topics: new Set(),
        brokers: new Set(),
      });
  return [...acc]
    .map(([group, g]) => ({
      group,
      onlineClients: online.get(group) ?? null,
      diff: g.diff,
      queues: g.queues,
      lagSeconds: g.lagMs === null ? null : g.lagMs / 1000,
      consumeTps: rate(g.consumed, prevGroups.get(group)?.consumedOffset, dtSec),
      consumedOffset: g.consumed,
      topics: [...g.topics].sort(),
    }))
    .sort((a, b) => a.group.localeCompare(b.group));
}

function topicRows(
  names: Set<string>,
  topicMax: Map<string, number>,
  prev: Snapshot | undefined,
  dtSec: number,
): TopicSnapshot[] {
  const prevTopics = new Map(prev?.topics.map((t) => [t.topic, t]));
  return [...names]
    .filter((t) => !t.startsWith(DLQ_GROUP_TOPIC_PREFIX))
    .sort()
    .map((topic) => {
      const max = topicMax.get(topic);
      if (max === undefined) return { topic };
      return { topic, maxOffset: max, inTps: rate(max, prevTopics.get(topic)?.maxOffset, dtSec) };
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

/** Max offsets of the DLQ topics the name server lists (a DLQ topic has one queue). */
async function probeDlq(
  admin: AdminClient,
  opts: CollectOptions,
  topicList: string[] | Error,
  upMasters: BrokerRef[],
  settle: Settle,
  timeoutMs: number,
  errors: string[],
): Promise<DlqSnapshot[]> {
  if (topicList instanceof Error) return [];
  const max = opts.dlqProbeMaxTopics ?? CONSOLE_DEFAULTS.dlqProbeMaxTopics;
  const dlqTopics = topicList.filter((t) => t.startsWith(DLQ_GROUP_TOPIC_PREFIX)).sort();
  const probed = dlqTopics.slice(0, max);
  if (dlqTopics.length > max) errors.push(`${dlqTopics.length - max} DLQ topics not read (cap)`);
  const jobs = probed.flatMap((topic) => upMasters.map((m) => ({ topic, addr: m.addr })));
  const sums = new Map<string, number>(probed.map((t) => [t, 0]));
  await mapLimit(jobs, PROBE_CONCURRENCY, async ({ topic, addr }) => {
    const n = await settle(() => maxOffsetOf(admin, addr, topic, 0, timeoutMs));
    if (n instanceof Error) errors.push(`max offset of ${topic} on ${addr}: ${n.message}`);
    else sums.set(topic, (sums.get(topic) ?? 0) + n);
  });
  return probed.map((topic) => ({
    group: topic.slice(DLQ_GROUP_TOPIC_PREFIX.length),
    topic,
    maxOffset: sums.get(topic) ?? 0,
  }));
}
