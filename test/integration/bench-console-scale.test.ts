// The tiny mode of bench/console-scale.ts, so the benchmark keeps running; no timing thresholds.
import { describe, expect, it } from 'vitest';
import { formatConsoleScale, runConsoleScaleBench } from '../../bench/console-scale.js';

describe('bench/console-scale (tiny)', () => {
  it('times a console snapshot and every list page over many topics and groups', async () => {
    const r = await runConsoleScaleBench({ topics: 20, groups: 5, runs: 3 });
    expect(r.rows.map((x) => x.what)).toEqual([
      'collectSnapshot (whole refresh)',
      'GET_BROKER_CONSUME_STATS alone',
      'KITEMQ_GET_BROKER_CONSOLE_SNAPSHOT alone',
      'GET api/topics (HTTP)',
      'GET api/groups (HTTP)',
      'GET api/dashboard (HTTP)',
      'GET api/cluster (HTTP)',
    ]);
    // Name server (2) + the one broker's runtime info, consume stats and console summary:
    // nothing per topic or group.
    expect(r.rows[0]!.calls).toBe(5);
    for (const x of r.rows) expect(x.runs).toBe(3);
    expect(formatConsoleScale(r)).toContain('| collectSnapshot (whole refresh) | 3 | 5 |');
  }, 180_000);
});
