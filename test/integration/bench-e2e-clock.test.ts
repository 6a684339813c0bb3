// (d) runs its sender and receiver in child processes and subtracts one's stamp from the other's
// clock reading: that is only latency if nowMs() is one clock for every process of the host.
import { afterAll, describe, expect, it } from 'vitest';
import { Worker } from '../../bench/e2e-split.js';

describe('bench e2e workers', () => {
  const worker = new Worker('clock-check');
  afterAll(() => worker.stop());

  it('read the same clock as the process that forked them', async () => {
    // Several readings, each bracketed by this process's before and after; checkClock throws
    // when the worker's reading falls outside.
    for (let i = 0; i < 5; i++) expect(await worker.checkClock()).toBeGreaterThanOrEqual(0);
  }, 60_000);
});
