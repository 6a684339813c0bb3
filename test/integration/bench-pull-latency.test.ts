// The tiny mode of bench/pull-latency.ts, so the benchmark keeps running; no timing thresholds.
import { describe, expect, it } from 'vitest';
import { formatRows, runPullLatencyBench } from '../../bench/pull-latency.js';

describe('bench/pull-latency (tiny)', () => {
  it('measures pull latency idle and under send load', async () => {
    const rows = await runPullLatencyBench({ pulls: 100, inflight: 8 });
    expect(rows.map((r) => r.scenario)).toEqual(['idle broker', '8 sends in flight']);
    for (const r of rows) expect(r.p50Us).toBeGreaterThan(0);
    expect(rows[1]!.sendsPerSec).toBeGreaterThan(0);
    expect(formatRows(rows)).toContain('| idle broker |');
  });
});
