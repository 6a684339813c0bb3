// TPS and lag over time for the dashboard's charts. In memory: one ring per series (the
// cluster's and each broker's in/out TPS, the busiest N topics, the N groups furthest behind),
// at most maxSeries rings of maxPoints points. On disk: every diskIntervalMs the mean of each
// series over that interval, one line in the day's file (history-files.ts), kept retentionDays
// and read back on start, so a restarted console shows its last hours at once.
// The keys are the ones api/dashboard/series takes:
//   cluster.in  cluster.out  broker.in:<brokerName>  broker.out:<brokerName>  topic.in:<topic>
//   group.diff:<group>
// A broker's "in" is its master's (a slave's puts are the master's again), its "out" the sum over
// master and slaves (each serves reads of its own).
import { CONSOLE_DEFAULTS } from '../defaults.js';
import { HistoryFiles } from './history-files.js';
import { downsample, PointRing, type SeriesPoint } from './ring.js';
import type { Snapshot } from './snapshot-types.js';

export type { SeriesPoint };

export interface TpsHistoryOptions {
  dataDir: string;
  maxPoints?: number;
  topN?: number;
  maxSeries?: number;
  diskIntervalMs?: number;
  retentionDays?: number;
}

export interface SeriesQuery {
  key: string;
  from?: number;
  to?: number;
  /** Downsampled to at most this many points. */
  maxPoints?: number;
}

/** The series one snapshot contributes to, key → value. */
export function seriesValues(s: Snapshot, topN: number): Map<string, number> {
  const v = new Map<string, number>();
  let inTps = 0;
  let outTps = 0;
  for (const b of s.brokers) {
    if (b.brokerId === 0) {
      v.set(`broker.in:${b.brokerName}`, b.inTps);
      inTps += b.inTps;
    }
    const out = `broker.out:${b.brokerName}`;
    v.set(out, (v.get(out) ?? 0) + b.outTps);
    outTps += b.outTps;
  }
  v.set('cluster.in', inTps);
  v.set('cluster.out', outTps);
  const topics = s.topics
    .filter((t) => (t.inTps ?? 0) > 0)
    .sort((a, b) => b.inTps! - a.inTps!)
    .slice(0, topN);
  for (const t of topics) v.set(`topic.in:${t.topic}`, t.inTps!);
  const groups = s.groups
    .filter((g) => g.diff > 0)
    .sort((a, b) => b.diff - a.diff)
    .slice(0, topN);
  for (const g of groups) v.set(`group.diff:${g.group}`, g.diff);
  return v;
}

export class TpsHistory {
  readonly files: HistoryFiles;
  private readonly rings = new Map<string, PointRing>();
  private readonly maxPoints: number;
  private readonly topN: number;
  private readonly maxSeries: number;
  private readonly diskIntervalMs: number;
  /** The interval being averaged for the next disk line. */
  private window: { start: number; last: number; sums: Map<string, [number, number]> } | null =
    null;

  constructor(opts: TpsHistoryOptions, now = Date.now()) {
    this.maxPoints = opts.maxPoints ?? CONSOLE_DEFAULTS.historyMaxPoints;
    this.topN = opts.topN ?? CONSOLE_DEFAULTS.historyTopN;
    this.maxSeries = opts.maxSeries ?? CONSOLE_DEFAULTS.historyMaxSeries;
    this.diskIntervalMs = opts.diskIntervalMs ?? CONSOLE_DEFAULTS.historyDiskIntervalMs;
    this.files = new HistoryFiles(
      opts.dataDir,
      opts.retentionDays ?? CONSOLE_DEFAULTS.historyRetentionDays,
    );
    this.files.prune(now);
    for (const line of this.files.tail(this.maxPoints))
      for (const [key, value] of Object.entries(line.v)) this.push(key, line.at, value);
  }

  keys(): string[] {
    return [...this.rings.keys()].sort();
  }

  record(s: Snapshot): void {
    const values = seriesValues(s, this.topN);
    for (const [key, value] of values) this.push(key, s.at, value);
    if (this.window && s.at - this.window.start >= this.diskIntervalMs) this.flush();
    this.window ??= { start: s.at, last: s.at, sums: new Map() };
    this.window.last = s.at;
    for (const [key, value] of values) {
      const acc = this.window.sums.get(key) ?? [0, 0];
      acc[0] += value;
      acc[1]++;
      this.window.sums.set(key, acc);
    }
  }

  /** Writes the interval averaged so far (the poller calls it on stop too). */
  flush(): void {
    const w = this.window;
    this.window = null;
    if (!w || w.sums.size === 0) return;
    const v: Record<string, number> = {};
    for (const [key, [sum, n]] of w.sums) v[key] = Math.round((sum / n) * 1000) / 1000;
    this.files.append({ at: w.last, v });
  }

  /** Points of one series in [from, to]: memory, and the day files for older times. */
  series(q: SeriesQuery): SeriesPoint[] {
    const from = q.from ?? 0;
    const to = q.to ?? Number.MAX_SAFE_INTEGER;
    const ring = this.rings.get(q.key);
    const mem = ring?.between(from, to) ?? [];
    const oldest = ring?.oldestAt() ?? Number.POSITIVE_INFINITY;
    let points = mem;
    if (from < oldest) {
      const disk = this.files
        .read(from, Math.min(to, oldest - 1))
        .filter((l) => l.v[q.key] !== undefined)
        .map((l) => ({ at: l.at, value: l.v[q.key]! }));
      points = [...disk, ...mem];
    }
    return downsample(points, q.maxPoints ?? this.maxPoints);
  }

  private push(key: string, at: number, value: number): void {
    let ring = this.rings.get(key);
    if (!ring) {
      if (this.rings.size >= this.maxSeries) this.evictStalest();
      ring = new PointRing(this.maxPoints);
      this.rings.set(key, ring);
    }
    ring.push(at, value);
  }

  private evictStalest(): void {
    let stalest: string | undefined;
    let stalestAt = Number.POSITIVE_INFINITY;
    for (const [key, ring] of this.rings) {
      const at = ring.newestAt() ?? 0;
      if (at < stalestAt) {
        stalest = key;
        stalestAt = at;
      }
    }
    if (stalest !== undefined) this.rings.delete(stalest);
  }
}
