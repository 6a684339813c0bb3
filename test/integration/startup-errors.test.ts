// Mistakes that fail at start with one line naming the fix: a second broker on a store directory
// a running broker holds exits 1 (the lock file in storePathRootDir), and a broker killed with
// -9 leaves a lock that does not block its restart.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type NamesrvHandle, startBroker, startNamesrv } from '../harness/processes.js';
import { runBin } from '../harness/run-bin.js';

const tmp = mkdtempSync(join(tmpdir(), 'kitemq-startup-'));
let namesrv: NamesrvHandle | undefined;
afterAll(async () => {
  await namesrv?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('a second broker on one store directory', () => {
  it('exits 1 with one line naming the directory and the fix; a kill -9 lock is taken over', async () => {
    namesrv = await startNamesrv();
    const storeDir = join(tmp, 'store');
    const first = await startBroker({ namesrvAddr: namesrv.addr, storeDir });
    const conf = join(tmp, 'second.conf');
    const keys = ['brokerIP1=127.0.0.1', 'bindAddress=127.0.0.1', 'listenPort=0'];
    writeFileSync(conf, `${[...keys, `storePathRootDir=${storeDir}`].join('\n')}\n`);
    const second = await runBin('mqbroker', ['-c', conf, '-n', namesrv.addr], {
      env: { KITEMQ_DEBUG: '0' },
    });
    expect(second.code).toBe(1);
    const lines = second.stderr.trim().split('\n');
    expect(lines).toEqual([
      `mqbroker: store directory ${storeDir} is in use by another broker (pid ${first.proc.pid}); stop it or set storePathRootDir to another directory (lock file: ${join(storeDir, 'lock')})`,
    ]);
    await first.kill();
    await first.restart(); // the lock names a dead pid now
    expect(first.output()).toContain('boot success');
    await first.stop({ keepStore: true });
  });
});
