// transaction/checks.json: what the check-back keeps across restarts, in place of RocketMQ's
// TRANSACTION_CHECK_TIMES property on a fresh copy of the half per check
// (TransactionalMessageServiceImpl#putBackHalfMsgQueue): the checks sent per pending half, so
// transactionCheckMax holds across restarts, and the counters (checks sent in all and per real
// topic, halves discarded), so a restart does not reset them. Written after each round that
// changed it, through FileIO#writeFileAtomicAsync (temp file, fdatasync, rename): a crash leaves
// the previous round's file or this one's. The first format was the bare {txId: checks} map; it
// is still read.
import type { FileIO } from '../../store/file-io.js';

export const CHECK_COUNTS_VERSION = 2;

export interface CheckCounts {
  /** Checks sent per pending half, by transactionId (only those with at least one). */
  readonly checks: Record<string, number>;
  readonly checksSent: number;
  readonly discarded: number;
  readonly checksSentByTopic: Record<string, number>;
}

const EMPTY: CheckCounts = { checks: {}, checksSent: 0, discarded: 0, checksSentByTopic: {} };

export function encodeCheckCounts(c: CheckCounts): string {
  return JSON.stringify({ version: CHECK_COUNTS_VERSION, ...c });
}

/** The counts in `text`; nothing when it is missing or does not parse (a fresh start). */
export function decodeCheckCounts(text: string | undefined): CheckCounts {
  if (text === undefined) return EMPTY;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return EMPTY;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return EMPTY;
  const o = v as Record<string, unknown>;
  if (o.version !== CHECK_COUNTS_VERSION) return { ...EMPTY, checks: numbers(o) };
  return {
    checks: numbers(o.checks),
    checksSent: count(o.checksSent),
    discarded: count(o.discarded),
    checksSentByTopic: numbers(o.checksSentByTopic),
  };
}

export function readCheckCounts(io: FileIO, path: string): CheckCounts {
  return decodeCheckCounts(io.readFile(path));
}

function count(v: unknown): number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : 0;
}

function numbers(v: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (typeof v !== 'object' || v === null) return out;
  for (const [k, n] of Object.entries(v)) if (count(n) > 0) out[k] = count(n);
  return out;
}
