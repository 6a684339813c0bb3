// The tiny mode of `npm run bench -- --peers`, for every peer installed on this machine (install
// them with `bash bench/peers/install.sh`; a clean CI machine has none, and says so as skips):
// each peer's server starts on a free port, its driver runs (a)-(d), nothing is lost. No timing
// is asserted.
import { describe, expect, it } from 'vitest';
import { TINY_SIZES } from '../../bench/core.js';
import { PEERS, runPeer } from '../../bench/peers/run-peers.js';
import { missing } from '../../bench/peers/servers.js';

describe('npm run bench -- --peers (tiny)', () => {
  for (const spec of PEERS) {
    const installed = missing(spec.bin) === undefined;
    it.runIf(installed)(
      `${spec.system} (${spec.durability}) runs (a)-(d)`,
      async () => {
        const r = await runPeer(spec, TINY_SIZES);
        expect(r.note).toBeUndefined();
        expect(r.version).toBeTruthy();
        expect(r.a!.errors).toBe(0);
        expect(r.a!.acked).toBe(TINY_SIZES.pipelined);
        expect(r.b!.errors).toBe(0);
        expect(r.b!.acked).toBe(TINY_SIZES.single);
        expect(r.c!.received).toBeGreaterThanOrEqual(r.c!.backlog);
        expect(r.d!.lost).toBe(0);
        expect(r.d!.received).toBe(r.d!.acked);
      },
      120_000,
    );
  }
});
