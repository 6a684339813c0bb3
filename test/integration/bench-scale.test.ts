// The tiny mode of bench/scale.ts, so the benchmark keeps running; no timing thresholds.
import { describe, expect, it } from 'vitest';
import { runScaleBench } from '../../bench/scale.js';

describe('bench/scale (tiny)', () => {
  it('creates topics, times lookups at milestones, and measures connections and groups', async () => {
    const lines: string[] = [];
    const r = await runScaleBench({
      topics: 2000,
      concurrency: 8,
      connections: 200,
      groups: 50,
      milestones: 4,
      print: (l) => lines.push(l),
    });
    expect(r.milestones.map((m) => m.topics)).toEqual([500, 1000, 1500, 2000]);
    for (const m of r.milestones) {
      expect(m.createP50Ms).toBeGreaterThan(0);
      expect(m.routeMs).toBeGreaterThan(0);
      expect(m.brokerRssMiB).toBeGreaterThan(0);
    }
    expect(r.finalCreateP50Ms).toBeGreaterThan(0);
    expect(r.connections).toBe(200);
    expect(r.groups).toBe(50);
    expect(lines.some((l) => l.startsWith('2000 topics created in'))).toBe(true);
  }, 240_000);
});
