// Metrics whose values are read when Prometheus scrapes, the way RocketMQ 5's observable gauges
// and its OpenTelemetry counters are read by the exporter (BrokerMetricsManager,
// RemotingMetricsManager). The hot path only bumps numbers in plain maps; building label objects
// and text happens here, once per scrape. prom-client's Registry renders what `get()` returns.
import type { Metric, Registry } from 'prom-client';

export type Labels = Readonly<Record<string, string | number>>;
export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface Sample {
  readonly labels: Labels;
  readonly value: number;
  readonly metricName?: string;
}

/** One metric family; `read` runs per scrape and returns its samples. */
export interface CollectedMetric {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  read(): Sample[];
}

/** Registers `m` so prom-client's exposition (and getMetricsAsJSON) includes it. */
export function registerCollected(registry: Registry, m: CollectedMetric): void {
  const metric = {
    name: m.name,
    help: m.help,
    type: m.type,
    // One failing reader leaves its family empty instead of failing the whole scrape.
    get: async () => ({ name: m.name, help: m.help, type: m.type, values: safeRead(m) }),
  };
  registry.registerMetric(metric as unknown as Metric);
}

function safeRead(m: CollectedMetric): Sample[] {
  try {
    return m.read();
  } catch {
    return [];
  }
}

/**
 * Bucket counts per key, cumulative only when rendered: observe() is a map lookup, a short scan
 * of the bounds and three additions, cheap enough for every request.
 */
export class BucketHistogram<K> {
  readonly bounds: readonly number[];
  private readonly series = new Map<K, { counts: number[]; sum: number }>();

  constructor(bounds: readonly number[]) {
    this.bounds = bounds;
  }

  observe(key: K, value: number): void {
    let s = this.series.get(key);
    if (s === undefined) {
      s = { counts: new Array<number>(this.bounds.length + 1).fill(0), sum: 0 };
      this.series.set(key, s);
    }
    let i = 0;
    while (i < this.bounds.length && value > (this.bounds[i] as number)) i++;
    s.counts[i] = (s.counts[i] ?? 0) + 1;
    s.sum += value;
  }

  /** Prometheus' histogram samples (_bucket with le, _sum, _count) for every key seen. */
  samples(name: string, labelsOf: (key: K) => Labels): Sample[] {
    const out: Sample[] = [];
    for (const [key, s] of this.series) {
      const labels = labelsOf(key);
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += s.counts[i] ?? 0;
        out.push({ metricName: `${name}_bucket`, labels: { ...labels, le }, value: cumulative });
      });
      cumulative += s.counts[this.bounds.length] ?? 0;
      out.push({
        metricName: `${name}_bucket`,
        labels: { ...labels, le: '+Inf' },
        value: cumulative,
      });
      out.push({ metricName: `${name}_sum`, labels, value: s.sum });
      out.push({ metricName: `${name}_count`, labels, value: cumulative });
    }
    return out;
  }
}
