// The money transfer: account A (bank A, producer.ts) pays account B (bank B, the consumer here)
// through transactional messages, and the books balance however often bank A crashes.
//   npm run example:transfer -- [--namesrv 127.0.0.1:9876 --broker 127.0.0.1:10911]
//                               [--transfers 200] [--kills 5] [--dir ./transfer-data]
// With --namesrv/--broker it runs against a running `npm start` (its check-backs come after
// RocketMQ's defaults, transactionTimeOut 6 s and transactionCheckInterval 60 s, so the end can
// take a minute); without, it starts its own name server and broker from dist/ (npm run build)
// with checks every 300 ms after 1 s.
// Bank A is started, killed with SIGKILL after a random number of transfers (anywhere: before
// the half message, between it and the debit, between the debit and END_TRANSACTION), restarted,
// and so on --kills times; a last run sends the rest and stays up to answer check-backs.
// Bank B credits B in b-credits.jsonl (fsynced) once per transactionId: a redelivery is skipped.
// At the end: A's debits = B's credits, the same transactionIds, none twice.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PushConsumer } from '../../src/client/push-consumer.js';
import { silentLogger } from '../../src/common/logger.js';
import { MessageConst } from '../../src/message/message.js';
import { startBroker, startNamesrv } from '../../test/harness/processes.js';
import { createTopic, waitFor } from '../../test/harness/topics.js';
import { type Entry, Ledger, readLedger } from './ledger.js';

const PRODUCER = fileURLToPath(new URL('./producer.ts', import.meta.url));

export interface TransferOptions {
  transfers: number;
  kills: number;
  dir?: string;
  /** Both or neither: a running name server and broker. */
  namesrv?: string;
  broker?: string;
  settleTimeoutMs?: number;
}

export interface TransferSummary {
  attempted: number;
  kills: number;
  debited: { count: number; total: number };
  credited: { count: number; total: number };
  redeliveriesSkipped: number;
  balanced: boolean;
}

/** Bank A as a child; resolves with the child and a counter of the transfers it has sent. */
function startBankA(namesrv: string, topic: string, dir: string, first: number, count: number) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', PRODUCER, namesrv, topic, dir, String(first), String(count)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const state = { sent: 0, ready: false, done: false };
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line === 'ready') state.ready = true;
    else if (line === 'done') state.done = true;
    else if (line.startsWith('sent ')) state.sent++;
  });
  return { child, state };
}

/** Resolves once the child is gone and its stdout is read to the end (every "sent" counted). */
function closed(child: ChildProcess): Promise<void> {
  if (child.stdout?.closed && (child.exitCode !== null || child.signalCode !== null)) {
    return Promise.resolve();
  }
  return new Promise((r) => child.once('close', () => r()));
}

/** Bank B: credits once per transactionId; counts the redeliveries it skipped. */
async function startBankB(namesrv: string, topic: string, dir: string) {
  const credits = new Ledger(join(dir, 'b-credits.jsonl'));
  const stats = { skipped: 0 };
  const consumer = new PushConsumer({
    namesrvAddr: namesrv,
    consumerGroup: 'BankB',
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    logger: silentLogger(),
  });
  consumer.on('error', () => {});
  consumer.subscribe(topic, '*').registerMessageListener((msgs) => {
    for (const m of msgs) {
      const transactionId = m.properties[MessageConst.UNIQ_KEY]!;
      if (credits.byTransaction.has(transactionId)) {
        stats.skipped++;
        continue;
      }
      const { transferId, amount } = JSON.parse(m.body.toString());
      credits.append({ transactionId, transferId, amount });
    }
    return 'CONSUME_SUCCESS';
  });
  await consumer.start();
  return { consumer, credits, stats };
}

const total = (es: Entry[]) => es.reduce((s, e) => s + e.amount, 0);
const sameIds = (a: Entry[], b: Map<string, Entry>) =>
  a.length === b.size && a.every((e) => b.has(e.transactionId));

async function withServers<T>(
  opts: TransferOptions,
  run: (namesrv: string, broker: string) => Promise<T>,
): Promise<T> {
  if (opts.namesrv && opts.broker) return run(opts.namesrv, opts.broker);
  const namesrv = await startNamesrv();
  const broker = await startBroker({
    namesrvAddr: namesrv.addr,
    conf: { transactionTimeOut: 1000, transactionCheckInterval: 300 },
  });
  try {
    return await run(namesrv.addr, broker.addr);
  } finally {
    await broker.stop();
    await namesrv.stop();
  }
}

export function runTransfer(opts: TransferOptions): Promise<TransferSummary> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'transfer-'));
  mkdirSync(dir, { recursive: true });
  return withServers(opts, async (namesrv, broker) => {
    const topic = `Transfers-${Date.now()}`;
    await createTopic(broker, namesrv, topic, 4);
    const bankB = await startBankB(namesrv, topic, dir);
    let next = 0;
    try {
      // Each killed run may use up all but one transfer: the last run sends at least one, and its
      // first half message is followed by a heartbeat that lets the broker check back with it.
      for (let k = 0; k < opts.kills && next < opts.transfers - 1; k++) {
        const left = opts.transfers - 1 - next;
        const a = startBankA(namesrv, topic, dir, next, left);
        const killAfter = Math.floor(Math.random() * Math.min(left, 2 * (left / opts.kills)));
        await waitFor(() => a.state.sent >= killAfter || a.state.done, 60_000, 'bank A sending');
        a.child.kill('SIGKILL');
        await closed(a.child);
        // The transfer in flight at the kill may have reached the broker: never reuse its number.
        next += Math.min(a.state.sent + 1, left);
      }
      const last = startBankA(namesrv, topic, dir, next, opts.transfers - next);
      await waitFor(() => last.state.done, 120_000, 'bank A finishing its transfers');
      const debits = () => readLedger(join(dir, 'a-debits.jsonl'));
      // Check-backs settle the half messages of the killed runs; then B has what A debited.
      await waitFor(
        () => sameIds(debits(), bankB.credits.byTransaction),
        opts.settleTimeoutMs ?? 180_000,
        "B's credits to match A's debits",
      );
      last.child.kill('SIGTERM');
      await closed(last.child);
      const a = debits();
      const b = readLedger(join(dir, 'b-credits.jsonl'));
      const once = new Set(b.map((e) => e.transactionId)).size === b.length;
      const oneDebitPerTransfer = new Set(a.map((e) => e.transferId)).size === a.length;
      return {
        attempted: opts.transfers,
        kills: opts.kills,
        debited: { count: a.length, total: total(a) },
        credited: { count: b.length, total: total(b) },
        redeliveriesSkipped: bankB.stats.skipped,
        balanced:
          once &&
          oneDebitPerTransfer &&
          total(a) === total(b) &&
          sameIds(a, new Map(b.map((e) => [e.transactionId, e]))),
      };
    } finally {
      await bankB.consumer.shutdown();
      bankB.credits.close();
    }
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      namesrv: { type: 'string' },
      broker: { type: 'string' },
      transfers: { type: 'string', default: '200' },
      kills: { type: 'string', default: '5' },
      dir: { type: 'string' },
    },
  });
  const s = await runTransfer({
    namesrv: values.namesrv,
    broker: values.broker,
    transfers: Number(values.transfers),
    kills: Number(values.kills),
    dir: values.dir,
  });
  console.log(`transfers started:     ${s.attempted} (bank A killed ${s.kills} times)`);
  console.log('(a transfer cut short by a kill is debited and credited, or neither)');
  console.log(`A debited:             ${s.debited.count} transfers, ${s.debited.total}`);
  console.log(`B credited:            ${s.credited.count} transfers, ${s.credited.total}`);
  console.log(`redeliveries skipped:  ${s.redeliveriesSkipped}`);
  console.log(s.balanced ? 'the books balance' : 'THE BOOKS DO NOT BALANCE');
  process.exit(s.balanced ? 0 : 1);
}
