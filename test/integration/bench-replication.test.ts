// The tiny mode of bench/replication.ts, so the benchmark keeps running; no timing thresholds.
// Every setup must acknowledge every send as SEND_OK (SYNC_MASTER: its slave had them) and each
// slave must end with every byte.
import { describe, expect, it } from 'vitest';
import { formatReplicationRows, runReplicationBench } from '../../bench/replication.js';

describe('bench/replication (tiny)', () => {
  it('measures sends without a slave, with an async slave and with a sync slave', async () => {
    const rows = await runReplicationBench({
      messages: 200,
      inflight: 16,
      flushDiskType: 'ASYNC_FLUSH',
    });
    expect(rows.map((r) => [r.setup, r.messages, r.acked])).toEqual([
      ['no slave', 200, 200],
      ['ASYNC_MASTER', 200, 200],
      ['SYNC_MASTER', 200, 200],
    ]);
    expect(rows[0]!.maxLagBytes).toBeUndefined();
    expect(rows[2]!.catchUpMs).toBeGreaterThanOrEqual(0);
    expect(formatReplicationRows(rows, 'ASYNC_FLUSH')).toContain('| SYNC_MASTER | 200 | 200 |');
  }, 180_000);
});
