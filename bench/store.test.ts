// The tiny mode of bench/store, so the benchmark never rots: every scenario runs and yields a
// row with sane figures. No timing is asserted.
import { describe, expect, it } from 'vitest';
import { formatStoreTable, runStoreBench, storeTargets } from './store.js';

describe('bench/store (tiny)', () => {
  it('runs every scenario and prints the table and the two targets', async () => {
    const rows = await runStoreBench({ messages: 600, syncMessages: 200, fsyncSeconds: 0.05 });
    const names = rows.map((r) => r.scenario);
    expect(names).toHaveLength(11);
    for (const w of ['1 writer', '16 writers', '256 writers']) {
      expect(names).toContain(`store append ASYNC_FLUSH, ${w}`);
      expect(names).toContain(`store append SYNC_FLUSH, ${w}`);
    }
    for (const r of rows) {
      expect(r.records).toBeGreaterThan(0);
      expect(r.recordsPerSec).toBeGreaterThan(0);
    }
    const sync = rows.filter((r) => r.scenario.startsWith('store append SYNC'));
    for (const r of sync) expect(r.fsyncsPerSec).toBeGreaterThan(0);
    expect(rows.at(-1)!.records).toBe(150); // one queue of four holds a quarter of 600
    expect(formatStoreTable(rows).split('\n')).toHaveLength(13);
    expect(storeTargets(rows)).toHaveLength(2);
  }, 60_000);
});
