// The clusters one console shows: one environment per name-server list (`-n` given more than
// once), each with its own AdminClient, kept for the life of the console, and a producer made on
// the first message sent from the console.
import { join } from 'node:path';
import { AdminClient } from '../client/admin.js';
import { Producer } from '../client/producer.js';
import type { Logger } from '../common/logger.js';
import type { ClusterInfo } from '../protocol/bodies/route-data.js';
import { EnvMonitor } from './collect/monitor.js';
import type { ConsoleEnvConfig } from './config.js';
import { ConsoleError } from './errors.js';

export const CONSOLE_PRODUCER_GROUP = 'KITEMQ_CONSOLE_PRODUCER';

/** Where environments keep their history and alert rules (<dataDir>/envs/<id>/), how often. */
export interface WatchOptions {
  readonly dataDir: string;
  readonly refreshIntervalMs: number;
}

export class ConsoleEnv {
  readonly id: string;
  readonly namesrvAddr: string;
  readonly admin: AdminClient;
  readonly monitor: EnvMonitor;
  private readonly logger: Logger;
  private producerStarted: Promise<Producer> | undefined;

  constructor(c: ConsoleEnvConfig, logger: Logger, watch: WatchOptions) {
    this.id = c.id;
    this.namesrvAddr = c.namesrvAddr;
    this.logger = logger;
    this.admin = new AdminClient({ namesrvAddr: c.namesrvAddr, logger });
    this.monitor = new EnvMonitor({
      admin: this.admin,
      namesrvAddr: c.namesrvAddr,
      dir: join(watch.dataDir, 'envs', c.id),
      refreshIntervalMs: watch.refreshIntervalMs,
      logger,
    });
  }

  producer(): Promise<Producer> {
    this.producerStarted ??= (async () => {
      const p = new Producer({
        namesrvAddr: this.namesrvAddr,
        producerGroup: CONSOLE_PRODUCER_GROUP,
        logger: this.logger,
      });
      await p.start();
      return p;
    })();
    // A failed start is not kept: the next send tries again.
    this.producerStarted.catch(() => {
      this.producerStarted = undefined;
    });
    return this.producerStarted;
  }

  /** The broker addresses the name server knows: the console talks to no others. */
  async knownBroker(addr: string, info?: ClusterInfo): Promise<void> {
    const cluster = info ?? (await this.admin.getClusterInfo());
    const all = Object.values(cluster.brokerAddrTable).flatMap((b) => Object.values(b.brokerAddrs));
    if (!all.includes(addr)) {
      throw new ConsoleError(
        'NOT_FOUND',
        `${addr} is not a broker of environment ${this.id} (known: ${all.join(', ') || 'none'})`,
      );
    }
  }

  async close(): Promise<void> {
    await this.monitor.stop();
    const p = await this.producerStarted?.catch(() => undefined);
    await p?.shutdown();
    this.admin.close();
  }
}

export class Environments {
  private readonly byId: ReadonlyMap<string, ConsoleEnv>;

  constructor(configs: readonly ConsoleEnvConfig[], logger: Logger, watch: WatchOptions) {
    if (configs.length === 0) throw new ConsoleError('BAD_REQUEST', 'no name server configured');
    this.byId = new Map(configs.map((c) => [c.id, new ConsoleEnv(c, logger, watch)]));
    for (const e of this.byId.values()) e.monitor.start();
  }

  list(): { id: string; namesrvAddr: string }[] {
    return [...this.byId.values()].map((e) => ({ id: e.id, namesrvAddr: e.namesrvAddr }));
  }

  /** The environment named by ?env=, the first when none is named. */
  get(id: unknown): ConsoleEnv {
    if (id === undefined || id === '') return this.byId.values().next().value as ConsoleEnv;
    const env = typeof id === 'string' ? this.byId.get(id) : undefined;
    if (!env) {
      const known = [...this.byId.keys()].join(', ');
      throw new ConsoleError('NOT_FOUND', `no environment ${String(id)} (known: ${known})`);
    }
    return env;
  }

  async close(): Promise<void> {
    await Promise.all([...this.byId.values()].map((e) => e.close()));
  }
}

/** fn over items with at most `limit` in flight, results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
