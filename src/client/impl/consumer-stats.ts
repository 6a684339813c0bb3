// The push consumer's per-topic figures behind ConsumerRunningInfo#statusTable
// (ConsumerStatsManager in the Java client): pull RT and TPS, consume RT, OK and failed TPS, and
// the failed messages of the last hour. The hot path adds to two numbers per figure; a sample of
// those running totals is kept at most every SAMPLE_EVERY_MS, taken by the first add or read after
// that much time, so an idle consumer costs nothing and no timer runs. A rate is the change since
// the oldest sample still inside its window, per second of the time since that sample.
import { CONSUMER_STATS_TOPICS_MAX } from '../../common/limits.js';
import type { ConsumeStatus } from '../../protocol/bodies/consumer-running-info.js';

interface Sample {
  value: number;
  times: number;
  atMs: number;
}

interface Snapshot {
  sum: number;
  tps: number;
  avgpt: number;
}

/** StatsItem's minute view (samples every 10 s) and hour view (every 10 min). */
const MINUTE = { windowMs: 60_000, everyMs: 10_000 } as const;
const HOUR = { windowMs: 3_600_000, everyMs: 600_000 } as const;

/** A running total with samples over one window; bounded by window / every + 2 samples. */
class Window {
  private readonly ring: Sample[] = [];
  private readonly spec: { windowMs: number; everyMs: number };

  constructor(spec: { windowMs: number; everyMs: number }) {
    this.spec = spec;
  }

  /** Samples `value`/`times` (the totals before the call adding to them) when one is due. */
  sample(value: number, times: number, nowMs: number): void {
    const last = this.ring[this.ring.length - 1];
    if (last === undefined || nowMs - last.atMs >= this.spec.everyMs) {
      this.ring.push({ value, times, atMs: nowMs });
    }
    // Samples older than the window go; the newest always stays, to measure from.
    while (this.ring.length > 1 && (this.ring[0] as Sample).atMs < nowMs - this.spec.windowMs) {
      this.ring.shift();
    }
  }

  snapshot(value: number, times: number, nowMs: number): Snapshot {
    this.sample(value, times, nowMs);
    const first = this.ring[0] as Sample;
    const sum = value - first.value;
    const calls = times - first.times;
    // At least a second, so a burst just after the first sample is not thousands per second.
    const spanMs = Math.max(nowMs - first.atMs, 1_000);
    return { sum, tps: (sum * 1000) / spanMs, avgpt: calls > 0 ? sum / calls : 0 };
  }
}

/** One figure of one topic: a total, how many adds made it, and its minute and hour views. */
class StatsItem {
  value = 0;
  times = 0;
  readonly minute = new Window(MINUTE);
  readonly hour = new Window(HOUR);

  add(n: number, nowMs: number): void {
    this.minute.sample(this.value, this.times, nowMs);
    this.hour.sample(this.value, this.times, nowMs);
    this.value += n;
    this.times++;
  }

  inMinute(nowMs: number): Snapshot {
    return this.minute.snapshot(this.value, this.times, nowMs);
  }

  inHour(nowMs: number): Snapshot {
    return this.hour.snapshot(this.value, this.times, nowMs);
  }
}

const FIGURES = ['pullRT', 'pullTPS', 'consumeRT', 'consumeOK', 'consumeFailed'] as const;
type Figure = (typeof FIGURES)[number];
type TopicStats = Record<Figure, StatsItem>;

/** What the pull loop and the consume services report, by the queue's topic. */
export interface ConsumerStatsSink {
  /** A pull that found messages took `ms` and brought `msgs` messages. */
  pulled(topic: string, ms: number, msgs: number): void;
  /** One listener call took `ms`; `ok` messages consumed, `failed` to be consumed again. */
  consumed(topic: string, ms: number, ok: number, failed: number): void;
}

export class ConsumerStats implements ConsumerStatsSink {
  private readonly topics = new Map<string, TopicStats>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  pulled(topic: string, ms: number, msgs: number): void {
    const t = this.of(topic);
    if (!t) return;
    const nowMs = this.now();
    t.pullRT.add(ms, nowMs);
    t.pullTPS.add(msgs, nowMs);
  }

  consumed(topic: string, ms: number, ok: number, failed: number): void {
    const t = this.of(topic);
    if (!t) return;
    const nowMs = this.now();
    t.consumeRT.add(ms, nowMs);
    if (ok > 0) t.consumeOK.add(ok, nowMs);
    if (failed > 0) t.consumeFailed.add(failed, nowMs);
  }

  /** ConsumerStatsManager#consumeStatus: zeros for a topic nothing was recorded for. */
  consumeStatus(topic: string): ConsumeStatus {
    const t = this.topics.get(topic);
    if (!t) {
      return {
        pullRT: 0,
        pullTPS: 0,
        consumeRT: 0,
        consumeOKTPS: 0,
        consumeFailedTPS: 0,
        consumeFailedMsgs: 0,
      };
    }
    const nowMs = this.now();
    const rt = t.consumeRT.inMinute(nowMs);
    return {
      pullRT: t.pullRT.inMinute(nowMs).avgpt,
      pullTPS: t.pullTPS.inMinute(nowMs).tps,
      // A consumer idle for the last minute shows the hour's RT, as the Java client does.
      consumeRT: rt.sum === 0 ? t.consumeRT.inHour(nowMs).avgpt : rt.avgpt,
      consumeOKTPS: t.consumeOK.inMinute(nowMs).tps,
      consumeFailedTPS: t.consumeFailed.inMinute(nowMs).tps,
      consumeFailedMsgs: t.consumeFailed.inHour(nowMs).sum,
    };
  }

  /** The topic's counters; undefined past the bound (a consumer subscribes to a few topics). */
  private of(topic: string): TopicStats | undefined {
    let t = this.topics.get(topic);
    if (t === undefined) {
      if (this.topics.size >= CONSUMER_STATS_TOPICS_MAX) return undefined;
      t = Object.fromEntries(FIGURES.map((f) => [f, new StatsItem()])) as TopicStats;
      this.topics.set(topic, t);
    }
    return t;
  }
}
