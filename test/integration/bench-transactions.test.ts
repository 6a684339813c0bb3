// The tiny mode of bench/transactions.ts, so the benchmark keeps running; no timing thresholds.
// Each run waits until every message is delivered (the lost ends through the check-back).
import { describe, expect, it } from 'vitest';
import { formatRows, runTransactionsBench } from '../../bench/transactions.js';

describe('bench/transactions (tiny)', () => {
  it('measures transactions beside plain sends, and lost ends settled by check-backs', async () => {
    const rows = await runTransactionsBench({
      messages: 200,
      inflight: 32,
      lost: 10,
      checkTimeoutMs: 1000,
      checkIntervalMs: 300,
    });
    expect(rows.map((r) => [r.run, r.messages, r.delivered])).toEqual([
      ['plain sends', 200, 200],
      ['transactions (commit)', 200, 200],
      ['lost end, check-back commits', 10, 10],
    ]);
    expect(formatRows(rows)).toContain('| transactions (commit) | 200 |');
  }, 120_000);
});
