// kitemq cluster <dir>: a whole cluster on one machine from a directory of broker .properties
// files (conf/2m-noslave, conf/2m-2s-async, conf/2m-2s-sync; RocketMQ's distribution/conf/ ships
// the same files for mqbroker -c on separate machines). One name server (unless -n names one),
// then the masters, then the slaves, each a child process running bin/mqnamesrv.js or
// bin/mqbroker.js with its output prefixed by its name; once all are up, the name server address
// and one line per broker. SIGINT/SIGTERM stops the slaves, the masters and the name server, in
// that order; a second signal kills them. Overrides for running beside something else:
// --port-base moves every listenPort by the same amount (0: each broker picks free ports),
// --store-root puts each store under <dir>/<file name>, --namesrv-port picks the name server's,
// --loopback binds and advertises 127.0.0.1 only.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrokerConfig, parseBrokerConfig } from '../common/config/broker-config.js';
import { SHUTDOWN_DEADLINE_MS } from '../common/limits.js';
import { HELP_OPTION, parseCommandLine, portFlag, stringFlag, UsageError } from './args.js';
import { runMain } from './lifecycle.js';

const HELP = `Usage: kitemq cluster <dir> [-n <namesrvAddr>] [--namesrv-port <port>]
                      [--port-base <port>] [--store-root <dir>] [--loopback]

Starts a name server and every broker of <dir>/*.properties (masters first) as child processes,
for example conf/2m-2s-async. Ctrl-C stops them all.

  -n, --namesrvAddr   use this name server instead of starting one
  --namesrv-port      the started name server's port (default 9876; 0 picks a free one)
  --port-base         listenPort of the file that says 10911 (the others keep their distance);
                      0 lets every broker pick free ports
  --store-root        storePathRootDir becomes <store-root>/<file name> for each broker
  --loopback          listen on and advertise 127.0.0.1 only (brokerIP1, bindAddress)`;

const OPTIONS = {
  ...HELP_OPTION,
  namesrvAddr: { type: 'string', short: 'n' },
  'namesrv-port': { type: 'string' },
  'port-base': { type: 'string' },
  'store-root': { type: 'string' },
  loopback: { type: 'boolean' },
} as const;

/** The port the conf/2m-* files number from: --port-base moves broker-a's 10911 there. */
const CONF_PORT_BASE = 10911;
const DEFAULT_NAMESRV_PORT = 9876;
const LOOPBACK = '127.0.0.1';
const NAMESRV_BOOT = /The Name Server boot success\. serializeType=\w+, address \S+:(\d+)/;
const BROKER_BOOT = /The broker\[[^\]]*:(\d+)\] boot success/;
const BIN_DIR = fileURLToPath(new URL('../../bin/', import.meta.url));

export interface ClusterBroker {
  /** The file name without .properties: broker-a, broker-a-s. */
  readonly name: string;
  readonly config: BrokerConfig;
  /** The file's text with the overridden keys replaced. */
  readonly text: string;
}

export interface ClusterOverrides {
  readonly portBase?: number;
  readonly storeRoot?: string;
  readonly loopback?: boolean;
}

/** Replaces (or adds) keys of a .properties text, so no key is set twice. */
export function withKeys(text: string, keys: Readonly<Record<string, string | number>>): string {
  const names = Object.keys(keys);
  const kept = text.split('\n').filter((line) => {
    const m = /^\s*([^#!\s=:]+)\s*[=:\s]/.exec(line);
    return m === null || !names.includes(m[1]!);
  });
  const added = Object.entries(keys).map(([k, v]) => `${k}=${v}`);
  return `${kept.join('\n').trimEnd()}\n${added.join('\n')}\n`;
}

/** Every *.properties of `dir`, parsed (a bad file fails here, naming it), masters first. */
export function readClusterDir(dir: string, over: ClusterOverrides = {}): ClusterBroker[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.properties'))
    .sort();
  if (files.length === 0) throw new UsageError(`${dir} has no *.properties broker files`);
  const brokers = files.map((file) => {
    const name = basename(file, '.properties');
    const path = join(dir, file);
    const original = readFileSync(path, 'utf8');
    const first = parseBrokerConfig(original, path).config;
    const keys: Record<string, string | number> = {};
    if (over.portBase !== undefined) {
      const port = over.portBase === 0 ? 0 : over.portBase + first.listenPort - CONF_PORT_BASE;
      if (port < 0 || port > 65535)
        throw new UsageError(`--port-base puts ${name} on port ${port}`);
      keys.listenPort = port;
    }
    if (over.storeRoot !== undefined) keys.storePathRootDir = resolve(over.storeRoot, name);
    if (over.loopback === true) Object.assign(keys, { brokerIP1: LOOPBACK, bindAddress: LOOPBACK });
    const text = Object.keys(keys).length === 0 ? original : withKeys(original, keys);
    return { name, config: parseBrokerConfig(text, path).config, text };
  });
  const isSlave = (b: ClusterBroker) => b.config.brokerRole === 'SLAVE';
  return [...brokers.filter((b) => !isSlave(b)), ...brokers.filter(isSlave)];
}

interface Child {
  readonly name: string;
  readonly proc: ChildProcess;
  /** The bound port from the boot line. */
  readonly booted: Promise<number>;
  readonly exited: Promise<number | null>;
}

/** node bin/<bin>.js with each output line prefixed; booted rejects if it exits first. */
function startChild(name: string, bin: string, args: string[], boot: RegExp): Child {
  // Its own process group: a terminal's Ctrl-C reaches only this process, which stops the
  // children in order (a second signal straight to a stopping server would make it exit at once).
  const proc = spawn(process.execPath, [join(BIN_DIR, `${bin}.js`), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const booted = new Promise<number>((resolveBoot, reject) => {
    const prefix = (stream: NodeJS.ReadableStream | null, out: NodeJS.WriteStream) => {
      let pending = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        const lines = (pending + chunk).split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          out.write(`[${name}] ${line}\n`);
          const m = boot.exec(line);
          if (m) resolveBoot(Number(m[1]));
        }
      });
    };
    prefix(proc.stdout, process.stdout);
    prefix(proc.stderr, process.stderr);
    void exited.then((code) => reject(new Error(`${name} exited before booting (code ${code})`)));
  });
  booted.catch(() => undefined); // awaited by run(); a late exit must not be unhandled
  return { name, proc, booted, exited };
}

/** Stops children in order, each with SIGTERM, then SIGKILL past the shutdown deadline. */
async function stopAll(children: readonly Child[]): Promise<void> {
  for (const c of children) {
    if (c.proc.exitCode !== null || c.proc.signalCode !== null) continue;
    c.proc.kill('SIGTERM');
    const kill = setTimeout(() => c.proc.kill('SIGKILL'), SHUTDOWN_DEADLINE_MS + 1000);
    await c.exited;
    clearTimeout(kill);
  }
}

function statusLine(b: ClusterBroker, port: number): string {
  const { brokerRole, brokerId, brokerName, brokerIP1, storePathRootDir } = b.config;
  const who = `${b.name} (${brokerRole}, ${brokerName} brokerId=${brokerId})`;
  return `${who} up at ${brokerIP1}:${port}, store ${storePathRootDir}`;
}

async function run(dir: string, values: ReturnType<typeof parseCommandLine>): Promise<void> {
  const portBase = portFlag(values, 'port-base', 'KITEMQ_PORT_BASE');
  const storeRoot = stringFlag(values, 'store-root');
  const loopback = values.loopback === true;
  const brokers = readClusterDir(dir, { portBase, storeRoot, loopback });
  const work = mkdtempSync(join(tmpdir(), 'kitemq-cluster-'));
  const children: Child[] = [];
  let stopping = false;
  const stop = async (code: number) => {
    stopping = true;
    await stopAll([...children].reverse()); // slaves, masters, then the name server
    rmSync(work, { recursive: true, force: true });
    process.exit(code);
  };
  const onSignal = () => {
    if (stopping) {
      for (const c of children) c.proc.kill('SIGKILL');
      process.exit(1);
    }
    void stop(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  try {
    let namesrvAddr = stringFlag(values, 'namesrvAddr');
    if (namesrvAddr === undefined) {
      const port = portFlag(values, 'namesrv-port', 'KITEMQ_NAMESRV_PORT') ?? DEFAULT_NAMESRV_PORT;
      const conf = join(work, 'namesrv.conf');
      writeFileSync(conf, `listenPort=${port}\n${loopback ? `bindAddress=${LOOPBACK}\n` : ''}`);
      const ns = startChild('namesrv', 'mqnamesrv', ['-c', conf], NAMESRV_BOOT);
      children.push(ns);
      namesrvAddr = `127.0.0.1:${await ns.booted}`;
    }
    const ports = new Map<ClusterBroker, number>();
    const startGroup = async (group: ClusterBroker[]) => {
      const started = group.map((b) => {
        const conf = join(work, `${b.name}.properties`);
        writeFileSync(conf, b.text);
        const child = startChild(b.name, 'mqbroker', ['-c', conf, '-n', namesrvAddr], BROKER_BOOT);
        children.push(child);
        return child.booted.then((port) => ports.set(b, port));
      });
      await Promise.all(started);
    };
    await startGroup(brokers.filter((b) => b.config.brokerRole !== 'SLAVE'));
    await startGroup(brokers.filter((b) => b.config.brokerRole === 'SLAVE'));
    console.log(`kitemq cluster: name server ${namesrvAddr}`);
    for (const b of brokers) console.log(`kitemq cluster: ${statusLine(b, ports.get(b) ?? 0)}`);
    console.log(`kitemq cluster: ${brokers.length} brokers up; Ctrl-C stops them all`);
  } catch (err) {
    if (!stopping) await stopAll([...children].reverse());
    rmSync(work, { recursive: true, force: true });
    throw err;
  }
}

export async function main(argv: readonly string[], name = 'kitemq cluster'): Promise<void> {
  await runMain(name, { portHint: 'pick others with --port-base / --namesrv-port' }, async () => {
    const [dir, ...rest] = argv;
    if (dir === '-h' || dir === '--help') {
      console.log(HELP);
      return;
    }
    const values = parseCommandLine({ name, options: OPTIONS, help: HELP }, rest);
    if (values.help === true) {
      console.log(HELP);
      return;
    }
    if (dir === undefined || dir.startsWith('-')) {
      throw new UsageError('missing <dir>, e.g. kitemq cluster conf/2m-2s-async; -h for help');
    }
    await run(dir, values);
  });
}
