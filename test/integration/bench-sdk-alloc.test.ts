// The tiny mode of bench/sdk-alloc.ts, so the measurement keeps running; no allocation figure is
// asserted, only that one is produced.
import { describe, expect, it } from 'vitest';
import { formatAlloc, runSdkAlloc } from '../../bench/sdk-alloc.js';

describe('bench/sdk-alloc (tiny)', () => {
  it('samples the producer and prints bytes per send with its top sites', async () => {
    const r = await runSdkAlloc({ sends: 2_000, inflight: 50, top: 5 });
    expect(r.bytesPerSend).toBeGreaterThan(0);
    expect(r.sites.length).toBeGreaterThan(0);
    expect(formatAlloc(r)).toMatch(/2000 sends, 50 in flight: \d+ B allocated per send/);
  }, 120_000);
});
