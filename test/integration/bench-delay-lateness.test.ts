// The tiny mode of bench/delay-lateness.ts, so the benchmark keeps running; no timing thresholds
// (the bench itself fails if a copy was stored before it was due).
import { describe, expect, it } from 'vitest';
import { formatRows, runDelayLatenessBench } from '../../bench/delay-lateness.js';

describe('bench/delay-lateness (tiny)', () => {
  it('measures how late delayed messages reach their queue', async () => {
    const r = await runDelayLatenessBench({ messages: 1_000, delay: '1s', inflight: 32 });
    expect(r.received).toBe(1_000);
    expect(r.rows.map((x) => x.measure)).toEqual(['broker (copy stored)', 'end to end (received)']);
    for (const x of r.rows) expect(x.messages).toBe(1_000);
    expect(formatRows(r.rows)).toContain('| broker (copy stored) | 1000 |');
  });
});
