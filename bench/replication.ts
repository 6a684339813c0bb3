// What replication costs, in one run, on real processes started here (built dist/), our SDK's
// Producer in this process, 1 KiB bodies, `inflight` sends outstanding (scenario (a)'s shape):
//   no slave         ASYNC_MASTER alone
//   ASYNC_MASTER     with one slave following it
//   SYNC_MASTER      with one slave: SEND_OK only once the slave has the bytes
// Each row: acknowledged sends/s, send p50/p99, the largest replication lag seen while sending
// (master's commit-log end − slave's, sampled every 50 ms, in bytes) and how long the slave
// took to catch up after the last ack. Setups run one after another so they never compete.
//   npx tsx bench/replication.ts [-n 20000] [--inflight 256] [--flush ASYNC_FLUSH|SYNC_FLUSH]
//                                [--tiny]
import { createHistogram } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Producer } from '../src/client/producer.js';
import { silentLogger } from '../src/common/logger.js';
import { createRequest } from '../src/protocol/remoting-command.js';
import { RequestCode } from '../src/protocol/request-code.js';
import { RemotingClient } from '../src/remoting/remoting-client.js';
import { type BrokerHandle, startBroker, startNamesrv } from '../test/harness/processes.js';
import { createTopic, waitForAsync } from '../test/harness/topics.js';
import { BODY_1KIB, nowMs, pctMs, recordMs } from './workload.js';

const logger = silentLogger();
const QUEUES = 8;
const LAG_SAMPLE_MS = 50;

export type ReplicationSetup = 'no slave' | 'ASYNC_MASTER' | 'SYNC_MASTER';
export const SETUPS: readonly ReplicationSetup[] = ['no slave', 'ASYNC_MASTER', 'SYNC_MASTER'];

export interface ReplicationBenchOptions {
  messages: number;
  inflight: number;
  flushDiskType: 'ASYNC_FLUSH' | 'SYNC_FLUSH';
  setups?: readonly ReplicationSetup[];
}

export interface ReplicationRow {
  setup: ReplicationSetup;
  messages: number;
  acked: number;
  perSecond: number;
  sendP50Ms: number;
  sendP99Ms: number;
  /** Largest master − slave commit-log gap sampled while sending; undefined without a slave. */
  maxLagBytes: number | undefined;
  /** From the last ack until the slave had every byte; undefined without a slave. */
  catchUpMs: number | undefined;
}

async function maxPhy(client: RemotingClient, addr: string): Promise<number> {
  const r = await client.invoke(addr, createRequest(RequestCode.GET_BROKER_RUNTIME_INFO, 0, {}));
  if (r.code !== 0 || r.body === undefined) throw new Error(`runtime info of ${addr}: ${r.code}`);
  const { table } = JSON.parse(r.body.toString('utf8')) as { table: Record<string, string> };
  return Number(table.commitLogMaxOffset);
}

async function runSetup(
  setup: ReplicationSetup,
  o: ReplicationBenchOptions,
  client: RemotingClient,
): Promise<ReplicationRow> {
  const namesrv = await startNamesrv();
  const brokers: BrokerHandle[] = [];
  const producer = new Producer({ namesrvAddr: namesrv.addr, producerGroup: 'BenchRepl', logger });
  try {
    const common = { flushDiskType: o.flushDiskType, haListenPort: 0, brokerName: 'broker-a' };
    const role = setup === 'SYNC_MASTER' ? 'SYNC_MASTER' : 'ASYNC_MASTER';
    const master = await startBroker({
      namesrvAddr: namesrv.addr,
      conf: { ...common, brokerId: 0, brokerRole: role },
    });
    brokers.push(master);
    const slave =
      setup === 'no slave'
        ? undefined
        : await startBroker({
            namesrvAddr: namesrv.addr,
            conf: { ...common, brokerId: 1, brokerRole: 'SLAVE' },
          });
    if (slave) brokers.push(slave);
    const topic = `BenchRepl_${process.pid}`;
    await createTopic(master.addr, namesrv.addr, topic, QUEUES);
    await producer.start();
    // Warm-up: connections, route, and (SYNC) a slave that acks.
    for (let i = 0; i < 20; i++) await producer.send({ topic, body: BODY_1KIB });

    let maxLag = 0;
    let sampling = slave !== undefined;
    const sampler = (async () => {
      while (sampling && slave) {
        const [m, s] = await Promise.all([maxPhy(client, master.addr), maxPhy(client, slave.addr)]);
        maxLag = Math.max(maxLag, m - s);
        await new Promise((r) => setTimeout(r, LAG_SAMPLE_MS));
      }
    })();
    const h = createHistogram();
    let next = 0;
    let acked = 0;
    const t0 = nowMs();
    await Promise.all(
      Array.from({ length: Math.min(o.inflight, o.messages) }, async () => {
        while (next < o.messages) {
          next++;
          const t = nowMs();
          const res = await producer.send({ topic, body: BODY_1KIB });
          recordMs(h, nowMs() - t);
          if (res.sendStatus === 'SEND_OK') acked++;
        }
      }),
    );
    const tEnd = nowMs();
    sampling = false;
    await sampler;
    let catchUpMs: number | undefined;
    if (slave) {
      const end = await maxPhy(client, master.addr);
      await waitForAsync(
        async () => (await maxPhy(client, slave.addr)) >= end,
        120_000,
        `${setup}: the slave to catch up`,
      );
      catchUpMs = nowMs() - tEnd;
    }
    return {
      setup,
      messages: o.messages,
      acked,
      perSecond: o.messages / ((tEnd - t0) / 1000),
      sendP50Ms: pctMs(h, 50),
      sendP99Ms: pctMs(h, 99),
      maxLagBytes: slave ? maxLag : undefined,
      catchUpMs,
    };
  } finally {
    await producer.shutdown();
    for (const b of brokers.reverse()) await b.stop();
    await namesrv.stop();
  }
}

export async function runReplicationBench(o: ReplicationBenchOptions): Promise<ReplicationRow[]> {
  const client = new RemotingClient(logger);
  try {
    const rows: ReplicationRow[] = [];
    for (const setup of o.setups ?? SETUPS) rows.push(await runSetup(setup, o, client));
    return rows;
  } finally {
    client.close();
  }
}

const ms = (v: number) => v.toFixed(v < 10 ? 2 : 1);
const opt = (v: number | undefined, f: (v: number) => string) => (v === undefined ? '–' : f(v));

export function formatReplicationRows(rows: ReplicationRow[], flush: string): string {
  const head =
    `| setup (${flush}) | messages | SEND_OK | per s | send p50 ms | send p99 ms | ` +
    'max lag KiB | catch-up ms |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |';
  const line = (r: ReplicationRow) =>
    `| ${r.setup} | ${r.messages} | ${r.acked} | ${Math.round(r.perSecond)} | ` +
    `${ms(r.sendP50Ms)} | ${ms(r.sendP99Ms)} | ` +
    `${opt(r.maxLagBytes, (v) => (v / 1024).toFixed(0))} | ${opt(r.catchUpMs, (v) => v.toFixed(0))} |`;
  return [head, ...rows.map(line)].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      n: { type: 'string', short: 'n' },
      inflight: { type: 'string' },
      flush: { type: 'string' },
      tiny: { type: 'boolean' },
    },
  });
  const flush = values.flush === 'SYNC_FLUSH' ? 'SYNC_FLUSH' : 'ASYNC_FLUSH';
  const o: ReplicationBenchOptions = {
    messages: values.tiny ? 300 : Number(values.n ?? 20_000),
    inflight: Number(values.inflight ?? 256),
    flushDiskType: flush,
  };
  console.error(
    `replication: ${o.messages} sends of 1 KiB, ${o.inflight} in flight, ${flush}, per setup: ` +
      `${SETUPS.join(', ')}…`,
  );
  console.log(formatReplicationRows(await runReplicationBench(o), flush));
}
