// Transactional messages against plain sends, on one real name server and broker (built dist/)
// started here, with our SDK in this process and 1 KiB bodies:
//   plain sends        Producer#send, `inflight` outstanding: acknowledged sends/s; time from
//                      send to delivery at a push consumer;
//   transactions       TransactionProducer#send (half message, a local transaction that answers
//                      COMMIT at once, one-way END_TRANSACTION), `inflight` outstanding:
//                      transactions/s (send() returned); time from send to delivery;
//   lost end           the local transaction answers UNKNOWN, as if its END_TRANSACTION was lost;
//                      the broker's check-back asks, checkLocalTransaction answers COMMIT: time
//                      from send() returning to delivery. Bound by the broker's check timing
//                      (--check-timeout-ms = transactionTimeOut, --check-interval-ms =
//                      transactionCheckInterval; RocketMQ's defaults are 6 s and 60 s).
//   npx tsx bench/transactions.ts [--messages 20000] [--inflight 256] [--lost 200]
//                                 [--check-timeout-ms 1000] [--check-interval-ms 300] [--tiny]
import { createHistogram } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Producer } from '../src/client/producer.js';
import { PushConsumer } from '../src/client/push-consumer.js';
import { TransactionProducer } from '../src/client/transaction-producer.js';
import { silentLogger } from '../src/common/logger.js';
import { startBroker, startNamesrv } from '../test/harness/processes.js';
import { createTopic, waitFor } from '../test/harness/topics.js';
import { BODY_1KIB, nowMs, pctMs, recordMs } from './workload.js';

const logger = silentLogger();
const QUEUES = 8;
const SEQ = 'benchSeq';

export interface TxBenchOptions {
  messages: number;
  inflight: number;
  lost: number;
  checkTimeoutMs: number;
  checkIntervalMs: number;
}

export interface TxBenchRow {
  run: string;
  messages: number;
  /** Acknowledged sends (or transactions) per second; 0 where not measured. */
  perSecond: number;
  sendP50Ms: number;
  sendP99Ms: number;
  deliveryP50Ms: number;
  deliveryP99Ms: number;
  delivered: number;
}

/** A push consumer of topic; delivered(seq) once per seq (a redelivery is not counted again). */
async function consumer(namesrvAddr: string, topic: string, delivered: (seq: number) => void) {
  const seen = new Set<number>();
  const c = new PushConsumer({
    namesrvAddr,
    consumerGroup: `${topic}_CG`,
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    logger,
  });
  c.on('error', () => {});
  c.subscribe(topic, '*').registerMessageListener((msgs) => {
    for (const m of msgs) {
      const seq = Number(m.properties[SEQ]);
      if (seen.has(seq)) continue;
      seen.add(seq);
      delivered(seq);
    }
    return 'CONSUME_SUCCESS';
  });
  await c.start();
  return { c, seen };
}

/**
 * n sends through send(seq), `inflight` outstanding; delivery is timed from the send's start, or
 * from its return with fromReturn (the lost end: what is measured is the check-back's delay).
 */
async function measure(
  run: string,
  o: { namesrvAddr: string; brokerAddr: string; n: number; inflight: number },
  send: (topic: string, seq: number) => Promise<void>,
  fromReturn = false,
): Promise<TxBenchRow> {
  const topic = `Bench${run.replace(/\W/g, '')}_${process.pid}`;
  await createTopic(o.brokerAddr, o.namesrvAddr, topic, QUEUES);
  const sendH = createHistogram();
  const deliveryH = createHistogram();
  const from = new Map<number, number>();
  const { c, seen } = await consumer(o.namesrvAddr, topic, (seq) => {
    const t = from.get(seq);
    if (t !== undefined) recordMs(deliveryH, nowMs() - t);
  });
  try {
    let next = 0;
    const t0 = nowMs();
    await Promise.all(
      Array.from({ length: Math.min(o.inflight, o.n) }, async () => {
        while (next < o.n) {
          const seq = next++;
          const t = nowMs();
          if (!fromReturn) from.set(seq, t);
          await send(topic, seq);
          const done = nowMs();
          if (fromReturn) from.set(seq, done);
          recordMs(sendH, done - t);
        }
      }),
    );
    const seconds = (nowMs() - t0) / 1000;
    await waitFor(() => seen.size >= o.n, 120_000, `${run}: all ${o.n} delivered`);
    return {
      run,
      messages: o.n,
      perSecond: fromReturn ? 0 : o.n / seconds,
      sendP50Ms: pctMs(sendH, 50),
      sendP99Ms: pctMs(sendH, 99),
      deliveryP50Ms: pctMs(deliveryH, 50),
      deliveryP99Ms: pctMs(deliveryH, 99),
      delivered: seen.size,
    };
  } finally {
    await c.shutdown();
  }
}

function txProducer(namesrvAddr: string, local: 'COMMIT' | 'UNKNOWN'): TransactionProducer {
  return new TransactionProducer({
    namesrvAddr,
    producerGroup: `BenchTx${local}_${process.pid}`,
    logger,
    transactionListener: {
      executeLocalTransaction: () => local,
      checkLocalTransaction: () => 'COMMIT',
    },
  });
}

export async function runTransactionsBench(o: TxBenchOptions): Promise<TxBenchRow[]> {
  const namesrv = await startNamesrv();
  const broker = await startBroker({
    namesrvAddr: namesrv.addr,
    conf: { transactionTimeOut: o.checkTimeoutMs, transactionCheckInterval: o.checkIntervalMs },
  });
  const at = { namesrvAddr: namesrv.addr, brokerAddr: broker.addr, inflight: o.inflight };
  const plain = new Producer({ namesrvAddr: namesrv.addr, producerGroup: 'BenchPlain', logger });
  const commit = txProducer(namesrv.addr, 'COMMIT');
  const unknown = txProducer(namesrv.addr, 'UNKNOWN');
  const msg = (topic: string, seq: number) => ({
    topic,
    body: BODY_1KIB,
    properties: { [SEQ]: String(seq) },
  });
  try {
    await Promise.all([plain.start(), commit.start(), unknown.start()]);
    // Warm up: routes fetched, connections open, before anything is timed.
    const warm = `BenchWarm_${process.pid}`;
    await createTopic(broker.addr, namesrv.addr, warm, QUEUES);
    await Promise.all([plain.send(msg(warm, 0)), commit.send(msg(warm, 0))]);
    const rows = [
      await measure('plain sends', { ...at, n: o.messages }, async (t, s) => {
        await plain.send(msg(t, s));
      }),
      await measure('transactions (commit)', { ...at, n: o.messages }, async (t, s) => {
        await commit.send(msg(t, s));
      }),
      await measure(
        'lost end, check-back commits',
        { ...at, n: o.lost },
        async (t, s) => {
          await unknown.send(msg(t, s));
        },
        true,
      ),
    ];
    return rows;
  } finally {
    await Promise.all([plain.shutdown(), commit.shutdown(), unknown.shutdown()]);
    await broker.stop();
    await namesrv.stop();
  }
}

const ms = (v: number) => v.toFixed(v < 10 ? 2 : 1);

export function formatRows(rows: TxBenchRow[]): string {
  const head =
    '| run | messages | per s | send p50 ms | send p99 ms | delivery p50 ms | delivery p99 ms |\n' +
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |';
  const line = (r: TxBenchRow) =>
    `| ${r.run} | ${r.messages} | ${r.perSecond ? Math.round(r.perSecond) : ''} | ` +
    `${ms(r.sendP50Ms)} | ${ms(r.sendP99Ms)} | ${ms(r.deliveryP50Ms)} | ${ms(r.deliveryP99Ms)} |`;
  return [head, ...rows.map(line)].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      messages: { type: 'string' },
      inflight: { type: 'string' },
      lost: { type: 'string' },
      'check-timeout-ms': { type: 'string' },
      'check-interval-ms': { type: 'string' },
      tiny: { type: 'boolean' },
    },
  });
  const o: TxBenchOptions = {
    messages: values.tiny ? 500 : Number(values.messages ?? 20_000),
    inflight: Number(values.inflight ?? 256),
    lost: values.tiny ? 20 : Number(values.lost ?? 200),
    checkTimeoutMs: Number(values['check-timeout-ms'] ?? 1000),
    checkIntervalMs: Number(values['check-interval-ms'] ?? 300),
  };
  console.error(
    `transactions: ${o.messages} plain and ${o.messages} transactional sends, ${o.inflight} in ` +
      `flight; ${o.lost} lost ends (transactionTimeOut ${o.checkTimeoutMs} ms, ` +
      `transactionCheckInterval ${o.checkIntervalMs} ms)…`,
  );
  console.log(formatRows(await runTransactionsBench(o)));
}
