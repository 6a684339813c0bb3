// The tiny mode of `npm run bench`, so the suite never rots: every scenario runs against real
// processes and yields a row. No timing is asserted.
import { describe, expect, it } from 'vitest';
import { AUTO_BATCH_SCENARIO } from '../../bench/auto-batch.js';
import { formatBench, runBench, TINY_SIZES } from '../../bench/run.js';

describe('npm run bench (tiny)', () => {
  it('runs every scenario and prints the table', async () => {
    const { rows } = await runBench({ sizes: TINY_SIZES });
    const ids = rows.map((r) => r.scenario.slice(0, 3));
    for (const id of ['(a)', '(b)', '(c)', '(d)', '(e)', '(f)', '(g)', '(h)']) {
      expect(ids).toContain(id);
    }
    expect(rows.every((r) => r.verdict !== 'not run')).toBe(true);
    const ab = rows.find((r) => r.scenario === AUTO_BATCH_SCENARIO);
    expect(ab?.figure).toMatch(/^[\d,]+ msg\/s .*of \(a\)$/);
    expect(rows.find((r) => r.scenario.startsWith('(d)'))!.verdict).toMatch(/none lost/);
    expect(rows.find((r) => r.scenario.startsWith('(g)'))!.verdict).toBe('met');
    expect(formatBench(rows).split('\n')).toHaveLength(rows.length + 2);
  }, 120_000);
});
