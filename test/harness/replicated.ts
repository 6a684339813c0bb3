// Master/slave clusters of real processes for replication tests: one name server, then N masters
// (broker-a, broker-b, …; brokerId 0), then one SLAVE per master (same brokerName, brokerId 1),
// all on free loopback ports with temp stores. Slaves start after their masters because a slave
// whose master is not registered refuses to start. Every broker binds haListenPort=0, also on
// restart, so a restarted master's new HA address reaches its slave through the name server
// (registerNameServerPeriod is short here for that reason).
//
//   const r = useReplicatedCluster({ pairs: 2, role: 'SYNC_MASTER', topics: [{ name: T }] });
//   await r.pairs[0].master.kill(); … await r.waitCaughtUp(0);
import { afterAll, beforeAll } from 'vitest';
import { silentLogger } from '../../src/common/logger.js';
import { createRequest } from '../../src/protocol/remoting-command.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { RemotingClient } from '../../src/remoting/remoting-client.js';
import { pollUntil } from './poll.js';
import {
  type BrokerHandle,
  type ConfValues,
  type NamesrvHandle,
  startBroker,
  startNamesrv,
} from './processes.js';
import { RawBroker } from './raw-protocol.js';
import { createTopic, waitForAsync } from './topics.js';

export interface ReplicatedOptions {
  /** Master/slave pairs; 1 by default. */
  pairs?: number;
  role?: 'ASYNC_MASTER' | 'SYNC_MASTER';
  /** Keys for every broker (flushDiskType, …). */
  brokerConfig?: ConfValues;
  masterConfig?: ConfValues;
  slaveConfig?: ConfValues;
  topics?: { name: string; queues?: number }[];
  /** SIGKILL instead of a clean stop at the end (faster when SYNC_FLUSH slows stops). */
  killOnStop?: boolean;
}

export interface ReplicaPair {
  readonly brokerName: string;
  readonly master: BrokerHandle;
  readonly slave: BrokerHandle;
  /** Raw requests to the master / slave (addresses read per call: restarts keep working). */
  readonly rawMaster: RawBroker;
  readonly rawSlave: RawBroker;
}

export interface ReplicatedCluster {
  readonly namesrv: NamesrvHandle;
  readonly namesrvAddr: string;
  readonly pairs: readonly ReplicaPair[];
  readonly client: RemotingClient;
  /** The broker's GET_BROKER_RUNTIME_INFO table. */
  runtimeInfo(addr: string): Promise<Record<string, string>>;
  /** Waits until pair i's slave has every byte of its master's commit log. */
  waitCaughtUp(i: number, timeoutMs?: number): Promise<void>;
  /** Creates a topic on every master and waits until each slave has it too (metadata sync). */
  createTopic(name: string, queues?: number): Promise<void>;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const DEADLINE_MS = 60_000;

/** Keys that make a test cluster notice changes in seconds rather than RocketMQ's tens. */
export const REPLICATION_TEST_CONF: ConfValues = {
  haListenPort: 0,
  registerNameServerPeriod: 1_000,
  haSendHeartbeatInterval: 1_000,
  haHousekeepingInterval: 10_000,
  slaveSyncInterval: 1_000,
};

export function useReplicatedCluster(opts: ReplicatedOptions = {}): ReplicatedCluster {
  const n = opts.pairs ?? 1;
  const role = opts.role ?? 'ASYNC_MASTER';
  const pairs: ReplicaPair[] = [];
  const started: BrokerHandle[] = [];
  let namesrv: NamesrvHandle | undefined;
  const client = new RemotingClient(silentLogger());

  const need = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('useReplicatedCluster: not started');
    return v;
  };

  async function runtimeInfo(addr: string): Promise<Record<string, string>> {
    const r = await client.invoke(addr, createRequest(RequestCode.GET_BROKER_RUNTIME_INFO, 0, {}));
    if (r.code !== 0 || r.body === undefined) throw new Error(`runtime info of ${addr}: ${r.code}`);
    const parsed = JSON.parse(r.body.toString('utf8')) as { table: Record<string, string> };
    return parsed.table;
  }

  async function maxPhy(addr: string): Promise<number> {
    return Number((await runtimeInfo(addr)).commitLogMaxOffset);
  }

  async function waitCaughtUp(i: number, timeoutMs = DEADLINE_MS): Promise<void> {
    const p = need(pairs[i]);
    let last: [number, number] = [-1, -2];
    await waitForAsync(
      async () => {
        last = [await maxPhy(p.master.addr), await maxPhy(p.slave.addr).catch(() => -1)];
        return last[0] === last[1];
      },
      timeoutMs,
      `the slave of ${p.brokerName} to catch up (master, slave: ${last.join(', ')})`,
    );
  }

  async function slaveHasTopic(p: ReplicaPair, topic: string): Promise<boolean> {
    const r = await p.rawSlave.call(RequestCode.GET_ALL_TOPIC_CONFIG, {});
    if (r.code !== 0 || r.body === undefined) return false;
    return r.body.toString('utf8').includes(`"${topic}"`);
  }

  async function create(name: string, queues = 4): Promise<void> {
    const ns = need(namesrv);
    for (const p of pairs) await createTopic(p.master.addr, ns.addr, name, queues);
    for (const p of pairs) {
      const has = await pollUntil(
        () => slaveHasTopic(p, name),
        (v) => v,
        DEADLINE_MS,
        100,
      );
      if (!has) throw new Error(`the slave of ${p.brokerName} never synced topic ${name}`);
    }
  }

  beforeAll(async () => {
    try {
      namesrv = await startNamesrv();
      const ns = namesrv.addr;
      const base = { ...REPLICATION_TEST_CONF, ...opts.brokerConfig };
      const names = Array.from({ length: n }, (_, i) => `broker-${LETTERS[i]}`);
      const masters = await Promise.all(
        names.map((brokerName) =>
          startBroker({
            namesrvAddr: ns,
            conf: { ...base, brokerName, brokerId: 0, brokerRole: role, ...opts.masterConfig },
          }),
        ),
      );
      started.push(...masters);
      const slaves = await Promise.all(
        names.map((brokerName) =>
          startBroker({
            namesrvAddr: ns,
            conf: { ...base, brokerName, brokerId: 1, brokerRole: 'SLAVE', ...opts.slaveConfig },
          }),
        ),
      );
      started.push(...slaves);
      for (let i = 0; i < n; i++) {
        const master = masters[i]!;
        const slave = slaves[i]!;
        pairs.push({
          brokerName: names[i]!,
          master,
          slave,
          rawMaster: new RawBroker(client, () => master.addr),
          rawSlave: new RawBroker(client, () => slave.addr),
        });
      }
      for (const t of opts.topics ?? []) await create(t.name, t.queues);
    } catch (err) {
      await stopAll();
      throw err;
    }
  });

  async function stopAll(): Promise<void> {
    client.close();
    await Promise.all(
      started.splice(0).map(async (b) => {
        if (opts.killOnStop) await b.kill();
        await b.stop();
      }),
    );
    await namesrv?.stop();
  }

  afterAll(stopAll);

  return {
    get namesrv() {
      return need(namesrv);
    },
    get namesrvAddr() {
      return need(namesrv).addr;
    },
    pairs,
    client,
    runtimeInfo,
    waitCaughtUp,
    createTopic: create,
  };
}
