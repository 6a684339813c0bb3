// The broker `kitemq bench` starts for itself when no name server is given (-n / NAMESRV_ADDR):
// `kitemq standalone` as a child process on free loopback ports with a temp store, its
// flushDiskType set from --sync-flush, stopped and removed after the run. A child, not in
// process, so the broker's CPU is not the load generator's. The child binds ports 0 itself and
// its boot lines say which it got: a port probed here and bound there later could be taken.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AdminClient } from '../client/admin.js';
import { silentLogger } from '../common/logger.js';

const KITEMQ_BIN = fileURLToPath(new URL('../../bin/kitemq.js', import.meta.url));
const BOOT = /The broker\[[^\]]+\] boot success/;
const NAMESRV_BOOT = /The Name Server boot success\. serializeType=\w+, address (\S+:\d+)/;
const BOOT_TIMEOUT_MS = 30_000;
const ROUTE_TIMEOUT_MS = 10_000;

export interface OwnBroker {
  readonly namesrvAddr: string;
  readonly flushDiskType: 'SYNC_FLUSH' | 'ASYNC_FLUSH';
  readonly pid: number;
  stop(): Promise<void>;
}

/** Resolves the name server address the child printed once its broker booted. */
function waitBoot(proc: ChildProcess): Promise<string> {
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`the bench's broker did not boot in ${BOOT_TIMEOUT_MS} ms: ${out}`));
    }, BOOT_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      out = (out + chunk.toString('utf8')).slice(-4096);
      const namesrv = NAMESRV_BOOT.exec(out);
      if (namesrv !== null && BOOT.test(out)) {
        clearTimeout(timer);
        proc.off('exit', onExit);
        resolve(namesrv[1]!);
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`the bench's broker exited while starting (code ${code}): ${out}`));
    };
    proc.once('exit', onExit);
  });
}

/** Starts `kitemq standalone` with the given flushDiskType in a temp dir. */
export async function startOwnBroker(syncFlush: boolean): Promise<OwnBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'kitemq-bench-'));
  const flushDiskType = syncFlush ? 'SYNC_FLUSH' : 'ASYNC_FLUSH';
  const conf = join(dir, 'broker.conf');
  writeFileSync(conf, `flushDiskType=${flushDiskType}\n`);
  const args = ['standalone', '--namesrv-port', '0', '--broker-port', '0'];
  args.push('--store', join(dir, 'store'), '-c', conf);
  const proc = spawn(process.execPath, [KITEMQ_BIN, ...args], {
    env: { ...process.env, HOME: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let namesrvAddr: string;
  try {
    namesrvAddr = await waitBoot(proc);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    namesrvAddr,
    flushDiskType,
    pid: proc.pid!,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Creates `topic` with `queues` queues on every master of the first cluster, then waits for a
 * route. */
export async function ensureTopic(namesrvAddr: string, topic: string, queues: number) {
  const admin = new AdminClient({ namesrvAddr, logger: silentLogger() });
  try {
    const clusterName = Object.keys((await admin.getClusterInfo()).clusterAddrTable)[0];
    if (clusterName === undefined) throw new Error('no broker is registered with the name server');
    await admin.createTopic({ topic, clusterName, readQueueNums: queues, writeQueueNums: queues });
    const deadline = Date.now() + ROUTE_TIMEOUT_MS;
    for (;;) {
      try {
        return void (await admin.getTopicRoute(topic));
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  } finally {
    admin.close();
  }
}
