// `--peers`: scenarios (a)-(d) against NATS JetStream, Redis Streams (AOF everysec and always)
// and RabbitMQ (quorum queue), one at a time, each on a server started for it and stopped after.
// Missing servers are installed first (install.sh); a peer that is still missing or does not
// start gets a row saying so, and the run goes on.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type BenchSizes, type CoreHooks, type CoreResult, runCore } from '../core.js';
import type { Driver } from '../workload.js';
import { NatsDriver } from './nats.js';
import { RabbitDriver } from './rabbitmq.js';
import { RedisDriver } from './redis.js';
import {
  missing,
  NATS_BIN,
  type PeerServer,
  RABBIT_BIN,
  REDIS_BIN,
  startNats,
  startRabbit,
  startRedis,
} from './servers.js';

export interface PeerSpec {
  system: string;
  durability: string;
  /** True when an acknowledgement waits for fsync: compared with KiteMQ's SYNC_FLUSH run. */
  fsync: boolean;
  bin: string;
  start(): Promise<PeerServer>;
  driver(port: number, durability: string): Promise<Driver>;
}

export const PEERS: PeerSpec[] = [
  {
    system: 'NATS JetStream',
    durability: 'file storage; fsync on a timer (2.9 has no per-ack sync)',
    fsync: false,
    bin: NATS_BIN,
    start: startNats,
    driver: (port, dur) => NatsDriver.connect(port, dur),
  },
  {
    system: 'Redis Streams',
    durability: 'AOF, appendfsync everysec',
    fsync: false,
    bin: REDIS_BIN,
    start: () => startRedis('everysec'),
    driver: async (port, dur) => new RedisDriver(port, dur),
  },
  {
    system: 'Redis Streams',
    durability: 'AOF, appendfsync always (fsync before reply)',
    fsync: true,
    bin: REDIS_BIN,
    start: () => startRedis('always'),
    driver: async (port, dur) => new RedisDriver(port, dur),
  },
  {
    system: 'RabbitMQ',
    durability: 'durable quorum queue, publisher confirms (fsync before confirm)',
    fsync: true,
    bin: RABBIT_BIN,
    start: startRabbit,
    driver: (port, dur) => RabbitDriver.connect(port, dur),
  },
];

export type PeerResult = CoreResult & { fsync: boolean };

export async function runPeer(
  spec: PeerSpec,
  sizes: BenchSizes,
  hooks: CoreHooks = {},
): Promise<PeerResult> {
  const base = { system: spec.system, durability: spec.durability, fsync: spec.fsync };
  const why = missing(spec.bin);
  if (why !== undefined) return { ...base, note: why };
  let server: PeerServer;
  try {
    server = await spec.start();
  } catch (err) {
    return { ...base, note: `could not start: ${(err as Error).message.split('\n')[0]}` };
  }
  try {
    const driver = await spec.driver(server.port, spec.durability);
    try {
      return { ...(await runCore(driver, sizes, hooks)), ...base, version: server.version };
    } finally {
      await driver.close().catch(() => undefined);
    }
  } catch (err) {
    const note = `failed: ${(err as Error).message.split('\n')[0]}`;
    return { ...base, version: server.version, note };
  } finally {
    await server.stop();
  }
}

/**
 * Runs bench/peers/install.sh when a peer's server is missing (Debian's packages; root or sudo).
 * A failed install is reported and the run goes on: those peers get a "not installed" row.
 */
function installMissing(): void {
  if (PEERS.every((p) => missing(p.bin) === undefined)) return;
  const script = fileURLToPath(new URL('./install.sh', import.meta.url));
  console.error(`bench: installing missing peers with ${script}`);
  const r = spawnSync('bash', [script], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    console.error(`bench: ${script} failed (${r.status ?? r.signal}); missing peers are skipped`);
  }
}

export async function runPeers(sizes: BenchSizes, hooks: CoreHooks = {}): Promise<PeerResult[]> {
  installMissing();
  const out: PeerResult[] = [];
  for (const spec of PEERS) out.push(await runPeer(spec, sizes, hooks));
  return out;
}
