// The --peers table: scenarios (a)-(d) per system and durability setting, each peer figure with
// its ratio to KiteMQ's figure of the same durability class (ASYNC_FLUSH for peers that
// acknowledge before fsync, SYNC_FLUSH for those that fsync first).
import type { CoreResult } from '../core.js';
import { fmtMs, int } from '../report.js';
import { pctMs } from '../workload.js';
import type { PeerResult } from './run-peers.js';

const ratio = (v: number, base: number | undefined) =>
  base === undefined || base === 0 || !Number.isFinite(v / base) ? '' : ` (${fmt(v / base)}×)`;

function fmt(r: number): string {
  return r >= 10 ? r.toFixed(0) : r >= 1 ? r.toFixed(1) : r.toFixed(2);
}

interface Figures {
  a?: number;
  b?: number;
  bP99?: number;
  c?: number;
  dP50?: number;
  dP99?: number;
  dP999?: number;
  lost?: number;
}

function figures(r: CoreResult | undefined): Figures {
  if (r === undefined) return {};
  return {
    a: r.a?.rate,
    b: r.b?.rate,
    bP99: r.b ? pctMs(r.b.h, 99) : undefined,
    c: r.c?.rate,
    dP50: r.d ? pctMs(r.d.h, 50) : undefined,
    dP99: r.d ? pctMs(r.d.h, 99) : undefined,
    dP999: r.d ? pctMs(r.d.h, 99.9) : undefined,
    lost: r.d?.lost,
  };
}

function cells(f: Figures, base: Figures | undefined): string[] {
  const rate = (v: number | undefined, b: number | undefined) =>
    v === undefined ? '–' : `${int(v)}${ratio(v, b)}`;
  const lat = (v: number | undefined, b: number | undefined) =>
    v === undefined ? '–' : `${fmtMs(v)}${ratio(v, b)}`;
  const d =
    f.dP99 === undefined
      ? '–'
      : `${lat(f.dP50, base?.dP50)} / ${lat(f.dP99, base?.dP99)} / ` +
        `${lat(f.dP999, base?.dP999)}; lost ${f.lost}`;
  return [
    rate(f.a, base?.a),
    `${rate(f.b, base?.b)}; p99 ${lat(f.bP99, base?.bP99)}`,
    rate(f.c, base?.c),
    d,
  ];
}

export function formatPeers(
  kiteAsync: CoreResult,
  kiteSync: CoreResult | undefined,
  peers: PeerResult[],
): string {
  const header =
    '| system | durability | (a) msg/s, 1,000 in flight | (b) msg/s, one in flight | ' +
    '(c) msg/s draining | (d) p50 / p99 / p99.9 at a fixed rate | note |';
  const rows = [header, '|---|---|---|---|---|---|---|'];
  const line = (name: string, r: CoreResult, base: Figures | undefined) =>
    `| ${name} | ${r.durability} | ${cells(figures(r), base).join(' | ')} | ${r.note ?? ''} |`;
  rows.push(line('KiteMQ', kiteAsync, undefined));
  if (kiteSync) rows.push(line('KiteMQ', kiteSync, undefined));
  for (const p of peers) {
    const base = p.fsync ? kiteSync : kiteAsync;
    const name = p.version ? `${p.system} ${p.version}` : p.system;
    rows.push(line(name, p, base ? figures(base) : undefined));
  }
  return rows.join('\n');
}

export const PEERS_LEGEND =
  'Ratios are peer ÷ KiteMQ of the same durability class (fsync before the acknowledgement or ' +
  'not): for msg/s below 1× means KiteMQ is faster, for latency above 1× means KiteMQ is faster.';
