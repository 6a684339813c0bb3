// The peers' servers for `npm run bench -- --peers`, each started by the runner on a free
// loopback port with a temp data dir and stopped (dir removed) after its scenarios: redis-server
// (AOF everysec or always), nats-server with JetStream (file storage) and rabbitmq-server (its
// own Erlang port mapper on a free port, stopped after it). A peer that is not installed is
// reported, not fatal: `bash bench/peers/install.sh` installs it from Debian's packages.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../test/harness/ports.js';

export const REDIS_BIN = '/usr/bin/redis-server';
export const NATS_BIN = '/usr/sbin/nats-server';
export const RABBIT_BIN = '/usr/lib/rabbitmq/bin/rabbitmq-server';
const BOOT_TIMEOUT_MS = 60_000;

export interface PeerServer {
  port: number;
  version: string;
  stop(): Promise<void>;
}

/** Why a peer cannot run here, or undefined when its server binary is installed. */
export function missing(bin: string): string | undefined {
  return existsSync(bin) ? undefined : `not installed (${bin}; bash bench/peers/install.sh)`;
}

function debVersion(pkg: string): string {
  try {
    const line = execFileSync('dpkg-query', ['-W', pkg], { encoding: 'utf8' });
    return line.trim().split('\t')[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Spawns a server and resolves once its output matches `ready`; kills it on a timeout. */
function spawnReady(
  bin: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<ChildProcess> {
  const proc = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      proc.off('exit', onExit);
      proc.kill('SIGKILL');
      reject(new Error(`${bin} ${why}: ${out.slice(-2000)}`));
    };
    const timer = setTimeout(() => fail(`not ready in ${BOOT_TIMEOUT_MS} ms`), BOOT_TIMEOUT_MS);
    const onExit = (code: number | null, sig: string | null) =>
      fail(`exited while starting (${code ?? sig})`);
    const onData = (chunk: Buffer) => {
      out = (out + chunk.toString('utf8')).slice(-64 * 1024);
      if (ready.test(out)) {
        clearTimeout(timer);
        proc.off('exit', onExit);
        // Keep draining the pipes so a chatty server never blocks on a full pipe.
        ready = /$^/;
        resolve(proc);
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.once('error', (e) => fail(`could not be spawned (${e.message})`));
    proc.once('exit', onExit);
  });
}

function waitExit(proc: ChildProcess, timeoutMs = 30_000): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function handle(proc: ChildProcess, port: number, version: string, dir: string): PeerServer {
  return {
    port,
    version,
    async stop() {
      proc.kill('SIGTERM');
      await waitExit(proc);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** redis-server with the append-only file fsynced every second or before every reply. */
export async function startRedis(appendfsync: 'everysec' | 'always'): Promise<PeerServer> {
  const dir = mkdtempSync(join(tmpdir(), 'kitemq-bench-redis-'));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir];
  args.push('--appendonly', 'yes', '--appendfsync', appendfsync, '--save', '');
  const proc = await spawnReady(REDIS_BIN, args, process.env, /Ready to accept connections/);
  const version = /v=(\S+)/.exec(execFileSync(REDIS_BIN, ['--version'], { encoding: 'utf8' }));
  return handle(proc, port, version?.[1] ?? debVersion('redis-server'), dir);
}

/** nats-server with JetStream on a temp store dir (file storage is chosen per stream). */
export async function startNats(): Promise<PeerServer> {
  const dir = mkdtempSync(join(tmpdir(), 'kitemq-bench-nats-'));
  const port = await freePort();
  const args = ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir];
  const proc = await spawnReady(NATS_BIN, args, process.env, /Server is ready/);
  const version = execFileSync(NATS_BIN, ['--version'], { encoding: 'utf8' }).trim();
  return handle(proc, port, version.replace(/^nats-server: v/, ''), dir);
}

/**
 * rabbitmq-server as root, without the system service: node name, ports, Mnesia dir, logs and
 * Erlang cookie ($HOME) all in a temp dir, listening on 127.0.0.1 only, no plugins.
 */
export async function startRabbit(): Promise<PeerServer> {
  const dir = mkdtempSync(join(tmpdir(), 'kitemq-bench-rabbit-'));
  const [port, distPort, epmdPort] = [await freePort(), await freePort(), await freePort()];
  writeFileSync(join(dir, 'enabled_plugins'), '[].\n');
  writeFileSync(join(dir, 'rabbitmq.conf'), `listeners.tcp.default = 127.0.0.1:${port}\n`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: dir,
    RABBITMQ_NODENAME: `kbench${port}@localhost`,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    ERL_EPMD_PORT: String(epmdPort),
    ERL_EPMD_ADDRESS: '127.0.0.1',
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_LOGS: '-',
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'),
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
  };
  let proc: ChildProcess;
  try {
    proc = await spawnReady(RABBIT_BIN, [], env, /Server startup complete/);
  } catch (err) {
    stopEpmd(epmdPort);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const h = handle(proc, port, debVersion('rabbitmq-server'), dir);
  // proc is the script's shell, which turns SIGTERM into a clean stop of its Erlang VM.
  return {
    ...h,
    async stop() {
      await h.stop();
      stopEpmd(epmdPort);
    },
  };
}

/** The Erlang port mapper the VM started on our port; it outlives the VM unless told to stop. */
function stopEpmd(port: number): void {
  try {
    execFileSync('epmd', ['-port', String(port), '-kill'], { stdio: 'ignore' });
  } catch {}
}
