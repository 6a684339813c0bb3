// The money-transfer example (examples/transfer/) in a small run, so it keeps working: bank A is
// killed with SIGKILL a few times and restarted; the books must balance (A's debits = B's
// credits, the same transactionIds, none credited twice). The example starts its own name server
// and broker, with check-backs after 1 s every 300 ms, and waits for B to catch up with A.
import { describe, expect, it } from 'vitest';
import { runTransfer } from '../../examples/transfer/transfer.js';

describe('examples/transfer (small)', () => {
  it('balances the books with bank A killed and restarted', async () => {
    const s = await runTransfer({ transfers: 30, kills: 3, settleTimeoutMs: 60_000 });
    expect(s.debited.count).toBeGreaterThan(0);
    expect(s.credited).toEqual(s.debited);
    expect(s.balanced).toBe(true);
  }, 120_000);
});
