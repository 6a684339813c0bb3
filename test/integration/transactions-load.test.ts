// Many concurrent transactions with mixed outcomes, through our TransactionProducer against a
// real broker. Transaction i (body `tx-i`) answers by i % 4: COMMIT, ROLLBACK, or UNKNOWN whose
// check-back answers COMMIT (i % 4 == 2) or ROLLBACK (i % 4 == 3). Check-backs run fast here
// (transactionTimeOut 300 ms, transactionCheckInterval 200 ms); the test waits for their effect.
//
// Proof that everything resolved: every committed body is in the topic exactly once, and then
// every transaction's decision is asked again with a non-one-way END_TRANSACTION carrying the
// expected decision; the broker must answer "already committed" / "already rolled back" for
// each (an undecided one would be decided by this request and answered otherwise; a wrong one
// is refused). Since every decision is recorded before it is acted on and a recorded one is
// never acted on twice, nothing more can be delivered afterwards, so what the topic holds then
// is final: no rolled-back body in it.
//
// N is the 10,000 (4-13 s of test time on two shared cores); KITEMQ_TX_LOAD_N sets
// another. They are sent in waves of 1,000 concurrent transactions.
import { describe, expect, it } from 'vitest';
import {
  type LocalTransactionState,
  TransactionProducer,
} from '../../src/client/transaction-producer.js';
import { silentLogger } from '../../src/common/logger.js';
import { MessageSysFlag } from '../../src/message/message.js';
import { encodeEndTransactionHeader } from '../../src/protocol/headers/end-transaction.js';
import { createRequest } from '../../src/protocol/remoting-command.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import { waitForAsync } from '../harness/topics.js';

const N = Number(process.env.KITEMQ_TX_LOAD_N ?? 10_000);
const QUEUES = 4;
/** Transactions in flight at once (the SDK's sends are all concurrent within a wave). */
const WAVE = 1000;

const cluster = useCluster({
  brokerConfig: { transactionTimeOut: 300, transactionCheckInterval: 200 },
});

const outcome = (i: number): 'COMMIT' | 'ROLLBACK' =>
  i % 4 === 0 || i % 4 === 2 ? 'COMMIT' : 'ROLLBACK';
const firstAnswer = (i: number): LocalTransactionState => (i % 4 < 2 ? outcome(i) : 'UNKNOWN');
const indexOf = (body: string): number => Number(body.slice(3));

/** Every body in the topic's queues, read from offset 0 to the end. */
async function allBodies(topic: string): Promise<string[]> {
  const out: string[] = [];
  for (let q = 0; q < QUEUES; q++) {
    const max = await cluster.raw.maxOffset(topic, q);
    let offset = 0;
    while (offset < max) {
      const r = await cluster.raw.pull(topic, 'TxLoadReader', q, offset, { subscription: '*' });
      if (r.msgs.length === 0) break;
      for (const m of r.msgs) out.push(m.body.toString());
      offset = r.next;
    }
  }
  return out;
}

interface Sent {
  i: number;
  queueOffset: number;
  commitLogOffset: number;
  transactionId: string;
}

describe(`${N} concurrent transactions`, () => {
  it('all resolve: commits delivered once, rollbacks never, unknowns by their check-back', async () => {
    const topic = uniqueName('TxLoad');
    const group = uniqueName('TxLoadGroup');
    await cluster.createTopic(topic, QUEUES);
    const checked = new Set<number>();
    const tx = new TransactionProducer({
      namesrvAddr: cluster.namesrvAddr,
      producerGroup: group,
      logger: silentLogger(),
      sendMsgTimeout: 30_000,
      transactionListener: {
        executeLocalTransaction: (msg) => firstAnswer(indexOf(msg.body.toString())),
        checkLocalTransaction: async (msg) => {
          const i = indexOf(msg.body.toString());
          expect(i % 4).toBeGreaterThanOrEqual(2);
          checked.add(i);
          return outcome(i);
        },
      },
    });
    await tx.start();
    try {
      const sent: Sent[] = [];
      for (let start = 0; start < N; start += WAVE) {
        const wave = Array.from({ length: Math.min(WAVE, N - start) }, (_, k) => start + k);
        const results = await Promise.all(
          wave.map((i) => tx.send({ topic, body: `tx-${i}`, keys: `k-${i}` })),
        );
        results.forEach((r, k) => {
          const i = wave[k]!;
          expect(r.sendResult.sendStatus).toBe('SEND_OK');
          expect(r.localTransactionState).toBe(firstAnswer(i));
          sent.push({
            i,
            queueOffset: r.sendResult.queueOffset,
            commitLogOffset: Number.parseInt(r.sendResult.offsetMsgId.slice(-16), 16),
            transactionId: r.transactionId,
          });
        });
      }
      const commits = Array.from({ length: N }, (_, i) => i).filter((i) => outcome(i) === 'COMMIT');
      await waitForAsync(
        async () => (await allBodies(topic)).length >= commits.length,
        60_000,
        `${commits.length} commits delivered`,
      );
      const unknowns = sent.filter((s) => s.i % 4 >= 2).length;
      await waitForAsync(async () => checked.size === unknowns, 60_000, 'every unknown checked');
      // Every decision is recorded and is the expected one.
      const remarks = new Map<string, number>();
      for (let k = 0; k < sent.length; k += WAVE) {
        const answers = await Promise.all(
          sent.slice(k, k + WAVE).map(async (s) => {
            const decision =
              outcome(s.i) === 'COMMIT'
                ? MessageSysFlag.TRANSACTION_COMMIT_TYPE
                : MessageSysFlag.TRANSACTION_ROLLBACK_TYPE;
            const ext = encodeEndTransactionHeader({
              producerGroup: group,
              tranStateTableOffset: s.queueOffset,
              commitLogOffset: s.commitLogOffset,
              commitOrRollback: decision,
              fromTransactionCheck: false,
              msgId: s.transactionId,
              transactionId: s.transactionId,
            });
            const req = createRequest(RequestCode.END_TRANSACTION, 0, ext);
            const r = await cluster.client.invoke(cluster.brokerAddr, req, 30_000);
            expect(r.code, r.remark).toBe(ResponseCode.SUCCESS);
            return `${outcome(s.i)} ${r.remark}`;
          }),
        );
        for (const a of answers) remarks.set(a, (remarks.get(a) ?? 0) + 1);
      }
      expect(Object.fromEntries(remarks)).toEqual({
        'COMMIT already committed': commits.length,
        'ROLLBACK already rolled back': N - commits.length,
      });
      // Final now: each commit exactly once, no rollback.
      const bodies = (await allBodies(topic)).sort();
      expect(bodies).toEqual(commits.map((i) => `tx-${i}`).sort());
    } finally {
      await tx.shutdown();
    }
  }, 120_000);
});
