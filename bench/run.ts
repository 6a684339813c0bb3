// `npm run bench`: issue 6's scenarios against a name server and brokers this script starts from
// dist/ (one ASYNC_FLUSH broker, one SYNC_FLUSH broker for (f)), with our SDK as the client in
// this process, 1 KiB bodies. Prints one markdown table: figure, durability, target, verdict.
// Peers (NATS, RabbitMQ, Redis) are not in this runner yet.
//   npm run bench [-- --tiny]
import { readFileSync } from 'node:fs';
import { createHistogram, performance, type RecordableHistogram } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Producer } from '../src/client/producer.js';
import { PushConsumer } from '../src/client/push-consumer.js';
import { silentLogger } from '../src/common/logger.js';
import {
  type BrokerHandle,
  type NamesrvHandle,
  startBroker,
  startNamesrv,
  uniqueName,
} from '../test/harness/processes.js';
import { createTopic } from '../test/harness/topics.js';

export interface BenchRow {
  scenario: string;
  durability: string;
  figure: string;
  target: string;
  verdict: string;
}

export interface BenchSizes {
  pipelined: number;
  single: number;
  e2eRate: number;
  e2eSeconds: number;
  batches: number;
  topics: number;
  perTopic: number;
}

const FULL: BenchSizes = {
  pipelined: 200_000,
  single: 20_000,
  e2eRate: 5_000,
  e2eSeconds: 10,
  batches: 3_000,
  topics: 100,
  perTopic: 100,
};
const TINY: BenchSizes = {
  pipelined: 2_000,
  single: 200,
  e2eRate: 500,
  e2eSeconds: 1,
  batches: 20,
  topics: 5,
  perTopic: 10,
};

const logger = silentLogger();
const BODY = Buffer.alloc(1024, 97);
const us = (h: RecordableHistogram, p: number) => h.percentile(p) / 1000;

/** Resident memory and CPU seconds (user + system) of a child process, from /proc. */
function procStats(pid: number): { rssMiB: number; cpuSec: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(stat[11]) + Number(stat[12]); // utime, stime (fields 14, 15)
  return { rssMiB: rssKiB / 1024, cpuSec: ticks / 100 };
}

function verdict(value: number, target: number, higherIsBetter: boolean): string {
  const ok = higherIsBetter ? value >= target : value <= target;
  if (ok) return 'met';
  const by = higherIsBetter ? (1 - value / target) * 100 : (value / target - 1) * 100;
  return `missed by ${by.toFixed(0)}%`;
}

async function producer(namesrv: NamesrvHandle): Promise<Producer> {
  const p = new Producer({
    namesrvAddr: namesrv.addr,
    producerGroup: uniqueName('BenchPG'),
    logger,
  });
  await p.start();
  return p;
}

/** `count` sends with `inflight` in flight; returns msgs/s and a latency histogram (ns). */
async function pipelined(p: Producer, topic: string, count: number, inflight: number) {
  const h = createHistogram();
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inflight }, async () => {
      while (next++ < count) {
        const t = performance.now();
        await p.send({ topic, body: BODY });
        h.record(Math.max(1, Math.round((performance.now() - t) * 1e6)));
      }
    }),
  );
  return { rate: count / ((performance.now() - t0) / 1000), h };
}

async function drain(namesrv: NamesrvHandle, topic: string, count: number): Promise<number> {
  let got = 0;
  const c = new PushConsumer({
    namesrvAddr: namesrv.addr,
    consumerGroup: uniqueName('BenchDrain'),
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    consumeThreadMax: 64,
    logger,
  });
  c.on('error', () => {});
  const t0 = performance.now();
  let done!: () => void;
  const finished = new Promise<void>((r) => {
    done = r;
  });
  c.subscribe(topic, '*').registerMessageListener((msgs) => {
    got += msgs.length;
    if (got >= count) done();
    return 'CONSUME_SUCCESS';
  });
  await c.start();
  await finished;
  const rate = count / ((performance.now() - t0) / 1000);
  await c.shutdown();
  return rate;
}

export async function runBench(sizes: BenchSizes): Promise<BenchRow[]> {
  const namesrv = await startNamesrv();
  const conf = { mapedFileSizeCommitLog: 1024 * 1024 * 1024 };
  const broker = await startBroker({ namesrvAddr: namesrv.addr, conf });
  const syncBroker = await startBroker({
    namesrvAddr: namesrv.addr,
    conf: { ...conf, brokerName: 'broker-sync', flushDiskType: 'SYNC_FLUSH' },
  });
  const rows: BenchRow[] = [];
  const add = (r: BenchRow) => rows.push(r);
  try {
    const pid = broker.proc.pid!;
    const idle = procStats(pid);
    const p = await producer(namesrv);
    // (a) pipelined sends, 1,000 in flight, sampling the broker's RSS meanwhile.
    const topicA = uniqueName('BenchA');
    await createTopic(broker.addr, namesrv.addr, topicA, 8);
    let peakRss = idle.rssMiB;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, procStats(pid).rssMiB);
    }, 200);
    const before = procStats(pid);
    const a = await pipelined(p, topicA, sizes.pipelined, 1_000);
    clearInterval(sampler);
    const cpuPer100k = ((procStats(pid).cpuSec - before.cpuSec) / sizes.pipelined) * 100_000;
    add({
      scenario: '(a) pipelined sends, 1,000 in flight',
      durability: 'ASYNC_FLUSH',
      figure: `${Math.round(a.rate)} msg/s (p50 ${us(a.h, 50).toFixed(0)} µs, p99 ${us(a.h, 99).toFixed(0)} µs)`,
      target: '≥ 80,000 msg/s',
      verdict: verdict(a.rate, 80_000, true),
    });
    add({
      scenario: '(h) broker CPU per 100k messages under (a)',
      durability: 'ASYNC_FLUSH',
      figure: `${cpuPer100k.toFixed(2)} CPU-s`,
      target: '≤ 0.8 CPU-s',
      verdict: verdict(cpuPer100k, 0.8, false),
    });
    add({
      scenario: '(h) broker RSS idle / peak under (a)',
      durability: 'ASYNC_FLUSH',
      figure: `${idle.rssMiB.toFixed(0)} MiB / ${peakRss.toFixed(0)} MiB`,
      target: '≤ 120 MiB / ≤ 400 MiB',
      verdict:
        idle.rssMiB <= 120 && peakRss <= 400
          ? 'met'
          : `${verdict(idle.rssMiB, 120, false)} / ${verdict(peakRss, 400, false)}`,
    });
    // (b) one send in flight.
    const b = await pipelined(p, topicA, sizes.single, 1);
    add({
      scenario: '(b) one send in flight',
      durability: 'ASYNC_FLUSH',
      figure: `${Math.round(b.rate)} msg/s (p50 ${us(b.h, 50).toFixed(0)} µs, p99 ${us(b.h, 99).toFixed(0)} µs)`,
      target: '≥ 10,000 msg/s, p99 ≤ 300 µs',
      verdict: `${verdict(b.rate, 10_000, true)}; p99 ${verdict(us(b.h, 99), 300, false)}`,
    });
    // (c) a consumer draining the backlog (a) and (b) left.
    const backlog = sizes.pipelined + sizes.single;
    const c = await drain(namesrv, topicA, backlog);
    add({
      scenario: `(c) consumer draining a ${backlog} backlog`,
      durability: 'ASYNC_FLUSH',
      figure: `${Math.round(c)} msg/s`,
      target: '≥ 200,000 msg/s',
      verdict: verdict(c, 200_000, true),
    });
    rows.push(...(await endToEnd(namesrv, broker, p, sizes)));
    // (e) batches of 64.
    const topicE = uniqueName('BenchE');
    await createTopic(broker.addr, namesrv.addr, topicE, 8);
    const batch = Array.from({ length: 64 }, () => ({ topic: topicE, body: BODY }));
    let sent = 0;
    const te = performance.now();
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (sent < sizes.batches) {
          sent++;
          await p.sendBatch(batch);
        }
      }),
    );
    const e = (sent * 64) / ((performance.now() - te) / 1000);
    add({
      scenario: '(e) batches of 64, 16 in flight',
      durability: 'ASYNC_FLUSH',
      figure: `${Math.round(e)} msg/s`,
      target: '≥ 500,000 msg/s',
      verdict: verdict(e, 500_000, true),
    });
    // (f) (a) against the SYNC_FLUSH broker.
    const topicF = uniqueName('BenchF');
    await createTopic(syncBroker.addr, namesrv.addr, topicF, 8);
    const f = await pipelined(p, topicF, Math.ceil(sizes.pipelined / 2), 1_000);
    add({
      scenario: '(f) pipelined sends, 1,000 in flight',
      durability: 'SYNC_FLUSH (fdatasync before ack)',
      figure: `${Math.round(f.rate)} msg/s (p99 ${(us(f.h, 99) / 1000).toFixed(1)} ms)`,
      target: '≥ 50,000 msg/s',
      verdict: verdict(f.rate, 50_000, true),
    });
    rows.push(await manyTopics(namesrv, broker, p, sizes));
    await p.shutdown();
  } finally {
    await syncBroker.stop();
    await broker.stop();
    await namesrv.stop();
  }
  return rows;
}

/** (d) a fixed send rate; latency from the producer's born time to the listener. */
async function endToEnd(
  namesrv: NamesrvHandle,
  broker: BrokerHandle,
  p: Producer,
  sizes: BenchSizes,
): Promise<BenchRow[]> {
  const topic = uniqueName('BenchD');
  await createTopic(broker.addr, namesrv.addr, topic, 8);
  const h = createHistogram();
  const seen = new Set<string>();
  const c = new PushConsumer({
    namesrvAddr: namesrv.addr,
    consumerGroup: uniqueName('BenchE2E'),
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    logger,
  });
  c.on('error', () => {});
  c.subscribe(topic, '*').registerMessageListener((msgs) => {
    for (const m of msgs) {
      if (seen.has(m.properties.seq!)) continue;
      seen.add(m.properties.seq!);
      h.record(Math.max(1, Math.round((Date.now() - m.bornTimestamp) * 1e6)));
    }
    return 'CONSUME_SUCCESS';
  });
  await c.start();
  const total = sizes.e2eRate * sizes.e2eSeconds;
  const acked: Promise<unknown>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / sizes.e2eRate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    acked.push(p.send({ topic, body: BODY, properties: { seq: String(i) } }));
  }
  const results = await Promise.allSettled(acked);
  const ok = results.filter((r) => r.status === 'fulfilled').length;
  const deadline = Date.now() + 5_000;
  while (seen.size < ok && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await c.shutdown();
  const lost = ok - seen.size;
  const p99 = us(h, 99) / 1000;
  const p999 = us(h, 99.9) / 1000;
  return [
    {
      scenario: `(d) end to end at ${sizes.e2eRate} msg/s for ${sizes.e2eSeconds} s`,
      durability: 'ASYNC_FLUSH',
      figure: `p50 ${(us(h, 50) / 1000).toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, p99.9 ${p999.toFixed(2)} ms, lost ${lost}`,
      target: 'p99 ≤ 2 ms, p99.9 ≤ 10 ms, 0 lost',
      verdict: `p99 ${verdict(p99, 2, false)}; p99.9 ${verdict(p999, 10, false)}; ${lost === 0 ? 'none lost' : `${lost} lost`}`,
    },
  ];
}

/** (g) many topics and groups: each of 10 groups subscribes a tenth of the topics. */
async function manyTopics(
  namesrv: NamesrvHandle,
  broker: BrokerHandle,
  p: Producer,
  sizes: BenchSizes,
): Promise<BenchRow> {
  const topics = Array.from({ length: sizes.topics }, () => uniqueName('BenchG'));
  for (const t of topics) await createTopic(broker.addr, namesrv.addr, t, 8);
  const groups = Math.min(10, sizes.topics);
  let got = 0;
  const want = sizes.topics * sizes.perTopic;
  const consumers = Array.from({ length: groups }, (_, g) => {
    const c = new PushConsumer({
      namesrvAddr: namesrv.addr,
      consumerGroup: uniqueName(`BenchG${g}`),
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      logger,
    });
    c.on('error', () => {});
    for (let i = g; i < topics.length; i += groups) c.subscribe(topics[i]!, '*');
    c.registerMessageListener((msgs) => {
      got += msgs.length;
      return 'CONSUME_SUCCESS';
    });
    return c;
  });
  await Promise.all(consumers.map((c) => c.start()));
  const t0 = performance.now();
  await Promise.all(
    topics.map(async (t) => {
      for (let i = 0; i < sizes.perTopic; i++) await p.send({ topic: t, body: BODY });
    }),
  );
  const deadline = Date.now() + 60_000;
  while (got < want && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const rate = got / ((performance.now() - t0) / 1000);
  await Promise.all(consumers.map((c) => c.shutdown()));
  return {
    scenario: `(g) ${sizes.topics} topics × 8 queues, ${groups} groups (a tenth each)`,
    durability: 'ASYNC_FLUSH',
    figure: `${got}/${want} consumed, ${Math.round(rate)} msg/s end to end`,
    target: 'all consumed',
    verdict: got >= want ? 'met' : `${want - got} not consumed`,
  };
}

export function formatBench(rows: BenchRow[]): string {
  return [
    '| scenario | durability | figure | target | verdict |',
    '|---|---|---|---|---|',
    ...rows.map(
      (r) => `| ${r.scenario} | ${r.durability} | ${r.figure} | ${r.target} | ${r.verdict} |`,
    ),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { tiny: { type: 'boolean', default: false } } });
  console.error(`bench: issue 6 scenarios${values.tiny ? ' (tiny)' : ''}…`);
  console.log(formatBench(await runBench(values.tiny ? TINY : FULL)));
}

export { FULL as FULL_SIZES, TINY as TINY_SIZES };
