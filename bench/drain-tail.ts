// Scenarios (c) and (d) of `npm run bench` alone, against a fresh name server and broker from
// dist/, for A/B runs and for finding the broker's pauses: a backlog of --backlog messages (1 KiB,
// 1,000 in flight, --queues 8), a new consumer draining it, then --rate msg/s for --seconds with
// the sender and receiver in child processes (or this process: --e2e-in-process). The broker runs
// with loop-probe.mjs preloaded, which reports its event-loop delay and GC pauses during the drain
// and during (d); --cpu-prof DIR also profiles it, one file per window (<pid>-<n>.cpuprofile: 1 is
// the drain, 3 is (d)). Prints one JSON line.
//   npx tsx bench/drain-tail.ts [--flush SYNC_FLUSH] [--backlog N] [--rate N] [--seconds N]
//                               [--e2e-in-process] [--cpu-prof DIR] [--no-drain] [--no-e2e]
//                               [--trace-gc] [--queues N] [--fs-probe]
//                               [--heap-prof DIR] [--conf key=value]...
// --fs-probe times the broker's synchronous fs calls (loop-probe.mjs, KITEMQ_PROBE_FS);
// --heap-prof DIR writes a sampling heap profile per window (KITEMQ_PROBE_HEAP_PROF).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startBroker, startNamesrv } from '../test/harness/processes.js';
import { destName, PIPELINE_INFLIGHT } from './core.js';
import { endToEndSplit } from './e2e-split.js';
import { KiteMQDriver } from './kitemq-driver.js';
import { drain, endToEnd, pctMs, pipelined } from './workload.js';

const PROBE = fileURLToPath(new URL('./loop-probe.mjs', import.meta.url));

const { values: o } = parseArgs({
  options: {
    flush: { type: 'string', default: 'ASYNC_FLUSH' },
    backlog: { type: 'string', default: '220000' },
    rate: { type: 'string', default: '5000' },
    seconds: { type: 'string', default: '10' },
    'e2e-in-process': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    'no-drain': { type: 'boolean', default: false },
    'no-e2e': { type: 'boolean', default: false },
    'trace-gc': { type: 'boolean', default: false },
    queues: { type: 'string', default: '8' },
    'fs-probe': { type: 'boolean', default: false },
    'heap-prof': { type: 'string' },
    conf: { type: 'string', multiple: true, default: [] },
  },
});

/** --conf key=value (repeatable): more broker.conf keys, e.g. the pull caps of (c). */
function extraConf(): Record<string, string> {
  const kv = (o.conf ?? []).map((c) => c.split('=', 2) as [string, string]);
  return Object.fromEntries(kv);
}

const dir = mkdtempSync(join(tmpdir(), 'kitemq-drain-tail-'));
const probeOut = join(dir, 'probe.jsonl');
const probeEnv: Record<string, string> = { KITEMQ_PROBE_OUT: probeOut, KITEMQ_PROBE_CPU_PROF: '' };
if (o['cpu-prof']) probeEnv.KITEMQ_PROBE_CPU_PROF = o['cpu-prof'];
if (o['trace-gc']) probeEnv.KITEMQ_PROBE_TRACE_GC = '1';
if (o['fs-probe']) probeEnv.KITEMQ_PROBE_FS = '1';
if (o['heap-prof']) probeEnv.KITEMQ_PROBE_HEAP_PROF = o['heap-prof'];
const load0 = loadavg()[0]!;
const namesrv = await startNamesrv();
const broker = await startBroker({
  namesrvAddr: namesrv.addr,
  conf: { mapedFileSizeCommitLog: 1024 * 1024 * 1024, flushDiskType: o.flush, ...extraConf() },
  env: { NODE_OPTIONS: `--import ${PROBE}`, ...probeEnv },
});
/**
 * Closes the broker's probe window (one JSON line per call, read back at the end), and this
 * process's when it was started with the probe too (the consumer of (c) runs here).
 */
const mark = () => {
  process.kill(broker.proc.pid!, 'SIGUSR2');
  if (process.listenerCount('SIGUSR2') > 0) process.kill(process.pid, 'SIGUSR2');
};
const out: Record<string, unknown> = {
  flush: o.flush,
  queues: Number(o.queues),
  conf: extraConf(),
  pullBatchSize: process.env.KITEMQ_BENCH_PULL_BATCH_SIZE ?? 'default',
  loadBefore: load0,
};
try {
  const d = await KiteMQDriver.connect({
    namesrvAddr: namesrv.addr,
    brokerAddr: broker.addr,
    durability: o.flush,
    queues: Number(o.queues),
  });
  try {
    if (!o['no-drain']) {
      const dest = destName('BenchC');
      await d.prepare(dest);
      const backlog = Number(o.backlog);
      const a = await pipelined(d, dest, backlog, PIPELINE_INFLIGHT);
      mark();
      const c = await drain(d, dest, a.acked);
      mark();
      out.drain = { backlog: a.acked, received: c.received, rate: Math.round(c.rate) };
    }
    if (!o['no-e2e']) {
      const dest = destName('BenchD');
      await d.prepare(dest);
      const e2e = o['e2e-in-process'] ? endToEnd : endToEndSplit;
      mark();
      const r = await e2e(d, dest, Number(o.rate), Number(o.seconds));
      mark();
      const p = (x: number) => Math.round(pctMs(r.h, x) * 1000) / 1000;
      out.e2e = {
        inProcess: o['e2e-in-process'],
        p50: p(50),
        p99: p(99),
        p999: p(99.9),
        max: Math.round((r.h.max / 1e6) * 1000) / 1000,
        acked: r.acked,
        lost: r.lost,
      };
    }
  } finally {
    await d.close();
  }
} finally {
  // --trace-gc: the broker's GC lines (V8 writes them to stdout), for the reasons of its pauses.
  if (o['trace-gc']) {
    for (const l of broker.output().split('\n'))
      if (/Scavenge|Mark-Compact/.test(l)) console.error(l);
  }
  await broker.stop();
  await namesrv.stop();
}
const lines = readFileSync(probeOut, 'utf8').trim().split('\n');
const windows = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
// Windows come in pairs (start, end): the second of each pair is the scenario's.
const scenarios = [o['no-drain'] ? undefined : 'drain', o['no-e2e'] ? undefined : 'e2e'];
for (const [i, name] of scenarios.filter((s) => s !== undefined).entries()) {
  out[`broker_${name}`] = windows[i * 2 + 1];
}
out.loadAfter = loadavg()[0];
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify(out));
