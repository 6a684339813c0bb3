// What the Prometheus exporter costs on the send path: the same fixed load against a broker with
// metricsExporterType=DISABLE and one with PROM (not scraped), alternating, each run on a fresh
// name server, broker and store. The load is `kitemq bench producer` in its own process (1 KiB,
// `inflight` sends outstanding: scenario (a)'s shape), so this process's own work never shares
// the broker's figures. Each run reports the producer's msg/s and the broker's CPU per message
// (user+sys from /proc, Linux only). Pairs run back to back, so the pairwise ratio holds when
// the machine's speed drifts; quote its median.
//   npx tsx bench/metrics-cost.ts [--runs 8] [-n 150000] [--inflight 256] [--tiny]
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { startBroker, startNamesrv } from '../test/harness/processes.js';

const run = promisify(execFile);
const KITEMQ = fileURLToPath(new URL('../bin/kitemq.js', import.meta.url));
/** Kernel clock ticks per second for /proc/<pid>/stat's utime and stime (USER_HZ). */
const CLOCK_TICKS = 100;

export type ExporterType = 'DISABLE' | 'PROM';

export interface CostRun {
  type: ExporterType;
  messages: number;
  perSecond: number;
  /** Broker CPU (user+sys) per stored message; undefined where /proc is missing. */
  brokerCpuUs: number | undefined;
}

function cpuMs(pid: number): number | undefined {
  try {
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** One `kitemq bench producer` process; resolves with the msg/s it printed last. */
async function producerRun(namesrvAddr: string, count: number, inflight: number): Promise<number> {
  const args = ['bench', 'producer', '-n', namesrvAddr, '-t', 'MetricsCost'];
  args.push('--count', String(count), '-w', String(inflight));
  const out = await run(process.execPath, [KITEMQ, ...args], { maxBuffer: 16 << 20 });
  const last = [...out.stdout.matchAll(/([\d.]+) msg\/s/g)].at(-1);
  if (!last) throw new Error(`bench producer printed no msg/s:\n${out.stdout}${out.stderr}`);
  return Number(last[1]);
}

export async function runOnce(
  type: ExporterType,
  messages: number,
  inflight: number,
): Promise<CostRun> {
  const namesrv = await startNamesrv();
  try {
    const broker = await startBroker({
      namesrvAddr: namesrv.addr,
      conf: { metricsExporterType: type, metricsPromExporterPort: 0, autoCreateTopicEnable: true },
    });
    try {
      const pid = broker.proc.pid;
      // Warm-up: the topic's route, connections and the broker's JIT, outside the figures.
      await producerRun(namesrv.addr, 2000, inflight);
      const before = pid === undefined ? undefined : cpuMs(pid);
      const perSecond = await producerRun(namesrv.addr, messages, inflight);
      const after = pid === undefined ? undefined : cpuMs(pid);
      return {
        type,
        messages,
        perSecond,
        brokerCpuUs:
          before === undefined || after === undefined
            ? undefined
            : ((after - before) * 1000) / messages,
      };
    } finally {
      await broker.stop();
    }
  } finally {
    await namesrv.stop();
  }
}

export interface CostOptions {
  runs: number;
  messages: number;
  inflight: number;
}

/** DISABLE, PROM, DISABLE, PROM, …: `runs` pairs. */
export async function runMetricsCost(
  o: CostOptions,
  onRun: (r: CostRun) => void = () => {},
): Promise<CostRun[]> {
  const out: CostRun[] = [];
  for (let i = 0; i < o.runs; i++) {
    for (const type of ['DISABLE', 'PROM'] as const) {
      const r = await runOnce(type, o.messages, o.inflight);
      onRun(r);
      out.push(r);
    }
  }
  return out;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const row = (cells: readonly (string | number)[]) => `| ${cells.join(' | ')} |`;

/** A markdown table: one row per pair, then medians and the median of PROM/DISABLE pairwise. */
export function formatCostRuns(runs: readonly CostRun[]): string {
  const off = runs.filter((r) => r.type === 'DISABLE');
  const on = runs.filter((r) => r.type === 'PROM');
  const us = (r: CostRun | undefined) =>
    r?.brokerCpuUs === undefined ? '—' : r.brokerCpuUs.toFixed(2);
  const lines = [
    '| run | DISABLE msg/s | PROM msg/s | PROM/DISABLE | DISABLE broker µs/msg | PROM broker µs/msg |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  off.forEach((a, i) => {
    const b = on[i];
    if (!b) return;
    ratios.push(b.perSecond / a.perSecond);
    if (a.brokerCpuUs && b.brokerCpuUs) cpuRatios.push(b.brokerCpuUs / a.brokerCpuUs);
    const cells = [i + 1, a.perSecond.toFixed(0), b.perSecond.toFixed(0)];
    cells.push((b.perSecond / a.perSecond).toFixed(3), us(a), us(b));
    lines.push(row(cells));
  });
  const cpu = (xs: CostRun[]) => {
    const v = xs.flatMap((r) => (r.brokerCpuUs === undefined ? [] : [r.brokerCpuUs]));
    return v.length === 0 ? '—' : median(v).toFixed(2);
  };
  const rate = (xs: CostRun[]) => median(xs.map((r) => r.perSecond)).toFixed(0);
  const ratio = ratios.length ? median(ratios).toFixed(3) : '—';
  lines.push(row(['median', rate(off), rate(on), ratio, cpu(off), cpu(on)]));
  if (cpuRatios.length)
    lines.push(
      `\nbroker CPU per message, PROM/DISABLE pairwise median: ${median(cpuRatios).toFixed(3)}`,
    );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '8' },
      n: { type: 'string', short: 'n', default: '150000' },
      inflight: { type: 'string', default: '256' },
      tiny: { type: 'boolean', default: false },
    },
  });
  const o: CostOptions = values.tiny
    ? { runs: 1, messages: 500, inflight: 16 }
    : { runs: Number(values.runs), messages: Number(values.n), inflight: Number(values.inflight) };
  console.log(`metrics cost: ${o.runs} pairs of ${o.messages} sends, ${o.inflight} in flight`);
  const runs = await runMetricsCost(o, (r) =>
    console.error(`  ${r.type}: ${r.perSecond.toFixed(0)} msg/s`),
  );
  console.log(formatCostRuns(runs));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
