// Lateness of delayed (DELAY level) messages: starts a real name server and broker (built dist/)
// whose level 1 is --delay, sends N messages with DELAY=1 over 4 queues (a window of requests in
// flight), and long-polls the real queues meanwhile. For each message:
//   broker lateness   = copy.storeTimestamp − (scheduled.storeTimestamp + delay): when the broker
//                       stored the copy in the real queue against when it was due (the scheduled
//                       record, read back from SCHEDULE_TOPIC_XXXX, gives the due time);
//   end-to-end        = when a long-polling consumer received it − (bornTimestamp + delay): also
//                       counts the send latency (born → stored) and the pull.
// With --delay longer than the send phase, all N are scheduled before the first falls due.
//   npx tsx bench/delay-lateness.ts [--messages 100000] [--delay 15s] [--inflight 256] [--tiny]
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { silentLogger } from '../src/common/logger.js';
import { parseDelayToken } from '../src/message/delay-level.js';
import { RemotingClient } from '../src/remoting/remoting-client.js';
import { startBroker, startNamesrv } from '../test/harness/processes.js';
import { RawBroker } from '../test/harness/raw-protocol.js';
import { createTopic } from '../test/harness/topics.js';

const QUEUES = 4;

export interface LatenessRow {
  measure: string;
  messages: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

export interface DelayLatenessResult {
  rows: LatenessRow[];
  sendSeconds: number;
  received: number;
}

function row(measure: string, h: RecordableHistogram): LatenessRow {
  // The histogram holds lateness + 1 ms (it cannot record 0); report ms, early ones as negative.
  const ms = (v: number) => v - 1;
  return {
    measure,
    messages: h.count,
    p50Ms: ms(h.percentile(50)),
    p99Ms: ms(h.percentile(99)),
    p999Ms: ms(h.percentile(99.9)),
    maxMs: ms(h.max),
  };
}

async function sendAll(raw: RawBroker, topic: string, n: number, inflight: number) {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const r = await raw.send(topic, i % QUEUES, `d${i}`, { DELAY: '1', seq: String(i) });
      if (r.code !== 0) throw new Error(`send ${i} failed: ${r.code} ${r.remark ?? ''}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inflight, n) }, worker));
}

/** copy.storeTimestamp − due, with due from the scheduled record (level 1 = queue 0). */
async function brokerLateness(
  raw: RawBroker,
  delayMs: number,
  copies: { uniq: string; storedAt: number }[],
): Promise<RecordableHistogram> {
  const dueAt = new Map<string, number>();
  for (let offset = 0; dueAt.size < copies.length; ) {
    const r = await raw.pull('SCHEDULE_TOPIC_XXXX', 'lateness', 0, offset, { subscription: '*' });
    if (r.msgs.length === 0) break;
    for (const m of r.msgs) dueAt.set(m.properties.UNIQ_KEY!, m.storeTimestamp + delayMs);
    offset = r.next;
  }
  const h = createHistogram();
  for (const c of copies) {
    const due = dueAt.get(c.uniq);
    if (due === undefined) throw new Error(`no scheduled record for ${c.uniq}`);
    if (c.storedAt < due) throw new Error(`${c.uniq} was stored ${due - c.storedAt} ms early`);
    h.record(c.storedAt - due + 1);
  }
  return h;
}

export async function runDelayLatenessBench(opts: {
  messages: number;
  delay: string;
  inflight: number;
}): Promise<DelayLatenessResult> {
  const delayMs = parseDelayToken(opts.delay);
  if (typeof delayMs === 'string') throw new Error(`--delay: ${delayMs}`);
  const namesrv = await startNamesrv();
  const broker = await startBroker({
    namesrvAddr: namesrv.addr,
    conf: { messageDelayLevel: `${opts.delay} 1h` },
  });
  const client = new RemotingClient(silentLogger());
  const raw = new RawBroker(client, () => broker.addr);
  const consumerLate = createHistogram();
  const copies: { uniq: string; storedAt: number }[] = [];
  let received = 0;
  try {
    const topic = 'DelayLateness';
    await createTopic(broker.addr, namesrv.addr, topic, QUEUES);
    const consume = async (queueId: number) => {
      let offset = 0;
      while (received < opts.messages) {
        const r = await raw.pull(topic, 'lateness', queueId, offset, {
          subscription: '*',
          suspendMs: 1_000,
        });
        const now = Date.now();
        for (const m of r.msgs) {
          copies.push({ uniq: m.properties.UNIQ_KEY!, storedAt: m.storeTimestamp });
          consumerLate.record(Math.max(0, now - (m.bornTimestamp + delayMs)) + 1);
          received++;
        }
        offset = r.next;
      }
    };
    const consumers = Array.from({ length: QUEUES }, (_, q) => consume(q));
    const t0 = Date.now();
    await sendAll(raw, topic, opts.messages, opts.inflight);
    const sendSeconds = (Date.now() - t0) / 1000;
    await Promise.all(consumers);
    const brokerLate = await brokerLateness(raw, delayMs, copies);
    return {
      rows: [row('broker (copy stored)', brokerLate), row('end to end (received)', consumerLate)],
      sendSeconds,
      received,
    };
  } finally {
    client.close();
    await broker.stop();
    await namesrv.stop();
  }
}

export function formatRows(rows: LatenessRow[]): string {
  const head =
    '| lateness | messages | p50 ms | p99 ms | p99.9 ms | max ms |\n| --- | ---: | ---: | ---: | ---: | ---: |';
  const line = (r: LatenessRow) =>
    `| ${r.measure} | ${r.messages} | ${r.p50Ms} | ${r.p99Ms} | ${r.p999Ms} | ${r.maxMs} |`;
  return [head, ...rows.map(line)].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      messages: { type: 'string' },
      delay: { type: 'string' },
      inflight: { type: 'string' },
      tiny: { type: 'boolean' },
    },
  });
  const messages = values.tiny ? 2_000 : Number(values.messages ?? 100_000);
  const delay = values.delay ?? (values.tiny ? '2s' : '15s');
  const inflight = Number(values.inflight ?? 256);
  console.error(
    `delay lateness: ${messages} messages at DELAY=1 (${delay}), ${inflight} in flight…`,
  );
  const r = await runDelayLatenessBench({ messages, delay, inflight });
  console.error(`sent in ${r.sendSeconds.toFixed(1)} s, received ${r.received}`);
  console.log(formatRows(r.rows));
}
