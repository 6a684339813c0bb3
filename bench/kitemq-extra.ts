// The KiteMQ-only scenarios of issue 6: (e) batch sends of 64, (g) 100 topics × 8 queues read by
// 10 consumer groups, and (h) the broker's RSS and CPU seconds from /proc.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { PushConsumer } from '../src/client/push-consumer.js';
import { silentLogger } from '../src/common/logger.js';
import { type BenchSizes, destName } from './core.js';
import type { KiteMQDriver } from './kitemq-driver.js';
import { type BenchRow, int, verdict } from './report.js';
import { BODY_1KIB } from './workload.js';

const logger = silentLogger();
const BATCH = 64;
const BATCH_INFLIGHT = 16;

/** Resident memory and CPU seconds (user + system) of a process, from /proc. */
export function procStats(pid: number): { rssMiB: number; cpuSec: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15)
  return { rssMiB: rssKiB / 1024, cpuSec: ticks / 100 };
}

/** Samples a broker around (a): idle RSS, peak RSS every 200 ms, CPU seconds used. */
export class BrokerSampler {
  private idle = 0;
  private peak = 0;
  private cpu0 = 0;
  private cpu = 0;
  private timer: NodeJS.Timeout | undefined;

  private readonly pid: number;

  constructor(pid: number) {
    this.pid = pid;
  }

  start(): void {
    const s = procStats(this.pid);
    this.idle = this.peak = s.rssMiB;
    this.cpu0 = s.cpuSec;
    this.timer = setInterval(() => {
      this.peak = Math.max(this.peak, procStats(this.pid).rssMiB);
    }, 200);
  }

  stop(): void {
    clearInterval(this.timer);
    const s = procStats(this.pid);
    this.peak = Math.max(this.peak, s.rssMiB);
    this.cpu = s.cpuSec - this.cpu0;
  }

  rows(messages: number, durability: string): BenchRow[] {
    const per100k = (this.cpu / messages) * 100_000;
    const rss =
      this.idle <= 120 && this.peak <= 400
        ? 'met'
        : `${verdict(this.idle, 120, false)} / ${verdict(this.peak, 400, false)}`;
    return [
      {
        scenario: '(h) broker CPU per 100k messages under (a)',
        durability,
        figure: `${per100k.toFixed(2)} CPU-s (${this.cpu.toFixed(1)} s for ${int(messages)})`,
        target: '≤ 0.8 CPU-s',
        verdict: verdict(per100k, 0.8, false),
      },
      {
        scenario: '(h) broker RSS idle / peak under (a)',
        durability,
        figure: `${this.idle.toFixed(0)} MiB / ${this.peak.toFixed(0)} MiB`,
        target: '≤ 120 MiB / ≤ 400 MiB',
        verdict: rss,
      },
    ];
  }
}

/**
 * (e) batches of 64 messages, 16 batches in flight; (e') the same to a BatchCQ topic, where the
 * broker stores each batch as one inner-batch record with one consume-queue unit.
 */
export async function batches(
  d: KiteMQDriver,
  sizes: BenchSizes,
  batchCq = false,
): Promise<BenchRow> {
  const topic = destName(batchCq ? 'BenchEBcq' : 'BenchE');
  await d.prepare(topic, batchCq ? '+queue.type=BatchCQ' : undefined);
  const batch = Array.from({ length: BATCH }, () => ({ topic, body: BODY_1KIB }));
  let sent = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: BATCH_INFLIGHT }, async () => {
      while (sent < sizes.batches) {
        sent++;
        await d.producer.sendBatch(batch);
      }
    }),
  );
  const rate = (sent * BATCH) / ((performance.now() - t0) / 1000);
  return {
    scenario: batchCq
      ? `(e') batches of ${BATCH}, BatchCQ topic`
      : `(e) batches of ${BATCH}, ${BATCH_INFLIGHT} in flight`,
    durability: d.durability,
    figure: `${int(rate)} msg/s`,
    target: '≥ 500,000 msg/s',
    verdict: verdict(rate, 500_000, true),
  };
}

/** (g) `sizes.topics` topics of 8 queues; each of 10 groups subscribes every topic. */
export async function manyTopics(
  d: KiteMQDriver,
  namesrvAddr: string,
  sizes: BenchSizes,
): Promise<BenchRow> {
  const topics = Array.from({ length: sizes.topics }, () => destName('BenchG'));
  for (const t of topics) await d.prepare(t);
  const groups = 10;
  let got = 0;
  const want = sizes.topics * sizes.perTopic * groups;
  const consumers = Array.from({ length: groups }, (_, g) => {
    const c = new PushConsumer({
      namesrvAddr,
      consumerGroup: destName(`BenchG${g}`),
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      logger,
    });
    c.on('error', () => {});
    for (const t of topics) c.subscribe(t, '*');
    c.registerMessageListener((msgs) => {
      got += msgs.length;
      return 'CONSUME_SUCCESS';
    });
    return c;
  });
  await Promise.all(consumers.map((c) => c.start()));
  const t0 = performance.now();
  await Promise.all(
    topics.map(async (topic) => {
      for (let i = 0; i < sizes.perTopic; i++) await d.producer.send({ topic, body: BODY_1KIB });
    }),
  );
  const deadline = Date.now() + 60_000;
  while (got < want && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const rate = got / ((performance.now() - t0) / 1000);
  await Promise.all(consumers.map((c) => c.shutdown()));
  return {
    scenario: `(g) ${sizes.topics} topics × 8 queues, ${groups} groups each reading all`,
    durability: d.durability,
    figure: `${int(got)}/${int(want)} deliveries, ${int(rate)} msg/s delivered`,
    target: 'all delivered',
    verdict: got >= want ? 'met' : `${int(want - got)} not delivered in 60 s`,
  };
}
