// kitemq bench producer|consumer|e2e: load tools against an existing cluster, with RocketMQ's
// benchmark flags (-n name server, -t topic, -s body size, -w in flight) plus --count or
// --duration, --batch (producer), --rate (e2e). A progress line every second on stderr (TPS,
// p50/p99, errors) and a summary with p50/p99/p99.9 from a histogram on stdout.
import { createHistogram, performance, type RecordableHistogram } from 'node:perf_hooks';
import { Producer } from '../client/producer.js';
import { PushConsumer } from '../client/push-consumer.js';
import { silentLogger } from '../common/logger.js';
import { type CommandSpec, HELP_OPTION, parseCommandLine, stringFlag, UsageError } from './args.js';

const OPTIONS = {
  ...HELP_OPTION,
  namesrvAddr: { type: 'string', short: 'n' },
  topic: { type: 'string', short: 't' },
  bodySize: { type: 'string', short: 's' },
  inflight: { type: 'string', short: 'w' },
  group: { type: 'string', short: 'g' },
  count: { type: 'string' },
  duration: { type: 'string' },
  batch: { type: 'string' },
  rate: { type: 'string' },
} as const;

const HELP = `Usage: kitemq bench <producer|consumer|e2e> -n <namesrv> -t <topic> [flags]
  -s <bytes>       body size (default 1024)
  -w <n>           sends in flight (producer, default 256)
  -g <group>       consumer group (consumer, e2e; default a new one)
  --count <n>      stop after n messages      --duration <s>  or after s seconds (default 10)
  --batch <n>      producer: n messages per batch request
  --rate <n>       e2e: messages per second (default 1000)`;

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
  console.log(
    `${label}: ${n} messages in ${(elapsedMs / 1000).toFixed(1)} s = ${Math.round(n / (elapsedMs / 1000))} msg/s; ` +
      `latency p50 ${ms(h, 50).toFixed(2)} ms, p99 ${ms(h, 99).toFixed(2)} ms, p99.9 ${ms(h, 99.9).toFixed(2)} ms; errors ${errors}`,
  );
}

async function producer(r: Run): Promise<void> {
  const p = new Producer({
    namesrvAddr: r.namesrvAddr,
    producerGroup: `bench-${process.pid}`,
    logger: silentLogger(),
  });
  await p.start();
  const h = createHistogram();
  const counts = { n: 0, errors: 0 };
  const body = Buffer.alloc(r.bodySize, 97);
  const stop = progress('producer', counts, h);
  const t0 = performance.now();
  const done = () => counts.n >= r.count || performance.now() - t0 >= r.durationMs;
  await Promise.all(
    Array.from({ length: r.inflight }, async () => {
      while (!done()) {
        const t = performance.now();
        try {
          if (r.batch > 1) {
            await p.sendBatch(Array.from({ length: r.batch }, () => ({ topic: r.topic, body })));
            counts.n += r.batch;
          } else {
            await p.send({ topic: r.topic, body });
            counts.n++;
          }
          h.record(Math.max(1, Math.round((performance.now() - t) * 1e6)));
        } catch {
          counts.errors++;
        }
      }
    }),
  );
  stop();
  summary('producer', counts.n, counts.errors, performance.now() - t0, h);
  await p.shutdown();
}

async function consume(r: Run, e2e: boolean): Promise<void> {
  const h = createHistogram();
  const counts = { n: 0, errors: 0 };
  const c = new PushConsumer({
    namesrvAddr: r.namesrvAddr,
    consumerGroup: r.group,
    consumeFromWhere: e2e ? 'CONSUME_FROM_LAST_OFFSET' : 'CONSUME_FROM_FIRST_OFFSET',
    consumeThreadMax: 64,
    logger: silentLogger(),
  });
  c.on('error', () => counts.errors++);
  const runId = String(process.pid);
  c.subscribe(r.topic, '*').registerMessageListener((msgs) => {
    const now = Date.now();
    for (const m of msgs) {
      if (e2e && m.properties.benchRun !== runId) continue; // only what this run sent
      h.record(Math.max(1, (now - m.bornTimestamp) * 1e6));
      counts.n++;
    }
    return 'CONSUME_SUCCESS';
  });
  const label = e2e ? 'e2e' : 'consumer';
  const stop = progress(label, counts, h);
  await c.start();
  const t0 = performance.now();
  let sent = 0;
  if (e2e) {
    const p = new Producer({
      namesrvAddr: r.namesrvAddr,
      producerGroup: `bench-${process.pid}`,
      logger: silentLogger(),
    });
    await p.start();
    const body = Buffer.alloc(r.bodySize, 97);
    const total = Math.min(r.count, Math.floor((r.durationMs / 1000) * r.rate));
    const acks: Promise<unknown>[] = [];
    for (; sent < total; sent++) {
      const wait = t0 + (sent * 1000) / r.rate - performance.now();
      if (wait > 1) await new Promise((res) => setTimeout(res, wait));
      const msg = { topic: r.topic, body, properties: { benchRun: runId } };
      acks.push(p.send(msg).catch(() => counts.errors++));
    }
    await Promise.all(acks);
    await p.shutdown();
    const grace = Date.now() + 5_000;
    while (counts.n < sent && Date.now() < grace) await new Promise((res) => setTimeout(res, 50));
  } else {
    while (counts.n < r.count && performance.now() - t0 < r.durationMs) {
      await new Promise((res) => setTimeout(res, 50));
    }
  }
  stop();
  summary(label, counts.n, counts.errors, performance.now() - t0, h);
  if (e2e)
    console.log(`e2e: sent ${sent}, received ${counts.n}, lost ${Math.max(0, sent - counts.n)}`);
  await c.shutdown();
}

export async function main(argv: readonly string[], name = 'kitemq bench'): Promise<void> {
  const [mode, ...rest] = argv;
  const spec: CommandSpec = { name, options: OPTIONS, help: HELP };
  try {
    if (!mode || mode === '-h' || mode === '--help') return void console.log(HELP);
    if (!['producer', 'consumer', 'e2e'].includes(mode)) {
      throw new UsageError(`unknown bench '${mode}': use producer, consumer or e2e`);
    }
    const v = parseCommandLine(spec, rest);
    if (v.help) return void console.log(HELP);
    const namesrvAddr = stringFlag(v, 'namesrvAddr') ?? process.env.NAMESRV_ADDR;
    if (!namesrvAddr) throw new UsageError('no name server: pass -n host:9876 or set NAMESRV_ADDR');
    const topic = stringFlag(v, 'topic');
    if (!topic) throw new UsageError(`missing -t <topic>; run ${name} -h`);
    const run: Run = {
      namesrvAddr,
      topic,
      bodySize: int(v, 'bodySize', 1024),
      inflight: int(v, 'inflight', 256),
      group: stringFlag(v, 'group') ?? `bench-group-${process.pid}`,
      count: int(v, 'count', Number.MAX_SAFE_INTEGER),
      durationMs: int(v, 'duration', 10) * 1000,
      batch: int(v, 'batch', 1),
      rate: int(v, 'rate', 1_000),
    };
    if (mode === 'producer') await producer(run);
    else await consume(run, mode === 'e2e');
  } catch (err) {
    console.error(`${name}: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}
