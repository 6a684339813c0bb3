// One name-server/broker fixture per test file: useCluster() registers the vitest hooks itself
// and hands back a handle whose fields are filled in by its beforeAll.
//
//   const c = useCluster({ brokerConfig: { flushDiskType: 'SYNC_FLUSH' }, topics: [{ name: T }] });
//   it('…', async () => { await c.raw.send(T, 0, 'x'); await c.broker.restart(); … });
//
// beforeAll starts the name servers, then the brokers (in parallel, each registering with every
// name server), creates the topics on their brokers and waits until every name server routes
// each topic to all of them (polled, never slept). afterAll closes the shared RemotingClient,
// stops the brokers and then the name servers and removes their temp dirs; a beforeAll that fails
// half-way stops what it had started before it rethrows. Hooks run in vitest's "stack" order:
// a file's beforeAll registered before useCluster() runs first (mount a store dir) and its
// afterAll last (unmount); one registered after runs once the cluster is up, and its afterAll
// first, so a file closes its clients before the brokers go. Processes bind port 0 and keep
// their port across restart() (test/harness/processes.ts).
import { afterAll, beforeAll } from 'vitest';
import { silentLogger } from '../../src/common/logger.js';
import { decodeTopicRouteData } from '../../src/protocol/bodies/route-data.js';
import { createRequest } from '../../src/protocol/remoting-command.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { RemotingClient } from '../../src/remoting/remoting-client.js';
import {
  type BrokerHandle,
  type ConfValues,
  type NamesrvHandle,
  startBroker,
  startNamesrv,
} from './processes.js';
import { RawBroker } from './raw-protocol.js';
import { createTopic, waitForAsync } from './topics.js';

export interface ClusterBroker {
  /** This broker's own keys, written after ClusterOptions.brokerConfig. */
  conf?: ConfValues;
  env?: Record<string, string>;
  /** A store dir the file made (read when the broker starts); never deleted by the harness. */
  storeDir?: () => string;
  /** SIGKILL before the final stop: a clean stop would wait out a slowed fdatasync per file. */
  killOnStop?: boolean;
}

export interface ClusterTopic {
  name: string;
  /** Read and write queues on each broker; 4 by default, as createTopic. */
  queues?: number;
  /** Indexes into the brokers; every broker by default. */
  on?: number[];
}

export interface ClusterOptions {
  /** Name servers every broker registers with; 1 by default. */
  namesrvs?: number;
  /** Also start a name server no broker registers with (Cluster.spareNamesrv). */
  spareNamesrv?: boolean;
  /** A count, or one spec per broker; 1 by default. Several brokers are named broker-a, -b, … */
  brokers?: number | ClusterBroker[];
  /** Keys for every broker's broker.conf (flushDiskType, messageDelayLevel, …). */
  brokerConfig?: ConfValues;
  topics?: ClusterTopic[];
}

export interface Cluster {
  /** The first name server. */
  readonly namesrv: NamesrvHandle;
  readonly namesrvs: readonly NamesrvHandle[];
  /** Every name server, host:port;host:port, as clients and brokers take it. */
  readonly namesrvAddr: string;
  readonly spareNamesrv: NamesrvHandle;
  /** The first broker (restart(), kill(), confPath, output()). */
  readonly broker: BrokerHandle;
  readonly brokers: readonly BrokerHandle[];
  readonly brokerAddr: string;
  /** The first broker's storePathRootDir. */
  readonly storeDir: string;
  /** A RemotingClient closed in afterAll. */
  readonly client: RemotingClient;
  /** Raw requests to the first broker (its address is read per call, so restarts keep working). */
  readonly raw: RawBroker;
  /** Raw requests to brokers[i]. */
  rawTo(i: number): RawBroker;
  /** Creates a topic on brokers (all by default) and waits until every name server routes it. */
  createTopic(name: string, queues?: number, on?: number[]): Promise<void>;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const ROUTE_DEADLINE_MS = 30_000;

function brokerSpecs(opts: ClusterOptions): ClusterBroker[] {
  const b = opts.brokers ?? 1;
  return typeof b === 'number' ? Array.from({ length: b }, () => ({})) : b;
}

/** Starts every promise, waits for all, and throws the first failure once all have settled. */
async function settleAll<T>(starts: Promise<T>[], into: T[]): Promise<void> {
  const results = await Promise.allSettled(starts);
  for (const r of results) if (r.status === 'fulfilled') into.push(r.value);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
}

export function useCluster(opts: ClusterOptions = {}): Cluster {
  const specs = brokerSpecs(opts);
  const namesrvs: NamesrvHandle[] = [];
  const brokers: BrokerHandle[] = [];
  const spare: NamesrvHandle[] = [];
  const raws = new Map<number, RawBroker>();
  let client: RemotingClient | undefined;
  let started = false;

  const need = <T>(value: T | undefined, what: string): T => {
    if (!started || value === undefined) throw new Error(`useCluster: ${what} is not started`);
    return value;
  };
  const namesrvAddr = () =>
    need(namesrvs[0], 'the name server') && namesrvs.map((n) => n.addr).join(';');
  const remoting = () => {
    client ??= new RemotingClient(silentLogger());
    return client;
  };
  const rawTo = (i: number): RawBroker => {
    need(brokers[i], `broker ${i}`);
    let raw = raws.get(i);
    if (raw === undefined) {
      raw = new RawBroker(remoting(), () => brokers[i]!.addr);
      raws.set(i, raw);
    }
    return raw;
  };

  async function routedEverywhere(topic: string, brokerNames: string[]): Promise<boolean> {
    for (const ns of namesrvs) {
      const r = await remoting().invoke(
        ns.addr,
        createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, 0, { topic }),
      );
      if (r.code !== 0 || r.body === undefined) return false;
      const routed = new Set(decodeTopicRouteData(r.body).brokerDatas.map((b) => b.brokerName));
      if (!brokerNames.every((name) => routed.has(name))) return false;
    }
    return true;
  }

  async function create(name: string, queues = 4, on?: number[]): Promise<void> {
    const targets = (on ?? brokers.map((_, i) => i)).map((i) => need(brokers[i], `broker ${i}`));
    for (const b of targets) await createTopic(b.addr, namesrvs[0]!.addr, name, queues);
    await waitForAsync(
      () =>
        routedEverywhere(
          name,
          targets.map((b) => b.brokerName),
        ),
      ROUTE_DEADLINE_MS,
      `every name server to route ${name} to ${targets.map((b) => b.brokerName).join(', ')}`,
    );
  }

  async function stopAll(): Promise<void> {
    client?.close();
    client = undefined;
    raws.clear();
    await Promise.all(
      brokers.splice(0).map(async (b, i) => {
        if (specs[i]?.killOnStop) await b.kill();
        await b.stop();
      }),
    );
    await Promise.all([...namesrvs.splice(0), ...spare.splice(0)].map((n) => n.stop()));
  }

  beforeAll(async () => {
    started = true;
    try {
      const count = opts.namesrvs ?? 1;
      await settleAll(
        Array.from({ length: count }, () => startNamesrv()),
        namesrvs,
      );
      if (opts.spareNamesrv) await settleAll([startNamesrv()], spare);
      const list = namesrvs.map((n) => n.addr).join(';');
      const starts = specs.map((spec, i) => {
        const named: ConfValues = specs.length > 1 ? { brokerName: `broker-${LETTERS[i]}` } : {};
        return startBroker({
          namesrvAddr: list,
          conf: { ...named, ...opts.brokerConfig, ...spec.conf },
          ...(spec.env !== undefined ? { env: spec.env } : {}),
          ...(spec.storeDir !== undefined ? { storeDir: spec.storeDir() } : {}),
        });
      });
      // Kept in spec order, so brokers[i] is specs[i] (settleAll pushes in order of the list).
      await settleAll(starts, brokers);
      for (const t of opts.topics ?? []) await create(t.name, t.queues, t.on);
    } catch (err) {
      await stopAll();
      throw err;
    }
  });

  afterAll(stopAll);

  return {
    get namesrv() {
      return need(namesrvs[0], 'the name server');
    },
    get namesrvs() {
      return namesrvs;
    },
    get namesrvAddr() {
      return namesrvAddr();
    },
    get spareNamesrv() {
      return need(spare[0], 'the spare name server');
    },
    get broker() {
      return need(brokers[0], 'the broker');
    },
    get brokers() {
      return brokers;
    },
    get brokerAddr() {
      return need(brokers[0], 'the broker').addr;
    },
    get storeDir() {
      return need(brokers[0], 'the broker').storeDir;
    },
    get client() {
      return remoting();
    },
    get raw() {
      return rawTo(0);
    },
    rawTo,
    createTopic: create,
  };
}
