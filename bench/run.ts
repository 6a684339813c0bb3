// `npm run bench`: issue 6's scenarios against a name server and brokers this script starts from
// dist/ (one ASYNC_FLUSH broker, one SYNC_FLUSH broker for (f)), or against an existing cluster
// (-n), with our SDK as the client in this process, 1 KiB bodies. Prints one markdown table:
// figure, durability, target, verdict. --peers adds (a)-(d) against NATS JetStream, Redis
// Streams and RabbitMQ on servers it starts (bench/peers/), each figure as a ratio to KiteMQ.
//   npm run bench [-- --tiny] [-- --peers] [-- --e2e-in-process]
//                 [-- -n host:port [--sync-namesrv host:port] [--broker-pid <pid>]]
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { startBroker, startNamesrv } from '../test/harness/processes.js';
import { autoBatchRow } from './auto-batch.js';
import {
  type BenchSizes,
  type CoreResult,
  FULL_SIZES,
  PIPELINE_INFLIGHT,
  runCore,
  TINY_SIZES,
} from './core.js';
import { KiteMQDriver } from './kitemq-driver.js';
import { BrokerSampler, batches, manyTopics } from './kitemq-extra.js';
import { type PeerResult, runPeers } from './peers/run-peers.js';
import { formatPeers, PEERS_LEGEND } from './peers/table.js';
import { type BenchRow, coreRows, fmtMs, formatBench, int, verdict } from './report.js';
import { pctMs, pipelined } from './workload.js';

export type { BenchRow } from './report.js';
export { FULL_SIZES, formatBench, TINY_SIZES };

export interface BenchOptions {
  sizes: BenchSizes;
  /** Also run (a)-(d) against NATS JetStream, Redis Streams and RabbitMQ. */
  peers?: boolean;
  /** An existing cluster's name server instead of starting one (-n). */
  namesrvAddr?: string;
  /** With -n: a name server whose brokers run SYNC_FLUSH, for (f). */
  syncNamesrvAddr?: string;
  /** With -n: the broker process to sample for (h). */
  brokerPid?: number;
  /** (d)'s sender and receiver in the runner's process instead of two child processes. */
  e2eInProcess?: boolean;
}

export interface BenchReport {
  rows: BenchRow[];
  kiteAsync: CoreResult;
  kiteSync?: CoreResult;
  peers: PeerResult[];
}

interface Target {
  namesrvAddr: string;
  brokerAddr?: string;
  pid?: number;
  durability: string;
}

interface Setup {
  async: Target;
  sync?: Target;
  stop(): Promise<void>;
}

const SYNC_DURABILITY = 'SYNC_FLUSH (fdatasync before ack)';

/** A name server and two brokers from dist/ (1 GiB segments, as RocketMQ's default). */
async function ownCluster(): Promise<Setup> {
  const namesrv = await startNamesrv();
  const conf = { mapedFileSizeCommitLog: 1024 * 1024 * 1024 };
  const broker = await startBroker({ namesrvAddr: namesrv.addr, conf });
  const syncBroker = await startBroker({
    namesrvAddr: namesrv.addr,
    conf: { ...conf, brokerName: 'broker-sync', flushDiskType: 'SYNC_FLUSH' },
  });
  return {
    async: {
      namesrvAddr: namesrv.addr,
      brokerAddr: broker.addr,
      pid: broker.proc.pid,
      durability: 'ASYNC_FLUSH',
    },
    sync: { namesrvAddr: namesrv.addr, brokerAddr: syncBroker.addr, durability: SYNC_DURABILITY },
    async stop() {
      await syncBroker.stop();
      await broker.stop();
      await namesrv.stop();
    },
  };
}

function givenCluster(o: BenchOptions): Setup {
  const durability = "the cluster's own flushDiskType (-n)";
  return {
    async: { namesrvAddr: o.namesrvAddr!, pid: o.brokerPid, durability },
    sync: o.syncNamesrvAddr
      ? { namesrvAddr: o.syncNamesrvAddr, durability: `${SYNC_DURABILITY}, as --sync-namesrv's` }
      : undefined,
    stop: async () => {},
  };
}

const skipped = (scenario: string, durability: string, why: string): BenchRow => ({
  scenario,
  durability,
  figure: why,
  target: '',
  verdict: 'not run',
});

export async function runBench(o: BenchOptions): Promise<BenchReport> {
  const setup = o.namesrvAddr ? givenCluster(o) : await ownCluster();
  const rows: BenchRow[] = [];
  let kiteAsync: CoreResult;
  let kiteSync: CoreResult | undefined;
  try {
    const t = setup.async;
    const d = await KiteMQDriver.connect(t);
    let rowE: BenchRow;
    let rowE2: BenchRow;
    let rowG: BenchRow;
    try {
      const sampler = t.pid === undefined ? undefined : new BrokerSampler(t.pid);
      kiteAsync = await runCore(d, o.sizes, {
        beforeA: () => sampler?.start(),
        afterA: () => sampler?.stop(),
        e2eInProcess: o.e2eInProcess,
      });
      const [a, ...rest] = coreRows(kiteAsync);
      rows.push(a!);
      rows.push(await autoBatchRow(t, o.sizes.pipelined, kiteAsync.a)); // beside (a), not in it
      if (sampler) rows.push(...sampler.rows(o.sizes.pipelined, t.durability));
      else rows.push(skipped('(h) broker RSS and CPU', t.durability, 'no --broker-pid'));
      rows.push(...rest);
      console.error('bench: KiteMQ (e) batches');
      rowE = await batches(d, o.sizes);
      console.error("bench: KiteMQ (e') batches to a BatchCQ topic");
      rowE2 = await batches(d, o.sizes, true);
      console.error('bench: KiteMQ (g) many topics and groups');
      rowG = await manyTopics(d, t.namesrvAddr, o.sizes);
    } finally {
      await d.close();
    }
    if (setup.sync) kiteSync = await syncRun(setup.sync, o);
    rows.push(rowE, rowE2, syncRow(kiteSync), rowG);
  } finally {
    await setup.stop();
  }
  const peers = o.peers ? await runPeers(o.sizes, { e2eInProcess: o.e2eInProcess }) : [];
  return { rows, kiteAsync, kiteSync, peers };
}

/** (f): (a) against the SYNC_FLUSH broker; with --peers, (b)-(d) too, for the fsync peers. */
async function syncRun(t: Target, o: BenchOptions): Promise<CoreResult> {
  const d = await KiteMQDriver.connect(t);
  try {
    if (o.peers) return await runCore(d, o.sizes, { e2eInProcess: o.e2eInProcess });
    const topic = `BenchF_${process.pid}`;
    await d.prepare(topic);
    console.error('bench: KiteMQ (f) pipelined sends, SYNC_FLUSH');
    const a = await pipelined(d, topic, o.sizes.pipelined, PIPELINE_INFLIGHT);
    return { system: d.system, durability: d.durability, a };
  } finally {
    await d.close();
  }
}

function syncRow(r: CoreResult | undefined): BenchRow {
  const scenario = '(f) pipelined sends, 1,000 in flight';
  if (r === undefined) return skipped(scenario, SYNC_DURABILITY, 'no SYNC_FLUSH cluster given');
  if (r.a === undefined) return skipped(scenario, r.durability, r.note ?? '');
  return {
    scenario,
    durability: r.durability,
    figure: `${int(r.a.rate)} msg/s (p50 ${fmtMs(pctMs(r.a.h, 50))}, p99 ${fmtMs(pctMs(r.a.h, 99))})`,
    target: '≥ 50,000 msg/s',
    verdict: verdict(r.a.rate, 50_000, true),
  };
}

export function formatReport(r: BenchReport): string {
  const parts = [formatBench(r.rows)];
  if (r.peers.length > 0) {
    parts.push('', formatPeers(r.kiteAsync, r.kiteSync, r.peers), '', PEERS_LEGEND);
  }
  return parts.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      tiny: { type: 'boolean', default: false },
      peers: { type: 'boolean', default: false },
      namesrv: { type: 'string', short: 'n' },
      'sync-namesrv': { type: 'string' },
      'broker-pid': { type: 'string' },
      'e2e-in-process': { type: 'boolean', default: false },
    },
  });
  const load0 = loadavg();
  const t0 = performance.now();
  console.error(
    `bench: issue 6 scenarios${values.tiny ? ' (tiny)' : ''}${values.peers ? ' with peers' : ''}…`,
  );
  const report = await runBench({
    sizes: values.tiny ? TINY_SIZES : FULL_SIZES,
    peers: values.peers,
    namesrvAddr: values.namesrv,
    syncNamesrvAddr: values['sync-namesrv'],
    brokerPid: values['broker-pid'] ? Number(values['broker-pid']) : undefined,
    e2eInProcess: values['e2e-in-process'],
  });
  const load1 = loadavg();
  console.log(formatReport(report));
  const la = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  console.log(
    `\n${new Date().toISOString()}, Node ${process.version}, ` +
      `${((performance.now() - t0) / 1000).toFixed(0)} s, load average ${la(load0)} before, ` +
      `${la(load1)} after`,
  );
}
