// A fixed-capacity ring of (time, value) points: the newest `capacity` points of one series.
export interface SeriesPoint {
  at: number;
  value: number;
}

export class PointRing {
  private readonly ats: Float64Array;
  private readonly values: Float64Array;
  private start = 0;
  private len = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('ring capacity < 1');
    this.ats = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  get size(): number {
    return this.len;
  }

  /** Points must come in time order; an older one is dropped rather than reordered. */
  push(at: number, value: number): void {
    const cap = this.ats.length;
    if (this.len > 0 && at < this.ats[(this.start + this.len - 1) % cap]!) return;
    if (this.len < cap) {
      this.ats[(this.start + this.len) % cap] = at;
      this.values[(this.start + this.len) % cap] = value;
      this.len++;
      return;
    }
    this.ats[this.start] = at;
    this.values[this.start] = value;
    this.start = (this.start + 1) % cap;
  }

  oldestAt(): number | undefined {
    return this.len === 0 ? undefined : this.ats[this.start];
  }

  newestAt(): number | undefined {
    return this.len === 0 ? undefined : this.ats[(this.start + this.len - 1) % this.ats.length];
  }

  between(from: number, to: number): SeriesPoint[] {
    const out: SeriesPoint[] = [];
    const cap = this.ats.length;
    for (let i = 0; i < this.len; i++) {
      const at = this.ats[(this.start + i) % cap]!;
      if (at >= from && at <= to) out.push({ at, value: this.values[(this.start + i) % cap]! });
    }
    return out;
  }
}

/**
 * At most maxPoints points: the span from the first to the last point cut into maxPoints equal
 * buckets, each the mean of its values at the time of its last point. Empty buckets vanish.
 */
export function downsample(points: readonly SeriesPoint[], maxPoints: number): SeriesPoint[] {
  if (points.length <= maxPoints) return [...points];
  if (maxPoints < 1) return [];
  const first = points[0]!.at;
  const span = points.at(-1)!.at - first + 1;
  const out: SeriesPoint[] = [];
  let bucket = -1;
  let sum = 0;
  let n = 0;
  let lastAt = 0;
  for (const p of points) {
    const b = Math.min(maxPoints - 1, Math.floor(((p.at - first) * maxPoints) / span));
    if (b !== bucket && n > 0) {
      out.push({ at: lastAt, value: sum / n });
      sum = 0;
      n = 0;
    }
    bucket = b;
    sum += p.value;
    n++;
    lastAt = p.at;
  }
  if (n > 0) out.push({ at: lastAt, value: sum / n });
  return out;
}
