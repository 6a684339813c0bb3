// kitemq bench producer|consumer|e2e: load tools with RocketMQ's benchmark flags (-n name server,
// -t topic, -s body size, -w in flight) plus --count or --duration, --batch (producer), --rate
// (e2e), --sync-flush. Without -n it starts its own broker (bench-broker.ts) whose flushDiskType
// --sync-flush sets; with -n the cluster's brokers keep theirs. A progress line every second on
// stderr (TPS, p50/p99, errors) and a summary with p50/p99/p99.9 from a histogram on stdout.
import { createHistogram, performance, type RecordableHistogram } from 'node:perf_hooks';
import { Producer } from '../client/producer.js';
import { PushConsumer } from '../client/push-consumer.js';
import { silentLogger } from '../common/logger.js';
import {
  CLIENT_OPTIONS,
  type CommandSpec,
  namesrvFlag,
  parseCommandLine,
  stringFlag,
  UsageError,
} from './args.js';
import { ensureTopic, type OwnBroker, startOwnBroker } from './bench-broker.js';

const OPTIONS = {
  ...CLIENT_OPTIONS,
  bodySize: { type: 'string', short: 's' },
  inflight: { type: 'string', short: 'w' },
  count: { type: 'string' },
  duration: { type: 'string' },
  batch: { type: 'string' },
  rate: { type: 'string' },
  'sync-flush': { type: 'boolean' },
} as const;

const DEFAULT_TOPIC = 'BenchmarkTest';
/** What a consumer run on its own broker drains when --count is not given. */
const DEFAULT_BACKLOG = 100_000;

const HELP = `Usage: kitemq bench <producer|consumer|e2e> [-n <namesrv>] [-t <topic>] [flags]
  -n <addr>        an existing cluster's name server (or NAMESRV_ADDR); without it, bench starts
                   its own name server and broker (kitemq standalone) on loopback, temp store
  -t <topic>       topic (default BenchmarkTest; created with 8 queues on bench's own broker)
  -s <bytes>       body size (default 1024)
  -w <n>           sends in flight (producer, default 256)
  -g <group>       consumer group (consumer, e2e; default a new one)
  --count <n>      stop after n messages      --duration <s>  or after s seconds (default 10)
  --batch <n>      producer: n messages per batch request
  --rate <n>       e2e: messages per second (default 1000)
  --sync-flush     bench's own broker runs flushDiskType=SYNC_FLUSH (fdatasync before each ack;
                   default ASYNC_FLUSH); with -n the brokers' own flushDiskType applies
A consumer on bench's own broker first fills the topic with --count messages (default 100000).`;

interface Run {
  namesrvAddr: string;
  topic: string;
  bodySize: number;
  inflight: number;
  group: string;
  count: number;
  durationMs: number;
  batch: number;
  rate: number;
}

function int(v: ReturnType<typeof parseCommandLine>, k: keyof typeof OPTIONS, d: number): number {
  const s = stringFlag(v, k);
  if (s === undefined) return d;
  if (!/^\d+$/.test(s)) throw new UsageError(`--${k} must be a whole number, got '${s}'`);
  return Number(s);
}

const ms = (h: RecordableHistogram, p: number) => (h.count ? h.percentile(p) / 1e6 : 0);

/** Prints a line a second: messages in the last second, latency so far, errors. */
function progress(label: string, counts: { n: number; errors: number }, h: RecordableHistogram) {
  let last = 0;
  const t = setInterval(() => {
    const tps = counts.n - last;
    last = counts.n;
    console.error(
      `${label}: ${tps} msg/s, p50 ${ms(h, 50).toFixed(2)} ms, p99 ${ms(h, 99).toFixed(2)} ms, errors ${counts.errors}`,
    );
  }, 1_000);
  t.unref();
  return () => clearInterval(t);
}

function summary(
  label: string,
  n: number,
  errors: number,
  elapsedMs: number,
  h: RecordableHistogram,
) {
  const tps = Math.round(n / (elapsedMs / 1000));
  console.log(
    `${label}: ${n} messages in ${(elapsedMs / 1000).toFixed(1)} s = ${tps} msg/s; ` +
      `latency p50 ${ms(h, 50).toFixed(2)} ms, p99 ${ms(h, 99).toFixed(2)} ms, ` +
      `p99.9 ${ms(h, 99.9).toFixed(2)} ms; errors ${errors}`,
  );
}

function newProducer(r: Run): Producer {
  return new Producer({
    namesrvAddr: r.namesrvAddr,
    producerGroup: `bench-${process.pid}`,
    logger: silentLogger(),
  });
}

/** -w loops of acknowledged sends (or batches) until --count messages or --duration. */
async function producer(r: Run, quiet = false): Promise<void> {
  const p = newProducer(r);
  await p.start();
  const h = createHistogram();
  const counts = { n: 0, errors: 0 };
  const body = Buffer.alloc(r.bodySize, 97);
  const batch = Array.from({ length: r.batch }, () => ({ topic: r.topic, body }));
  const stop = quiet ? () => {} : progress('producer', counts, h);
  const t0 = performance.now();
  let started = 0;
  const more = () => started < r.count && performance.now() - t0 < r.durationMs;
  await Promise.all(
    Array.from({ length: r.inflight }, async () => {
      while (more()) {
        started += r.batch;
        const t = performance.now();
        try {
          if (r.batch > 1) await p.sendBatch(batch);
          else await p.send({ topic: r.topic, body });
          counts.n += r.batch;
          h.record(Math.max(1, Math.round((performance.now() - t) * 1e6)));
        } catch {
          counts.errors++;
        }
      }
    }),
  );
  stop();
  if (!quiet) summary('producer', counts.n, counts.errors, performance.now() - t0, h);
  await p.shutdown();
}

const BORN = 'benchBorn';
const nowMs = () => performance.timeOrigin + performance.now();

/**
 * consumer: drains the topic from its first offset. e2e: a consumer from now on, then --rate
 * msg/s for --duration; latency is receive time − the born time the sender put in the message
 * (same clock); lost = acknowledged sends not received within 5 s.
 */
async function consume(r: Run, e2e: boolean): Promise<void> {
  const h = createHistogram();
  const counts = { n: 0, errors: 0 };
  const seen = new Set<string>();
  const c = new PushConsumer({
    namesrvAddr: r.namesrvAddr,
    consumerGroup: r.group,
    consumeFromWhere: e2e ? 'CONSUME_FROM_TIMESTAMP' : 'CONSUME_FROM_FIRST_OFFSET',
    consumeTimestamp: Date.now() - 1_000,
    consumeThreadMax: 64,
    logger: silentLogger(),
  });
  c.on('error', () => counts.errors++);
  const runId = `${process.pid}:`;
  c.subscribe(r.topic, '*').registerMessageListener((msgs) => {
    const now = nowMs();
    for (const m of msgs) {
      const stamp = m.properties[BORN];
      if (e2e && !stamp?.startsWith(runId)) continue; // only what this run sent
      if (e2e && seen.has(stamp!)) continue; // a redelivery
      if (e2e) seen.add(stamp!);
      const born = e2e ? Number(stamp!.split(':')[2]) : m.bornTimestamp;
      h.record(Math.max(1, Math.round((now - born) * 1e6)));
      counts.n++;
    }
    return 'CONSUME_SUCCESS';
  });
  const label = e2e ? 'e2e' : 'consumer';
  const stop = progress(label, counts, h);
  await c.start();
  const t0 = performance.now();
  if (e2e) {
    const { sent, acked } = await fixedRate(r, runId, counts);
    const grace = Date.now() + 5_000;
    while (counts.n < acked && Date.now() < grace) await new Promise((res) => setTimeout(res, 50));
    stop();
    summary(label, counts.n, counts.errors, performance.now() - t0, h);
    const lost = Math.max(0, acked - counts.n);
    console.log(`e2e: sent ${sent}, acked ${acked}, received ${counts.n}, lost ${lost}`);
  } else {
    while (counts.n < r.count && performance.now() - t0 < r.durationMs) {
      await new Promise((res) => setTimeout(res, 50));
    }
    stop();
    summary(label, counts.n, counts.errors, performance.now() - t0, h);
  }
  await c.shutdown();
}

/** e2e's sender: --rate msg/s for --duration (or --count), each stamped with its born time. */
async function fixedRate(r: Run, runId: string, counts: { errors: number }) {
  const p = newProducer(r);
  await p.start();
  const body = Buffer.alloc(r.bodySize, 97);
  const total = Math.min(r.count, Math.floor((r.durationMs / 1000) * r.rate));
  const acks: Promise<unknown>[] = [];
  let acked = 0;
  const t0 = performance.now();
  for (let seq = 0; seq < total; seq++) {
    const wait = t0 + (seq * 1000) / r.rate - performance.now();
    if (wait > 1) await new Promise((res) => setTimeout(res, wait));
    const stamp = `${runId}${seq}:${nowMs().toFixed(3)}`;
    const msg = { topic: r.topic, body, properties: { [BORN]: stamp } };
    acks.push(
      p.send(msg).then(
        () => acked++,
        () => counts.errors++,
      ),
    );
  }
  await Promise.all(acks);
  await p.shutdown();
  return { sent: total, acked };
}

export async function main(argv: readonly string[], name = 'kitemq bench'): Promise<void> {
  const [mode, ...rest] = argv;
  const spec: CommandSpec = { name, options: OPTIONS, help: HELP };
  let own: OwnBroker | undefined;
  try {
    if (!mode || mode === '-h' || mode === '--help') return void console.log(HELP);
    if (!['producer', 'consumer', 'e2e'].includes(mode)) {
      throw new UsageError(`unknown bench '${mode}': use producer, consumer or e2e`);
    }
    const v = parseCommandLine(spec, rest);
    if (v.help) return void console.log(HELP);
    let namesrvAddr = namesrvFlag(v);
    const syncFlush = v['sync-flush'] === true;
    if (namesrvAddr && syncFlush) {
      throw new UsageError(
        '--sync-flush sets the flushDiskType of the broker bench starts itself; with -n the ' +
          "cluster's brokers keep their own (set flushDiskType=SYNC_FLUSH in their broker.conf)",
      );
    }
    const topic = stringFlag(v, 'topic') ?? DEFAULT_TOPIC;
    let durability = "the cluster's flushDiskType";
    if (!namesrvAddr) {
      own = await startOwnBroker(syncFlush);
      namesrvAddr = own.namesrvAddr;
      durability = `${own.flushDiskType} (bench's own broker, pid ${own.pid})`;
      await ensureTopic(namesrvAddr, topic, 8);
    }
    const count = int(v, 'count', Number.MAX_SAFE_INTEGER);
    const run: Run = {
      namesrvAddr,
      topic,
      bodySize: int(v, 'bodySize', 1024),
      inflight: int(v, 'inflight', 256),
      group: stringFlag(v, 'group') ?? `bench-group-${process.pid}`,
      count: own && mode === 'consumer' ? Math.min(count, DEFAULT_BACKLOG) : count,
      durationMs: int(v, 'duration', own && mode === 'consumer' ? 600 : 10) * 1000,
      batch: Math.max(1, int(v, 'batch', 1)),
      rate: int(v, 'rate', 1_000),
    };
    console.error(`${name} ${mode}: topic ${topic} at ${namesrvAddr}, durability ${durability}`);
    if (mode === 'producer') await producer(run);
    else if (mode === 'consumer') {
      if (own) {
        console.error(`${name}: filling ${run.count} messages for the consumer to drain`);
        await producer({ ...run, inflight: 256, batch: 1, durationMs: 600_000 }, true);
      }
      await consume(run, false);
    } else await consume(run, true);
    console.log(`durability: ${durability}`);
  } catch (err) {
    console.error(`${name}: ${(err as Error).message}`);
    process.exitCode = 1;
  } finally {
    await own?.stop();
  }
}
