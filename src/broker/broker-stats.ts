// Message counters for GET_BROKER_RUNTIME_INFO (BrokerStats / StoreStatsService): totals since
// boot, TPS over the last 10 s, 60 s and 600 s from one sample per second kept in a ring, and the
// totals at the last two local midnights (RocketMQ's BrokerStats#record), which clusterList
// subtracts into yesterday's and today's in/out counts.

import { BrokerStatsItems } from './broker-stats-items.js';
import type { OutFlow } from './metrics/flows.js';
import { PutLatencyStats } from './put-latency.js';

const WINDOWS_SEC = [10, 60, 600] as const;
const RING = 601;

export interface MorningTotals {
  putTodayMorning: number;
  getTodayMorning: number;
  putYesterdayMorning: number;
  getYesterdayMorning: number;
}

/** The local calendar day of a time, as a comparable number. */
function localDay(ms: number): number {
  const d = new Date(ms);
  return d.getFullYear() * 10_000 + (d.getMonth() + 1) * 100 + d.getDate();
}

export class BrokerStats {
  putTotal = 0;
  getTotal = 0;
  /** Store puts that failed (putMessageFailedTimes) and bytes appended (putMessageSizeTotal). */
  putFailed = 0;
  putBytes = 0;
  readonly putLatency = new PutLatencyStats();
  /** Per topic and per topic@group (VIEW_BROKER_STATS_DATA). */
  readonly items: BrokerStatsItems;
  /** Store reads: slowest (getMessageEntireTimeMax), and calls that found messages or none. */
  getMaxMs = 0;
  getFound = 0;
  getMiss = 0;
  /** Pulled messages by topic and group for the metrics exporter; set only while it runs. */
  outFlow: OutFlow | undefined;
  private readonly puts = new Array<number>(RING).fill(0);
  private readonly gets = new Array<number>(RING).fill(0);
  private readonly founds = new Array<number>(RING).fill(0);
  private readonly misses = new Array<number>(RING).fill(0);
  private tick = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private day: number;
  // Zero until the first midnight after boot, as in RocketMQ (its record() first runs then).
  private readonly mornings: MorningTotals = {
    putTodayMorning: 0,
    getTodayMorning: 0,
    putYesterdayMorning: 0,
    getYesterdayMorning: 0,
  };

  constructor(now: () => number = Date.now) {
    this.now = now;
    this.items = new BrokerStatsItems(now);
    this.day = localDay(now());
  }

  start(): void {
    this.timer = setInterval(() => this.sample(), 1_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  sample(): void {
    // Checked every second rather than timed to midnight: a clock change or a suspended process
    // cannot make the day's snapshot go missing.
    const day = localDay(this.now());
    if (day !== this.day) {
      this.day = day;
      this.record();
    }
    this.tick++;
    this.puts[this.tick % RING] = this.putTotal;
    this.gets[this.tick % RING] = this.getTotal;
    this.founds[this.tick % RING] = this.getFound;
    this.misses[this.tick % RING] = this.getMiss;
    if (this.tick % 60 === 0) this.putLatency.rotate();
    if (this.tick % 10 === 0) this.items.sample();
  }

  /** One store put call; `wroteBytes` undefined when nothing was appended. */
  recordPut(ms: number, wroteBytes: number | undefined): void {
    this.putLatency.record(ms);
    if (wroteBytes === undefined) this.putFailed++;
    else this.putBytes += wroteBytes;
  }

  /** One store read call (a pull, or its re-check after long polling). */
  recordGet(ms: number, found: boolean): void {
    const v = Math.round(ms);
    if (v > this.getMaxMs) this.getMaxMs = v;
    if (found) this.getFound++;
    else this.getMiss++;
  }

  getFoundTps(): string {
    return this.tps(this.founds);
  }

  getMissTps(): string {
    return this.tps(this.misses);
  }

  /** Found and missed reads together, per window. */
  getTotalTps(): string {
    const found = this.getFoundTps().split(' ');
    const miss = this.getMissTps().split(' ');
    return found.map((f, i) => (Number(f) + Number(miss[i])).toFixed(2)).join(' ');
  }

  morning(): MorningTotals {
    return { ...this.mornings };
  }

  private record(): void {
    const m = this.mornings;
    m.putYesterdayMorning = m.putTodayMorning;
    m.getYesterdayMorning = m.getTodayMorning;
    m.putTodayMorning = this.putTotal;
    m.getTodayMorning = this.getTotal;
  }

  /** "tps10 tps60 tps600", the format RocketMQ's tools split on spaces. */
  putTps(): string {
    return this.tps(this.puts);
  }

  getTps(): string {
    return this.tps(this.gets);
  }

  private tps(ring: number[]): string {
    const now = ring[this.tick % RING] ?? 0;
    return WINDOWS_SEC.map((w) => {
      const span = Math.min(w, this.tick);
      if (span === 0) return '0.00';
      const then = ring[(this.tick - span) % RING] ?? 0;
      return ((now - then) / span).toFixed(2);
    }).join(' ');
  }
}
