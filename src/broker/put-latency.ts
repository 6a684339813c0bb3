// Put latency as StoreStatsService reports it: the slowest put, a distribution over RocketMQ's
// 13 fixed ranges ("[<=0ms]:n [0~10ms]:n ..."), and the 99th / 99.9th percentiles read from the
// last full minute's fine buckets (1 ms wide to 20 ms, then wider up to 10 s, then one open
// bucket), interpolated inside the bucket the percentile falls in, as findPutMessageEntireTimePX.
const RANGE_NAMES = [
  '[<=0ms]',
  '[0~10ms]',
  '[10~50ms]',
  '[50~100ms]',
  '[100~200ms]',
  '[200~500ms]',
  '[500ms~1s]',
  '[1~2s]',
  '[2~3s]',
  '[3~4s]',
  '[4~5s]',
  '[5~10s]',
  '[10s~]',
] as const;
const RANGE_UPPER_MS = [0, 10, 50, 100, 200, 500, 1000, 2000, 3000, 4000, 5000, 10_000];

/** Upper bounds of the fine buckets: [step ms, count] as PUT_MESSAGE_ENTIRE_TIME_BUCKETS. */
const BUCKET_BOUNDS: number[] = (() => {
  const steps: [number, number][] = [
    [1, 20],
    [2, 15],
    [5, 10],
    [10, 10],
    [50, 6],
    [100, 5],
    [1000, 9],
  ];
  const out: number[] = [];
  let at = 0;
  for (const [step, n] of steps) {
    for (let i = 0; i < n; i++) {
      at += step;
      out.push(at);
    }
  }
  return out;
})();

function rangeIndex(ms: number): number {
  for (let i = 0; i < RANGE_UPPER_MS.length; i++) {
    // [<=0ms] is inclusive, every later range excludes its upper bound.
    if (i === 0 ? ms <= 0 : ms < RANGE_UPPER_MS[i]!) return i;
  }
  return RANGE_NAMES.length - 1;
}

function bucketIndex(ms: number): number {
  for (let i = 0; i < BUCKET_BOUNDS.length; i++) if (ms <= BUCKET_BOUNDS[i]!) return i;
  return BUCKET_BOUNDS.length; // the open bucket past 10 s
}

export class PutLatencyStats {
  maxMs = 0;
  private ranges = new Array<number>(RANGE_NAMES.length).fill(0);
  private buckets = new Array<number>(BUCKET_BOUNDS.length + 1).fill(0);
  private lastBuckets = new Array<number>(BUCKET_BOUNDS.length + 1).fill(0);

  record(ms: number): void {
    const v = Math.max(0, Math.round(ms));
    if (v > this.maxMs) this.maxMs = v;
    this.ranges[rangeIndex(v)]!++;
    this.buckets[bucketIndex(v)]!++;
  }

  /** Once a minute: the percentiles then describe the minute that just ended. */
  rotate(): void {
    this.lastBuckets = this.buckets;
    this.buckets = new Array<number>(BUCKET_BOUNDS.length + 1).fill(0);
  }

  distribution(): string {
    return RANGE_NAMES.map((name, i) => `${name}:${this.ranges[i]}`).join(' ');
  }

  /** The latency below which a fraction px of the last minute's puts fell (0 with none). */
  percentile(px: number): number {
    const counts = this.lastBuckets;
    const total = counts.reduce((a, b) => a + b, 0);
    const target = Math.floor(total * px);
    let passed = 0;
    for (let i = 0; i < counts.length; i++) {
      const n = counts[i]!;
      if (target <= passed + n) {
        const lower = i === 0 ? 0 : BUCKET_BOUNDS[i - 1]!;
        // The open bucket has no upper bound: report its lower one.
        const upper = BUCKET_BOUNDS[i] ?? lower;
        return n === 0 ? lower : lower + ((upper - lower) * (target - passed)) / n;
      }
      passed += n;
    }
    return 0;
  }
}
