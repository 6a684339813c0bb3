// The tiny mode of bench/metrics-cost.ts, so the A/B keeps running; no timing thresholds.
import { describe, expect, it } from 'vitest';
import { formatCostRuns, runMetricsCost } from '../../bench/metrics-cost.js';

describe('bench/metrics-cost (tiny)', () => {
  it('runs one DISABLE and one PROM broker under the same load and tables both', async () => {
    const runs = await runMetricsCost({ runs: 1, messages: 300, inflight: 16 });
    expect(runs.map((r) => [r.type, r.messages])).toEqual([
      ['DISABLE', 300],
      ['PROM', 300],
    ]);
    for (const r of runs) expect(r.perSecond).toBeGreaterThan(0);
    if (process.platform === 'linux')
      for (const r of runs) expect(r.brokerCpuUs).toBeGreaterThan(0);
    expect(formatCostRuns(runs)).toMatch(/^\| 1 \| \d+ \| \d+ \| [\d.]+ \|/m);
  }, 180_000);
});
