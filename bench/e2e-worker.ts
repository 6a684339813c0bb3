// One side of (d) in its own process, forked by e2e-split.ts with an IPC channel: a receiver
// (consumer from the first offset, one latency per first delivery) or a sender (a fixed rate,
// each message stamped with its born time). Both read the host's monotonic clock (nowMs), so
// latency = receive − born with no offset to correct. Messages in order, parent → worker:
//   { op: 'clock' }                          → { op: 'clock', ms: nowMs() }  (any time)
//   { op: 'receive', spec, dest }            → { op: 'ready' }
//   { op: 'finish', acked, graceMs }         → { op: 'received', latenciesMs, received, lost }
//   { op: 'send', spec, dest, rate, seconds } → { op: 'sent', acked }
// A worker exits after its last reply; an error is its last reply: { op: 'error', message }.
import { openDriver } from './open-driver.js';
import { BODY_1KIB, type Consumption, type Driver, type DriverSpec, nowMs } from './workload.js';

export type WorkerRequest =
  | { op: 'clock' }
  | { op: 'receive'; spec: DriverSpec; dest: string }
  | { op: 'finish'; acked: number[]; graceMs: number }
  | { op: 'send'; spec: DriverSpec; dest: string; rate: number; seconds: number };

export type WorkerReply =
  | { op: 'clock'; ms: number }
  | { op: 'ready' }
  | { op: 'received'; latenciesMs: Float64Array; received: number; lost: number }
  | { op: 'sent'; acked: number[] }
  | { op: 'error'; message: string };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const reply = (m: WorkerReply) => process.send?.(m);
/** The last reply, then exit: a driver's leftover handles must not keep the worker alive. */
const replyAndExit = (m: WorkerReply) => process.send?.(m, () => process.exit(0));

let driver: Driver | undefined;
let consumption: Consumption | undefined;
/** Latency of the first delivery of each seq; NaN until it arrives. */
let latencies = new Float64Array(0);
let received = 0;

function onStamp(seq: number, bornMs: number): void {
  if (seq >= latencies.length) {
    const grown = new Float64Array(Math.max(seq + 1, latencies.length * 2)).fill(Number.NaN);
    grown.set(latencies);
    latencies = grown;
  }
  if (!Number.isNaN(latencies[seq]!)) return;
  latencies[seq] = nowMs() - bornMs;
  received++;
}

async function receive(spec: DriverSpec, dest: string): Promise<void> {
  driver = await openDriver(spec);
  consumption = await driver.consume(dest, (s) => {
    if (s !== undefined) onStamp(s.seq, s.bornMs);
  });
  reply({ op: 'ready' });
}

async function finish(acked: number[], graceMs: number): Promise<void> {
  const seen = (s: number) => s < latencies.length && !Number.isNaN(latencies[s]!);
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && !acked.every(seen)) await sleep(20);
  await consumption?.stop();
  await driver?.close();
  const lost = acked.filter((s) => !seen(s)).length;
  const latenciesMs = latencies.filter((x) => !Number.isNaN(x));
  replyAndExit({ op: 'received', latenciesMs, received, lost });
}

/** The same schedule as the in-process endToEnd: message seq is due at t0 + seq / rate. */
async function send(spec: DriverSpec, dest: string, rate: number, seconds: number) {
  const d = await openDriver(spec);
  const total = rate * seconds;
  const acked: number[] = [];
  // A count of the sends still out, not an array of their promises, so the sender holds nothing
  // per message for the whole run (100,000 promises at 5,000/s for 20 s).
  let pending = 0;
  let allAcked: (() => void) | undefined;
  const settled = () => {
    if (--pending === 0) allAcked?.();
  };
  const t0 = nowMs();
  for (let seq = 0; seq < total; seq++) {
    const wait = t0 + (seq * 1000) / rate - nowMs();
    if (wait > 1) await sleep(wait);
    pending++;
    d.send(dest, BODY_1KIB, { seq, bornMs: nowMs() }).then(() => {
      acked.push(seq);
      settled();
    }, settled);
  }
  if (pending > 0) await new Promise<void>((r) => (allAcked = r));
  await d.close();
  replyAndExit({ op: 'sent', acked });
}

function run(m: WorkerRequest): Promise<void> | undefined {
  switch (m.op) {
    case 'clock':
      reply({ op: 'clock', ms: nowMs() });
      return;
    case 'receive':
      return receive(m.spec, m.dest);
    case 'finish':
      return finish(m.acked, m.graceMs);
    case 'send':
      return send(m.spec, m.dest, m.rate, m.seconds);
  }
}

process.on('message', (m: WorkerRequest) => {
  run(m)?.catch((err: unknown) => {
    replyAndExit({ op: 'error', message: (err as Error).message ?? String(err) });
  });
});
