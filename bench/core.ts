// Scenarios (a)-(d) of issue 6 against one Driver, in the order the runner uses for KiteMQ and
// for every peer: (a) pipelined sends, 1,000 in flight; (b) one send in flight; (c) a new
// consumer draining the backlog (a) and (b) left; (d) a fixed rate end to end with lost count.

import { endToEndSplit } from './e2e-split.js';
import {
  type Driver,
  drain,
  type EndToEndRun,
  endToEnd,
  pipelined,
  type SendRun,
} from './workload.js';

export interface BenchSizes {
  pipelined: number;
  single: number;
  e2eRate: number;
  e2eSeconds: number;
  batches: number;
  topics: number;
  perTopic: number;
}

export const FULL_SIZES: BenchSizes = {
  pipelined: 200_000,
  single: 20_000,
  e2eRate: 5_000,
  e2eSeconds: 10,
  batches: 3_000,
  topics: 100,
  perTopic: 100,
};

export const TINY_SIZES: BenchSizes = {
  pipelined: 2_000,
  single: 200,
  e2eRate: 500,
  e2eSeconds: 1,
  batches: 20,
  topics: 5,
  perTopic: 10,
};

export const PIPELINE_INFLIGHT = 1_000;

export interface CoreResult {
  system: string;
  durability: string;
  version?: string;
  a?: SendRun;
  b?: SendRun;
  c?: { rate: number; received: number; backlog: number };
  d?: EndToEndRun;
  /** Why figures are missing: not installed, failed to start, a scenario's error. */
  note?: string;
}

let destinations = 0;
/** A destination name every system accepts (letters, digits, underscore). */
export const destName = (prefix: string) => `${prefix}_${process.pid}_${++destinations}`;

export interface CoreHooks {
  /** Called around (a), e.g. to sample the broker's RSS and CPU while it runs. */
  beforeA?(): void;
  afterA?(): void;
  /** Run (d)'s sender and receiver in this process, as before they had processes of their own. */
  e2eInProcess?: boolean;
}

/** Runs (a)-(d); a failing scenario ends the run with its error in `note`, figures so far kept. */
export async function runCore(
  d: Driver,
  sizes: BenchSizes,
  hooks: CoreHooks = {},
): Promise<CoreResult> {
  const r: CoreResult = { system: d.system, durability: d.durability };
  const step = (s: string) => console.error(`bench: ${d.system} (${d.durability}) ${s}`);
  try {
    const dest = destName('BenchA');
    await d.prepare(dest);
    step(`(a) ${sizes.pipelined} sends, ${PIPELINE_INFLIGHT} in flight`);
    hooks.beforeA?.();
    r.a = await pipelined(d, dest, sizes.pipelined, PIPELINE_INFLIGHT);
    hooks.afterA?.();
    step(`(b) ${sizes.single} sends, one in flight`);
    r.b = await pipelined(d, dest, sizes.single, 1);
    const backlog = r.a.acked + r.b.acked;
    step(`(c) draining ${backlog}`);
    r.c = { ...(await drain(d, dest, backlog)), backlog };
    const destD = destName('BenchD');
    await d.prepare(destD);
    step(`(d) ${sizes.e2eRate} msg/s for ${sizes.e2eSeconds} s`);
    const e2e = hooks.e2eInProcess ? endToEnd : endToEndSplit;
    r.d = await e2e(d, destD, sizes.e2eRate, sizes.e2eSeconds);
  } catch (err) {
    r.note = `failed: ${(err as Error).message.split('\n')[0]}`;
  }
  return r;
}
