// Real mqnamesrv / mqbroker child processes for integration tests: loopback only, free ports,
// a temp work dir per server (config file, store, $HOME), waiting for RocketMQ's boot line, and
// cleanup that happens even when a test forgets to stop (on worker exit).
//
//   const namesrv = await startNamesrv();
//   const broker = await startBroker({
//     namesrvAddr: namesrv.addr,
//     conf: { maxMessageSize: 1024 },
//   });
//   ... broker.addr / namesrv.addr ...
//   await broker.restart();      // SIGTERM, same store and port, wait for the boot line again
//
// Ports are never probed and then handed over: a first start writes listenPort=0 and reads the
// port the child bound from its boot line (a broker binds listenPort and listenPort-2 together).
// A restart must come back on the same port, since clients and the name server know it; while
// another socket holds it the start is retried with backoff under a generous deadline.
//   await broker.kill();         // SIGKILL (crash); the store stays for restart()
//   await broker.stop();         // SIGTERM, wait, remove the temp dir (unless keepStore)
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uniqueName } from './names.js';
import { binPath, childEnv, REPO_ROOT } from './run-bin.js';

export { freeBrokerPort, freePort } from './ports.js';
export { uniqueName };

export type ConfValues = Record<string, string | number | boolean>;

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerHandle {
  /** 127.0.0.1:port, as clients should dial it. */
  readonly addr: string;
  readonly port: number;
  /** storePathRootDir (broker) / $HOME of the process (name server). */
  readonly storeDir: string;
  /** The live child; a new one after restart(). */
  readonly proc: ChildProcess;
  /** Recent stdout+stderr of the current child (bounded), for assertions and debugging. */
  output(): string;
  /** SIGTERM, wait for exit (SIGKILL after stopTimeoutMs), remove temp dirs unless keepStore. */
  stop(opts?: { keepStore?: boolean }): Promise<ExitInfo>;
  /** SIGKILL and wait; files stay so restart() can recover from a crash. */
  kill(): Promise<ExitInfo>;
  /** Graceful stop if running, then start again on the same port and store. */
  restart(): Promise<void>;
}

export interface NamesrvHandle extends ServerHandle {
  /** The -c file (UPDATE_NAMESRV_CONFIG persists into it; edit + restart() to change config). */
  readonly confPath: string;
  /** The KV config file (kvConfigPath), in the work dir; kept across restart(). */
  readonly kvConfigPath: string;
}

export interface BrokerHandle extends ServerHandle {
  readonly brokerName: string;
  /** The broker.conf written for this broker (edit + restart() to change config). */
  readonly confPath: string;
}

interface CommonOptions {
  /** Extra config keys written into the -c file. */
  conf?: ConfValues;
  /** Keep the temp dirs after stop() (they are printed in the handle's storeDir). */
  keepStore?: boolean;
  /** Extra environment for the child (KITEMQ_LOG_LEVEL, …). */
  env?: Record<string, string>;
  bootTimeoutMs?: number;
  stopTimeoutMs?: number;
}

export interface NamesrvOptions extends CommonOptions {
  /** Fixed port; by default the child binds a free one (listenPort=0) and reports it. */
  port?: number;
}

export interface BrokerOptions extends CommonOptions {
  /** Name server list, host:port;host:port (passed with -n). */
  namesrvAddr: string;
  /** Use this store dir instead of a temp one; it is never deleted by the harness. */
  storeDir?: string;
  /** Fixed listenPort (listenPort-2 must be free too); by default the broker binds a free pair. */
  port?: number;
}

/**
 * Broker settings the harness applies before opts.conf: loopback, 64 MiB commit-log segments
 * instead of 1 GiB so parallel test brokers stay light (16 max-size messages still fit one), and
 * disk watermarks near 100 % so a crowded disk on a test machine does not make unrelated tests
 * refuse sends (the disk-full test sets RocketMQ's levels itself). haListenPort=0 stays in the
 * file across restarts: a restart pins listenPort, and listenPort + 1 may be taken by then.
 */
export const HARNESS_BROKER_DEFAULTS: ConfValues = {
  brokerIP1: '127.0.0.1',
  haListenPort: 0,
  bindAddress: '127.0.0.1',
  mapedFileSizeCommitLog: 64 * 1024 * 1024,
  diskSpaceWarningLevelRatio: 99,
  diskSpaceCleanForciblyRatio: 98,
};

/** Both boot lines end their match with the bound port as the last group. */
const NAMESRV_BOOT = /The Name Server boot success\. serializeType=\w+, address \S+:(\d+)/;
const BROKER_BOOT = /The broker\[([^,\]]+), [^\]]+:(\d+)\] boot success/;
const PORT_TAKEN = /already in use/;
const OUTPUT_LIMIT_CHARS = 256 * 1024;
/** A restart waits this long for its port to be free again (a client's socket may hold it). */
const REBIND_DEADLINE_MS = 60_000;
const REBIND_BACKOFF_MAX_MS = 2_000;

const live = new Set<() => void>();
let exitHookInstalled = false;

/** Kills leftover children and removes temp dirs when the test worker exits. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const cleanup of live) cleanup();
  });
}

function writeConf(path: string, values: ConfValues): void {
  const lines = Object.entries(values).map(([k, v]) => `${k}=${String(v)}`);
  writeFileSync(path, `# written by test/harness/processes.ts\n${lines.join('\n')}\n`);
}

export interface Spawned {
  proc: ChildProcess;
  bootMatch: RegExpExecArray;
  output: () => string;
}

/** Spawns node bin/<name>.js and resolves once a stdout line matches boot. */
export function spawnUntilBoot(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  boot: RegExp,
  timeoutMs: number,
): Promise<Spawned> {
  const proc = spawn(process.execPath, [binPath(name), ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Unreferenced, so a test process that forgot stop() can still exit; the exit hook then kills
  // the child. Pending boot/stop waits keep the loop alive through their timers.
  proc.unref();
  for (const stream of [proc.stdout, proc.stderr]) (stream as Socket | null)?.unref();
  let out = '';
  let err = '';
  const output = () => out + (err === '' ? '' : `\n--- stderr ---\n${err}`);
  const append = (buf: string, chunk: string) => (buf + chunk).slice(-OUTPUT_LIMIT_CHARS);
  return new Promise((resolve, reject) => {
    let pending = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`${name} ${args.join(' ')} ${why}\n${output().slice(-8192)}`));
    };
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      fail(`printed no boot line within ${timeoutMs} ms`);
    }, timeoutMs);
    proc.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out = append(out, chunk);
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const m = boot.exec(line);
        if (m !== null) {
          clearTimeout(timer);
          resolve({ proc, bootMatch: m, output });
        }
      }
    });
    proc.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      err = append(err, chunk);
    });
    proc.once('error', (e) => fail(`could not be spawned: ${e.message}`));
    proc.once('exit', (code, signal) => fail(`exited before booting (code ${code}, ${signal})`));
  });
}

function waitExit(proc: ChildProcess, timeoutMs: number): Promise<ExitInfo> {
  if (proc.exitCode !== null || proc.signalCode !== null) {
    return Promise.resolve({ code: proc.exitCode, signal: proc.signalCode });
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

interface ServerSpec {
  name: 'mqnamesrv' | 'mqbroker';
  workDir: string;
  storeDir: string;
  fixedPort: number | undefined;
  /** Writes the config for a port (0: the child binds a free one) and returns the argv. */
  prepare: (port: number) => string[];
  boot: RegExp;
  env: NodeJS.ProcessEnv;
  opts: CommonOptions;
}

function bootPort(spawned: Spawned): number {
  return Number(spawned.bootMatch[spawned.bootMatch.length - 1]);
}

/**
 * Spawns until the child boots; while it reports its port taken, tries again with backoff until
 * REBIND_DEADLINE_MS (a port just let go may still be held, e.g. as a client socket's local port).
 */
async function spawnRetryingPort(spec: ServerSpec, args: string[]): Promise<Spawned> {
  const timeoutMs = spec.opts.bootTimeoutMs ?? 30_000;
  const deadline = Date.now() + REBIND_DEADLINE_MS;
  for (let backoffMs = 100; ; backoffMs = Math.min(2 * backoffMs, REBIND_BACKOFF_MAX_MS)) {
    try {
      return await spawnUntilBoot(spec.name, args, spec.env, spec.boot, timeoutMs);
    } catch (err) {
      if (!PORT_TAKEN.test(String(err)) || Date.now() + backoffMs > deadline) throw err;
      await new Promise((r) => setTimeout(r, backoffMs));
    }
  }
}

/**
 * First start: on a fixed port, or on listenPort=0 with the bound port read from the boot line.
 * The config is then rewritten with that port, so restart() comes back on it.
 */
async function launch(
  spec: ServerSpec,
): Promise<{ port: number; args: string[]; spawned: Spawned }> {
  const timeoutMs = spec.opts.bootTimeoutMs ?? 30_000;
  const args = spec.prepare(spec.fixedPort ?? 0);
  const spawned = await spawnUntilBoot(spec.name, args, spec.env, spec.boot, timeoutMs);
  const port = bootPort(spawned);
  if (!(port > 0)) {
    spawned.proc.kill('SIGKILL');
    throw new Error(`${spec.name} booted without reporting a port: ${spawned.bootMatch[0]}`);
  }
  if (spec.fixedPort !== port) spec.prepare(port);
  return { port, args, spawned };
}

async function startServer(spec: ServerSpec): Promise<ServerHandle & { confPath: string }> {
  installExitHook();
  const cleanupDirs = () => {
    rmSync(spec.workDir, { recursive: true, force: true });
  };
  let current: Spawned;
  let port: number;
  let args: string[];
  try {
    ({ port, args, spawned: current } = await launch(spec));
  } catch (err) {
    if (!spec.opts.keepStore) cleanupDirs();
    throw err;
  }
  const onExit = () => {
    current.proc.kill('SIGKILL');
    if (!spec.opts.keepStore) cleanupDirs();
  };
  live.add(onExit);
  const stopTimeoutMs = spec.opts.stopTimeoutMs ?? 15_000;
  const handle: ServerHandle & { confPath: string } = {
    addr: `127.0.0.1:${port}`,
    port,
    storeDir: spec.storeDir,
    confPath: join(spec.workDir, 'server.conf'),
    get proc() {
      return current.proc;
    },
    output: () => current.output(),
    async stop(opts = {}) {
      current.proc.kill('SIGTERM');
      const info = await waitExit(current.proc, stopTimeoutMs);
      live.delete(onExit);
      if (!(opts.keepStore ?? spec.opts.keepStore)) cleanupDirs();
      return info;
    },
    async kill() {
      current.proc.kill('SIGKILL');
      return waitExit(current.proc, stopTimeoutMs);
    },
    async restart() {
      current.proc.kill('SIGTERM');
      await waitExit(current.proc, stopTimeoutMs);
      // Same argv and config file (edits to confPath apply), same port and store; also after a
      // stop({ keepStore: true }), which is how a test takes a broker offline for a while.
      current = await spawnRetryingPort(spec, args);
      live.add(onExit);
    },
  };
  return handle;
}

function makeWorkDir(kind: string): { workDir: string; home: string } {
  const workDir = mkdtempSync(join(tmpdir(), `kitemq-${kind}-`));
  const home = join(workDir, 'home');
  mkdirSync(home);
  return { workDir, home };
}

function serverEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // HOME inside the work dir: anything a server writes under ~ stays in the temp dir.
  return childEnv({ HOME: home, KITEMQ_DEBUG: '1', ...extra });
}

/** Spawns `node bin/mqnamesrv.js -c <tmp conf>` on a free loopback port. */
export async function startNamesrv(opts: NamesrvOptions = {}): Promise<NamesrvHandle> {
  const { workDir, home } = makeWorkDir('namesrv');
  const confPath = join(workDir, 'server.conf');
  // Never the real ~/namesrv/kvConfig.json; opts.conf may still point it elsewhere.
  const kvConfigPath = join(workDir, 'kvConfig.json');
  const conf: ConfValues = { bindAddress: '127.0.0.1', kvConfigPath, ...opts.conf };
  const handle = await startServer({
    name: 'mqnamesrv',
    workDir,
    storeDir: home,
    fixedPort: opts.port,
    prepare: (port) => {
      writeConf(confPath, { ...conf, listenPort: port });
      return ['-c', confPath];
    },
    boot: NAMESRV_BOOT,
    env: serverEnv(home, opts.env),
    opts,
  });
  return Object.assign(handle, { kvConfigPath: String(conf.kvConfigPath) });
}

/** Spawns `node bin/mqbroker.js -c <tmp conf> -n <namesrvAddr>` with a temp store. */
export async function startBroker(opts: BrokerOptions): Promise<BrokerHandle> {
  const { workDir, home } = makeWorkDir('broker');
  const storeDir = opts.storeDir ?? join(workDir, 'store');
  const confPath = join(workDir, 'server.conf');
  const conf: ConfValues = { ...HARNESS_BROKER_DEFAULTS, ...opts.conf, storePathRootDir: storeDir };
  const handle = await startServer({
    name: 'mqbroker',
    workDir,
    storeDir,
    fixedPort: opts.port,
    prepare: (port) => {
      writeConf(confPath, { ...conf, listenPort: port });
      return ['-c', confPath, '-n', opts.namesrvAddr];
    },
    boot: BROKER_BOOT,
    env: serverEnv(home, opts.env),
    opts,
  });
  // Object.assign keeps the proc getter live across restarts (a spread would freeze it).
  return Object.assign(handle, { brokerName: String(conf.brokerName ?? 'broker-a') });
}
