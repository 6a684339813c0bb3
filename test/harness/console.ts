// A real `kitemq console` process for integration and browser tests: a temp console.conf and data
// dir, any free port (--port 0, the URL read from its banner), and cleanup on stop() or when the
// test worker exits.
//
//   const c = await startConsole({ namesrvAddr: namesrv.addr, basePath: '/rocketmq/' });
//   await fetch(`${c.url}api/session`);           // c.url ends with the base path's '/'
//   ... log in as admin with c.adminPassword ...
//   await c.stop();
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword } from '../../src/console/auth.js';
import { pollUntil } from './poll.js';
import { spawnUntilBoot } from './processes.js';
import { childEnv } from './run-bin.js';

export interface ConsoleUserSpec {
  name: string;
  password: string;
  role: 'admin' | 'read-only';
}

export interface ConsoleOptions {
  /** One environment; several (one per cluster) with an array. */
  namesrvAddr: string | string[];
  basePath?: string;
  /** Written to console.users; with no admin among them, one is generated and printed. */
  users?: ConsoleUserSpec[];
  bootTimeoutMs?: number;
  /** More console.conf keys, e.g. { 'console.refreshIntervalMs': 200 }. */
  conf?: Record<string, string | number>;
}

export interface ConsoleHandle {
  /** http://127.0.0.1:<port><basePath>, ending in '/'. */
  readonly url: string;
  /** The first configured admin's password, else the one the console generated and printed. */
  readonly adminPassword: string;
  /** Where the console keeps audit.log and admin.passwd. */
  readonly dataDir: string;
  readonly proc: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

const BOOT = /KiteMQ console is running at (\S+)/;
const GENERATED = /log in as admin with password (\S+)/;

const leftovers = new Set<() => void>();
let hooked = false;

export async function startConsole(opts: ConsoleOptions): Promise<ConsoleHandle> {
  if (!hooked) {
    hooked = true;
    process.on('exit', () => {
      for (const f of leftovers) f();
    });
  }
  const workDir = mkdtempSync(join(tmpdir(), 'kitemq-console-'));
  const dataDir = join(workDir, 'data');
  const users = opts.users ?? [];
  const entries = await Promise.all(
    users.map(async (u) => `${u.name}:${await hashPassword(u.password)}:${u.role}`),
  );
  const confPath = join(workDir, 'console.conf');
  let conf = entries.length > 0 ? `console.users=${entries.join(',')}\n` : '';
  for (const [k, v] of Object.entries(opts.conf ?? {})) conf += `${k}=${v}\n`;
  writeFileSync(confPath, `# written by test/harness/console.ts\n${conf}`);
  const addrs = Array.isArray(opts.namesrvAddr) ? opts.namesrvAddr : [opts.namesrvAddr];
  const args = ['console', '-c', confPath, '--port', '0', '--data-dir', dataDir];
  for (const a of addrs) args.push('-n', a);
  if (opts.basePath !== undefined) args.push('--base-path', opts.basePath);
  const env = childEnv({ HOME: workDir, KITEMQ_DEBUG: '1' });
  let spawned: Awaited<ReturnType<typeof spawnUntilBoot>>;
  try {
    spawned = await spawnUntilBoot('kitemq', args, env, BOOT, opts.bootTimeoutMs ?? 30_000);
  } catch (err) {
    rmSync(workDir, { recursive: true, force: true });
    throw err;
  }
  const { proc, output } = spawned;
  const cleanup = () => {
    proc.kill('SIGKILL');
    rmSync(workDir, { recursive: true, force: true });
  };
  leftovers.add(cleanup);
  const admin = users.find((u) => u.role === 'admin');
  let adminPassword = admin?.password;
  if (adminPassword === undefined) {
    // The password line follows the URL line; it may come in a later chunk.
    const out = await pollUntil(output, (o) => GENERATED.test(o), 10_000);
    adminPassword = GENERATED.exec(out)?.[1];
    if (adminPassword === undefined) {
      cleanup();
      throw new Error(`kitemq console printed no generated admin password:\n${out}`);
    }
  }
  return {
    url: spawned.bootMatch[1]!,
    adminPassword,
    dataDir,
    proc,
    output,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      leftovers.delete(cleanup);
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
