// Many topics on one broker: creates N topics of 8 queues through the admin client
// (UPDATE_AND_CREATE_TOPIC to the broker, as `mqadmin updateTopic -b` does), `concurrency` creates
// outstanding, against a fresh name server and broker (separate processes, temp dirs). At each
// milestone it prints the create latency p50/p99 of the last 1,000 creates, the topic-list and
// route-lookup latency, and both processes' RSS. Then it times creates made one at a time at the
// final size, opens idle client connections and creates consumer groups, and prints the RSS each
// adds per connection and per group.
//   npx tsx bench/scale.ts [--topics 100000] [--concurrency 16] [--connections 10000]
//                          [--groups 1000] [--milestones 10]
import { createConnection, type Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { AdminClient } from '../src/client/admin.js';
import { updateSubscriptionGroup } from '../src/client/admin-groups.js';
import { silentLogger } from '../src/common/logger.js';
import { pollUntil } from '../test/harness/poll.js';
import { type BrokerHandle, startBroker, startNamesrv } from '../test/harness/processes.js';
import { procStats } from './kitemq-extra.js';

export interface ScaleOptions {
  topics: number;
  concurrency: number;
  connections: number;
  groups: number;
  milestones: number;
  /** Printed as it goes; the tiny test passes a no-op. */
  print?: (line: string) => void;
}

export interface Milestone {
  topics: number;
  elapsedSec: number;
  /** The last 1,000 creates (fewer in a tiny run). */
  createP50Ms: number;
  createP99Ms: number;
  createMaxMs: number;
  topicListMs: number;
  routeMs: number;
  brokerRssMiB: number;
  namesrvRssMiB: number;
}

export interface ScaleResult {
  topics: number;
  concurrency: number;
  totalSec: number;
  milestones: Milestone[];
  /** Creates one at a time at the final topic count. */
  finalCreateP50Ms: number;
  finalCreateP99Ms: number;
  connections: number;
  rssPerConnectionKiB: number;
  groups: number;
  rssPerGroupKiB: number;
  brokerRssMiB: number;
}

const WINDOW = 1000;
const FINAL_CREATES = 1000;

function pct(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const topicName = (i: number) => `ScaleTopic${String(i).padStart(7, '0')}`;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return ms(t0);
}

async function median(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) xs.push(await timed(fn));
  return pct(
    xs.sort((a, b) => a - b),
    50,
  );
}

/** RSS once it stopped moving (two reads 100 ms apart within 1%), or after 10 s. */
async function settledRss(pid: number): Promise<number> {
  let last = -1;
  return pollUntil(
    () => procStats(pid).rssMiB,
    (v) => {
      const still = last > 0 && Math.abs(v - last) / last < 0.01;
      last = v;
      return still;
    },
    10_000,
    100,
  );
}

async function openIdle(addr: string, n: number): Promise<Socket[]> {
  const [host, port] = addr.split(':') as [string, string];
  const socks: Socket[] = [];
  // In batches: a burst of 10,000 SYNs overflows the listen backlog.
  for (let i = 0; i < n; i += 500) {
    const batch = Array.from(
      { length: Math.min(500, n - i) },
      () =>
        new Promise<Socket>((resolve, reject) => {
          const s = createConnection({ host, port: Number(port) }, () => resolve(s));
          s.once('error', reject);
        }),
    );
    socks.push(...(await Promise.all(batch)));
  }
  return socks;
}

export async function runScaleBench(o: ScaleOptions): Promise<ScaleResult> {
  const print = o.print ?? ((l: string) => console.log(l));
  const env = { KITEMQ_LOG_LEVEL: 'warn' };
  const namesrv = await startNamesrv({ env });
  let broker: BrokerHandle | undefined;
  const admin = new AdminClient({ namesrvAddr: namesrv.addr, logger: silentLogger() });
  const socks: Socket[] = [];
  try {
    broker = await startBroker({
      namesrvAddr: namesrv.addr,
      env,
      conf: { autoCreateTopicEnable: false },
    });
    const b = broker;
    const create = (i: number) => admin.createTopic({ topic: topicName(i), brokerAddr: b.addr });
    const every = Math.max(1, Math.floor(o.topics / o.milestones));
    const milestones: Milestone[] = [];
    const window: number[] = [];
    let next = 0;
    // Creates pause while a milestone measures, so lookups are timed on an idle broker.
    let gate: Promise<void> = Promise.resolve();
    const t0 = process.hrtime.bigint();
    const worker = async () => {
      while (next < o.topics) {
        await gate;
        if (next >= o.topics) break;
        const i = next++;
        const t = process.hrtime.bigint();
        await create(i);
        window.push(ms(t));
        if (window.length > WINDOW) window.shift();
        if ((i + 1) % every === 0 || i + 1 === o.topics) {
          gate = milestone(i + 1);
          await gate;
        }
      }
    };
    const milestone = async (count: number) => {
      const sorted = [...window].sort((a, b) => a - b);
      const m: Milestone = {
        topics: count,
        elapsedSec: ms(t0) / 1000,
        createP50Ms: pct(sorted, 50),
        createP99Ms: pct(sorted, 99),
        createMaxMs: sorted.at(-1) ?? 0,
        topicListMs: await median(3, () => admin.getAllTopics()),
        routeMs: await median(21, () => admin.getTopicRoute(topicName(count - 1))),
        brokerRssMiB: procStats(b.proc.pid!).rssMiB,
        namesrvRssMiB: procStats(namesrv.proc.pid!).rssMiB,
      };
      milestones.push(m);
      print(
        `${String(m.topics).padStart(7)} topics  ${m.elapsedSec.toFixed(1)} s  create p50 ` +
          `${m.createP50Ms.toFixed(2)} ms p99 ${m.createP99Ms.toFixed(2)} ms max ` +
          `${m.createMaxMs.toFixed(0)} ms  topicList ` +
          `${m.topicListMs.toFixed(1)} ms  route ${m.routeMs.toFixed(2)} ms  RSS broker ` +
          `${m.brokerRssMiB.toFixed(0)} MiB namesrv ${m.namesrvRssMiB.toFixed(0)} MiB`,
      );
    };
    await Promise.all(Array.from({ length: o.concurrency }, worker));
    const totalSec = ms(t0) / 1000;
    print(`${o.topics} topics created in ${totalSec.toFixed(1)} s (concurrency ${o.concurrency})`);

    const finals: number[] = [];
    for (let i = 0; i < FINAL_CREATES; i++) finals.push(await timed(() => create(o.topics + i)));
    finals.sort((a, b) => a - b);
    const finalCreateP50Ms = pct(finals, 50);
    const finalCreateP99Ms = pct(finals, 99);
    print(
      `one create at a time at ${o.topics} topics: p50 ${finalCreateP50Ms.toFixed(2)} ms, ` +
        `p99 ${finalCreateP99Ms.toFixed(2)} ms`,
    );

    const pid = b.proc.pid!;
    const before = await settledRss(pid);
    socks.push(...(await openIdle(b.addr, o.connections)));
    const withConns = await settledRss(pid);
    const rssPerConnectionKiB = ((withConns - before) * 1024) / Math.max(1, o.connections);
    print(
      `${o.connections} idle connections: +${(withConns - before).toFixed(1)} MiB ` +
        `(${rssPerConnectionKiB.toFixed(1)} KiB each)`,
    );
    for (let g = 0; g < o.groups; g++) {
      await updateSubscriptionGroup(admin, b.addr, { groupName: `ScaleGroup${g}` });
    }
    const withGroups = await settledRss(pid);
    const rssPerGroupKiB = ((withGroups - withConns) * 1024) / Math.max(1, o.groups);
    print(
      `${o.groups} consumer groups: +${(withGroups - withConns).toFixed(1)} MiB ` +
        `(${rssPerGroupKiB.toFixed(1)} KiB each); broker RSS ${withGroups.toFixed(0)} MiB`,
    );
    return {
      topics: o.topics,
      concurrency: o.concurrency,
      totalSec,
      milestones,
      finalCreateP50Ms,
      finalCreateP99Ms,
      connections: o.connections,
      rssPerConnectionKiB,
      groups: o.groups,
      rssPerGroupKiB,
      brokerRssMiB: withGroups,
    };
  } finally {
    for (const s of socks) s.destroy();
    admin.close();
    await broker?.stop();
    await namesrv.stop();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      topics: { type: 'string', default: '100000' },
      concurrency: { type: 'string', default: '16' },
      connections: { type: 'string', default: '10000' },
      groups: { type: 'string', default: '1000' },
      milestones: { type: 'string', default: '10' },
    },
  });
  await runScaleBench({
    topics: Number(values.topics),
    concurrency: Number(values.concurrency),
    connections: Number(values.connections),
    groups: Number(values.groups),
    milestones: Number(values.milestones),
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
