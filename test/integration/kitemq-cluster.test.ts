// kitemq cluster conf/2m-noslave: a name server and both brokers as child processes, on free
// loopback ports (--loopback, --port-base 0, --namesrv-port 0) with temp stores (--store-root);
// clusterList shows both, a message sent through the name server is stored, and SIGTERM stops
// everything with exit 0.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../../src/client/admin.js';
import { silentLogger } from '../../src/common/logger.js';
import { pollUntil } from '../harness/poll.js';
import { uniqueName } from '../harness/processes.js';
import { binPath, childEnv, REPO_ROOT, runBin } from '../harness/run-bin.js';
import { sendMessages } from '../harness/sdk.js';
import { createTopic } from '../harness/topics.js';

const storeRoot = mkdtempSync(join(tmpdir(), 'kitemq-cluster-test-'));
let proc: ChildProcess | undefined;
let out = '';
afterAll(() => {
  if (proc?.exitCode === null) proc.kill('SIGKILL');
  rmSync(storeRoot, { recursive: true, force: true });
});

describe('kitemq cluster', () => {
  it('starts conf/2m-noslave, serves a send and stops cleanly on SIGTERM', async () => {
    const args = [
      'cluster',
      'conf/2m-noslave',
      '--loopback',
      '--port-base',
      '0',
      '--namesrv-port',
      '0',
    ];
    proc = spawn(process.execPath, [binPath('kitemq'), ...args, '--store-root', storeRoot], {
      cwd: REPO_ROOT,
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((r) => proc!.once('exit', (code) => r(code)));
    proc.stdout?.setEncoding('utf8').on('data', (c: string) => {
      out += c;
    });
    proc.stderr?.setEncoding('utf8').on('data', (c: string) => {
      out += c;
    });
    await pollUntil(
      () => out,
      (o) => o.includes('brokers up') || proc!.exitCode !== null,
      60_000,
    );
    expect(out).toContain('kitemq cluster: 2 brokers up');
    const namesrvAddr = /kitemq cluster: name server (\S+)/.exec(out)![1]!;
    const addrOf = (b: string) =>
      new RegExp(`${b} \\(ASYNC_MASTER, ${b} brokerId=0\\) up at (\\S+),`).exec(out)![1]!;
    const [a, b] = [addrOf('broker-a'), addrOf('broker-b')];
    expect(out).toContain(`store ${join(storeRoot, 'broker-a')}`);
    const list = await pollUntil(
      () => runBin('mqadmin', ['clusterList', '-n', namesrvAddr]),
      (r) => r.stdout.includes(a) && r.stdout.includes(b),
      30_000,
    );
    expect(list.stdout).toMatch(/#Replica Lag/);
    expect(list.stdout).toContain(a);
    expect(list.stdout).toContain(b);
    const topic = uniqueName('ClusterCmd');
    await createTopic(a, namesrvAddr, topic, 1);
    await sendMessages(namesrvAddr, [{ topic, body: Buffer.from('hello cluster') }]);
    const admin = new AdminClient({ namesrvAddr, logger: silentLogger() });
    try {
      expect(await admin.getMaxOffset(a, topic, 0)).toBe(1);
    } finally {
      admin.close();
    }
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('[namesrv]');
    expect(out).toMatch(/\[broker-b\] .*broker shut down cleanly/);
    expect(existsSync(join(storeRoot, 'broker-a', 'lock'))).toBe(false);
  });
});
