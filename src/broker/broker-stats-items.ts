// Per-key counters behind VIEW_BROKER_STATS_DATA (BrokerStatsManager's StatsItemSet): for each
// stats name (TOPIC_PUT_NUMS keyed by topic, GROUP_GET_NUMS by topic@group) a running value and
// call count, sampled every 10 s for the last minute, every 10 min for the last hour and every
// hour for the last day. A snapshot is the change from the oldest sample kept to now: sum, tps
// (sum per second over that span) and avgpt (sum per call), as StatsItem#computeStatsData does.
import { BROKER_STATS_KEYS_MAX } from '../common/limits.js';

export const STATS_NAMES = ['TOPIC_PUT_NUMS', 'GROUP_GET_NUMS'] as const;
export type StatsName = (typeof STATS_NAMES)[number];

export interface StatsSnapshot {
  sum: number;
  tps: number;
  avgpt: number;
}

export interface BrokerStatsData {
  statsMinute: StatsSnapshot;
  statsHour: StatsSnapshot;
  statsDay: StatsSnapshot;
}

interface Sample {
  value: number;
  times: number;
  atMs: number;
}

/** Which ring a sample goes to, how often, and how many samples span its window. */
const WINDOWS = [
  { everyMs: 10_000, keep: 7 },
  { everyMs: 600_000, keep: 7 },
  { everyMs: 3_600_000, keep: 25 },
] as const;

class StatsItem {
  value = 0;
  times = 0;
  readonly rings: Sample[][] = WINDOWS.map(() => []);
  readonly lastSampleMs: number[];

  constructor(nowMs: number) {
    this.lastSampleMs = WINDOWS.map(() => nowMs);
    for (const ring of this.rings) ring.push({ value: 0, times: 0, atMs: nowMs });
  }

  sample(nowMs: number): void {
    WINDOWS.forEach((w, i) => {
      if (nowMs - this.lastSampleMs[i]! < w.everyMs) return;
      this.lastSampleMs[i] = nowMs;
      const ring = this.rings[i]!;
      ring.push({ value: this.value, times: this.times, atMs: nowMs });
      if (ring.length > w.keep) ring.shift();
    });
  }

  snapshot(i: number, nowMs: number): StatsSnapshot {
    const first = this.rings[i]![0]!;
    const sum = this.value - first.value;
    // At least one sampling period: a key seen a moment ago would otherwise show a burst of a
    // few messages as thousands per second.
    const spanMs = Math.max(nowMs - first.atMs, WINDOWS[i]!.everyMs);
    const calls = this.times - first.times;
    return {
      sum,
      tps: (sum * 1000) / spanMs,
      avgpt: calls > 0 ? sum / calls : 0,
    };
  }
}

export class BrokerStatsItems {
  private readonly sets = new Map<StatsName, Map<string, StatsItem>>(
    STATS_NAMES.map((n) => [n, new Map()]),
  );
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  /** One call that moved `n` (messages); a new key beyond the bound is not tracked. */
  add(name: StatsName, key: string, n: number): void {
    const set = this.sets.get(name)!;
    let item = set.get(key);
    if (!item) {
      if (set.size >= BROKER_STATS_KEYS_MAX) return;
      item = new StatsItem(this.now());
      set.set(key, item);
    }
    item.value += n;
    item.times++;
  }

  sample(): void {
    const nowMs = this.now();
    for (const set of this.sets.values()) for (const item of set.values()) item.sample(nowMs);
  }

  /**
   * The last minute's rate under `key`, 0 when nothing was recorded: BrokerStatsManager's
   * tpsGroupGetNums(group, topic) with GROUP_GET_NUMS and "topic@group".
   */
  minuteTps(name: StatsName, key: string): number {
    const item = this.sets.get(name)?.get(key);
    return item ? item.snapshot(0, this.now()).tps : 0;
  }

  /** ConsumeStats#consumeTps: the group's pulled messages per second, summed over `topics`. */
  groupGetTps(group: string, topics: Iterable<string>): number {
    let tps = 0;
    for (const topic of topics) tps += this.minuteTps('GROUP_GET_NUMS', `${topic}@${group}`);
    return tps;
  }

  /** undefined when the name is unknown or nothing was recorded under the key. */
  view(name: string, key: string): BrokerStatsData | undefined {
    const item = this.sets.get(name as StatsName)?.get(key);
    if (!item) return undefined;
    const nowMs = this.now();
    return {
      statsMinute: item.snapshot(0, nowMs),
      statsHour: item.snapshot(1, nowMs),
      statsDay: item.snapshot(2, nowMs),
    };
  }
}
