// Rows of `npm run bench`'s main table: a figure, the durability it was measured with, issue 6's
// target and the verdict (met, or missed by how much).
import type { CoreResult } from './core.js';
import { pctMs } from './workload.js';

export interface BenchRow {
  scenario: string;
  durability: string;
  figure: string;
  target: string;
  verdict: string;
}

export function verdict(value: number, target: number, higherIsBetter: boolean): string {
  const ok = higherIsBetter ? value >= target : value <= target;
  if (ok) return 'met';
  const by = higherIsBetter ? (1 - value / target) * 100 : (value / target - 1) * 100;
  return `missed by ${by.toFixed(0)}%`;
}

export const int = (n: number) => Math.round(n).toLocaleString('en-US');

/** A latency in ms with a unit that keeps 2-3 significant digits. */
export function fmtMs(ms: number): string {
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  return `${ms.toFixed(1)} ms`;
}

/** Rows (a)-(d) of KiteMQ's run, against the targets. */
export function coreRows(r: CoreResult): BenchRow[] {
  const rows: BenchRow[] = [];
  const dur = r.durability;
  if (r.a) {
    rows.push({
      scenario: '(a) pipelined sends, 1,000 in flight',
      durability: dur,
      figure: `${int(r.a.rate)} msg/s (p50 ${fmtMs(pctMs(r.a.h, 50))}, p99 ${fmtMs(pctMs(r.a.h, 99))})`,
      target: '≥ 80,000 msg/s',
      verdict: verdict(r.a.rate, 80_000, true),
    });
  }
  if (r.b) {
    const p99 = pctMs(r.b.h, 99);
    rows.push({
      scenario: '(b) one send in flight',
      durability: dur,
      figure: `${int(r.b.rate)} msg/s (p50 ${fmtMs(pctMs(r.b.h, 50))}, p99 ${fmtMs(p99)})`,
      target: '≥ 10,000 msg/s, p99 ≤ 300 µs',
      verdict: `${verdict(r.b.rate, 10_000, true)}; p99 ${verdict(p99 * 1000, 300, false)}`,
    });
  }
  if (r.c) {
    rows.push({
      scenario: `(c) consumer draining a ${int(r.c.backlog)} backlog`,
      durability: dur,
      figure: `${int(r.c.rate)} msg/s (${int(r.c.received)} received)`,
      target: '≥ 200,000 msg/s',
      verdict: verdict(r.c.rate, 200_000, true),
    });
  }
  if (r.d) rows.push(e2eRow(r));
  if (r.note)
    rows.push({
      scenario: '(a)-(d)',
      durability: dur,
      figure: r.note,
      target: '',
      verdict: 'not run',
    });
  return rows;
}

function e2eRow(r: CoreResult): BenchRow {
  const d = r.d!;
  const [p50, p99, p999] = [50, 99, 99.9].map((p) => pctMs(d.h, p)) as [number, number, number];
  return {
    scenario: `(d) end to end at ${int(d.rate)} msg/s for ${d.seconds} s`,
    durability: r.durability,
    figure:
      `p50 ${fmtMs(p50)}, p99 ${fmtMs(p99)}, p99.9 ${fmtMs(p999)}; ` +
      `${int(d.acked)} acked, ${int(d.received)} received, lost ${d.lost}`,
    target: 'p99 ≤ 2 ms, p99.9 ≤ 10 ms, 0 lost',
    verdict:
      `p99 ${verdict(p99, 2, false)}; p99.9 ${verdict(p999, 10, false)}; ` +
      (d.lost === 0 ? 'none lost' : `${d.lost} lost`),
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
