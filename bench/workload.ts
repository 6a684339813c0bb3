// The workload of issue 6's scenarios (a)-(d), written once against a small Driver interface so
// KiteMQ and every peer (NATS JetStream, RabbitMQ, Redis Streams) run exactly the same loops:
// pipelined acknowledged sends, one send in flight, draining a backlog, and a fixed-rate end to
// end run whose latency is receive time − born time. (d) normally runs its sender and receiver
// in two child processes (e2e-split.ts); endToEnd below is the in-process variant.
import { createHistogram, performance, type RecordableHistogram } from 'node:perf_hooks';

/** What (d) attaches to a message: its sequence number and born time (ms, sub-ms precision). */
export interface Stamp {
  seq: number;
  bornMs: number;
}

export interface Consumption {
  stop(): Promise<void>;
}

/** One system under test, connected to its server(s). */
export interface Driver {
  readonly system: string;
  /** How durable an acknowledgement is, as the table states it beside every row. */
  readonly durability: string;
  /** Makes `dest` (a topic, stream, quorum queue or stream key) ready for sends and a consumer. */
  prepare(dest: string): Promise<void>;
  /** Sends one message; resolves once the server acknowledged it as stored. */
  send(dest: string, body: Buffer, stamp?: Stamp): Promise<void>;
  /** Consumes `dest` from its first message until stop(); onMessage sees each message's stamp. */
  consume(dest: string, onMessage: (stamp: Stamp | undefined) => void): Promise<Consumption>;
  close(): Promise<void>;
  /** How another process connects the same driver to the same server (e2e-worker.ts). */
  readonly spec: DriverSpec;
}

/** Plain data, sent over IPC: which driver, and where its server listens. */
export interface DriverSpec {
  kind: 'kitemq' | 'nats' | 'redis' | 'rabbitmq';
  durability: string;
  /** The server's loopback port (peers). */
  port?: number;
  /** KiteMQ: the name server, the broker topics are created on, queues per topic. */
  namesrvAddr?: string;
  brokerAddr?: string;
  queues?: number;
}

export const BODY_1KIB = Buffer.alloc(1024, 97);

/**
 * Milliseconds (ns resolution) on CLOCK_MONOTONIC, which libuv's hrtime reads on Linux: one
 * clock for every process of the host, so a stamp taken in the sender is comparable in the
 * receiver. timeOrigin + now() is not as safe: each process samples the wall clock once at
 * start, so a clock step (NTP) between two process starts shifts one against the other, and
 * Date.now() has only ms resolution. e2e-split.ts checks the sharing at every worker start.
 */
export const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

export const encodeStamp = (s: Stamp) => `${s.seq}:${s.bornMs.toFixed(3)}`;

export function decodeStamp(text: string | undefined): Stamp | undefined {
  if (text === undefined) return undefined;
  const i = text.indexOf(':');
  if (i < 0) return undefined;
  return { seq: Number(text.slice(0, i)), bornMs: Number(text.slice(i + 1)) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Records a duration in ms into a histogram of nanoseconds (at least 1 ns). */
export function recordMs(h: RecordableHistogram, ms: number): void {
  h.record(Math.max(1, Math.round(ms * 1e6)));
}

/** Percentile of a histogram of nanoseconds, in ms (0 when empty). */
export const pctMs = (h: RecordableHistogram, p: number) => (h.count ? h.percentile(p) / 1e6 : 0);

export interface SendRun {
  rate: number;
  /** Send-to-acknowledgement latency, ns. */
  h: RecordableHistogram;
  acked: number;
  errors: number;
}

/** `count` acknowledged sends with `inflight` outstanding at any time. */
export async function pipelined(
  d: Driver,
  dest: string,
  count: number,
  inflight: number,
  body = BODY_1KIB,
): Promise<SendRun> {
  const h = createHistogram();
  let next = 0;
  let errors = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(inflight, count) }, async () => {
      while (next++ < count) {
        const t = performance.now();
        try {
          await d.send(dest, body);
          recordMs(h, performance.now() - t);
        } catch {
          errors++;
        }
      }
    }),
  );
  const acked = count - errors;
  return { rate: acked / ((performance.now() - t0) / 1000), h, acked, errors };
}

/** Starts a consumer on a backlog of `count` and times it until it has seen them all. */
export async function drain(
  d: Driver,
  dest: string,
  count: number,
  timeoutMs = 120_000,
): Promise<{ rate: number; received: number }> {
  let received = 0;
  const t0 = performance.now();
  const c = await d.consume(dest, () => {
    received++;
  });
  const deadline = Date.now() + timeoutMs;
  while (received < count && Date.now() < deadline) await sleep(5);
  const rate = received / ((performance.now() - t0) / 1000);
  await c.stop();
  return { rate, received };
}

export interface EndToEndRun {
  rate: number;
  seconds: number;
  /** Born-to-received latency of first deliveries, ns. */
  h: RecordableHistogram;
  sent: number;
  acked: number;
  received: number;
  /** Acknowledged but not received within the grace period. */
  lost: number;
}

/** A consumer on `dest`, then `rate` msg/s for `seconds`; waits `graceMs` for stragglers. */
export async function endToEnd(
  d: Driver,
  dest: string,
  rate: number,
  seconds: number,
  graceMs = 5_000,
  body = BODY_1KIB,
): Promise<EndToEndRun> {
  const h = createHistogram();
  const seen = new Set<number>();
  const c = await d.consume(dest, (stamp) => {
    if (stamp === undefined || seen.has(stamp.seq)) return;
    seen.add(stamp.seq);
    recordMs(h, nowMs() - stamp.bornMs);
  });
  const total = rate * seconds;
  const ackedSeqs: number[] = [];
  const acks: Promise<void>[] = [];
  const t0 = performance.now();
  for (let seq = 0; seq < total; seq++) {
    const wait = t0 + (seq * 1000) / rate - performance.now();
    if (wait > 1) await sleep(wait);
    const sent = d.send(dest, body, { seq, bornMs: nowMs() });
    acks.push(sent.then(() => void ackedSeqs.push(seq)).catch(() => undefined));
  }
  await Promise.all(acks);
  const deadline = Date.now() + graceMs;
  const missing = () => ackedSeqs.some((s) => !seen.has(s));
  while (Date.now() < deadline && missing()) await sleep(20);
  await c.stop();
  const lost = ackedSeqs.filter((s) => !seen.has(s)).length;
  return { rate, seconds, h, sent: total, acked: ackedSeqs.length, received: seen.size, lost };
}
