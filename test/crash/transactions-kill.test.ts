// Broker kill -9 between half messages and their END_TRANSACTION, repeated. Each round sends a
// batch of half messages (all acknowledged), ends a third with answered commits and a third
// with answered rollbacks (an answer comes only once the decision is durable), leaves the last
// third undecided, then starts one-way ends for a few of the undecided ones and another batch of
// half sends, and kills the broker with SIGKILL while those are in flight, and restarts it.
// Nothing is checked back during the rounds: no producer of the group has sent a heartbeat.
//
// At the end a producer of the group joins (HEART_BEAT) and answers every check-back with the
// decision its body names. Then: every committed body is in the topic exactly once, no rolled-
// back body ever is, a decision answered before a kill is never checked back and is still the
// recorded one, every acknowledged half left undecided is checked back and resolved by the
// answer. Halves in flight at a kill, acknowledged or not, are delivered at most once and only
// if their body says commit.
//
// SYNC_FLUSH, so an acknowledged half is on disk before its ack; kill -9 keeps the kernel's page
// cache anyway (only a power loss would lose an ASYNC_FLUSH ack), so this proves recovery of the
// half queue, the decision log and the pending-half index, not fdatasync.
import { describe, expect, it } from 'vitest';
import { decodeMessages } from '../../src/client/impl/decode-messages.js';
import { silentLogger } from '../../src/common/logger.js';
import { MessageSysFlag } from '../../src/message/message.js';
import { decodeCheckTransactionStateHeader } from '../../src/protocol/headers/check-transaction-state.js';
import { encodeEndTransactionHeader } from '../../src/protocol/headers/end-transaction.js';
import { createRequest } from '../../src/protocol/remoting-command.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { RemotingClient } from '../../src/remoting/remoting-client.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import { waitForAsync } from '../harness/topics.js';
import {
  endTransactionRequest,
  halfOf,
  type RawHalf,
  sendRawHalf,
} from '../harness/transactions.js';

const ROUNDS = 4;
const BATCH = 30;
const COMMIT = MessageSysFlag.TRANSACTION_COMMIT_TYPE;
const ROLLBACK = MessageSysFlag.TRANSACTION_ROLLBACK_TYPE;
const topic = uniqueName('TxKill');
const group = uniqueName('TxKillGroup');

const cluster = useCluster({
  brokerConfig: {
    flushDiskType: 'SYNC_FLUSH',
    transactionTimeOut: 300,
    transactionCheckInterval: 200,
  },
  topics: [{ name: topic, queues: 1 }],
});

interface Half extends RawHalf {
  body: string;
}

/** A body names its intended decision: `…-C` commit, `…-R` rollback. */
const intent = (body: string) => (body.endsWith('-C') ? COMMIT : ROLLBACK);

async function sendHalf(body: string): Promise<Half> {
  const r = await sendRawHalf(cluster.raw, topic, body, group);
  if (r.code !== ResponseCode.SUCCESS) throw new Error(`half ${body}: ${r.code} ${r.remark}`);
  return { body, ...halfOf(r) };
}

const endRequest = (h: Half, decision: number, oneway: boolean) =>
  endTransactionRequest(h, group, decision, oneway);

async function end(h: Half): Promise<string | undefined> {
  const r = await cluster.client.invoke(cluster.brokerAddr, endRequest(h, intent(h.body), false));
  expect(r.code, r.remark).toBe(ResponseCode.SUCCESS);
  return r.remark;
}

/** Every body in the topic, from offset 0 to its end. */
async function delivered(): Promise<string[]> {
  const out: string[] = [];
  const max = await cluster.raw.maxOffset(topic, 0);
  let offset = 0;
  while (offset < max) {
    const r = await cluster.raw.pull(topic, 'TxKillReader', 0, offset, { subscription: '*' });
    if (r.msgs.length === 0) break;
    for (const m of r.msgs) out.push(m.body.toString());
    offset = r.next;
  }
  return out;
}

/** The producer side: joins the group and answers each check-back with its body's decision. */
function answeringProducer(checked: Set<string>): RemotingClient {
  const producer: RemotingClient = new RemotingClient(silentLogger(), (cmd, _conn, addr) => {
    if (cmd.code !== RequestCode.CHECK_TRANSACTION_STATE || !cmd.body) return;
    const c = decodeCheckTransactionStateHeader(cmd.extFields);
    const body = bodyOfCheck(cmd.body);
    checked.add(body);
    const answer = encodeEndTransactionHeader({
      producerGroup: group,
      tranStateTableOffset: c.tranStateTableOffset,
      commitLogOffset: c.commitLogOffset,
      commitOrRollback: intent(body),
      fromTransactionCheck: true,
      msgId: c.msgId!,
      transactionId: c.transactionId,
    });
    void producer.invokeOneway(
      addr,
      createRequest(RequestCode.END_TRANSACTION, 0, answer, undefined, true),
    );
  });
  return producer;
}

/** The body of a check's message (commit-log encoding), as the SDK decodes it. */
function bodyOfCheck(record: Buffer): string {
  const [m] = decodeMessages(record);
  if (!m) throw new Error('check-back without a message');
  return m.body.toString();
}

describe('transactions under broker kill -9', () => {
  it(`honours every answered decision and resolves the rest across ${ROUNDS} crashes`, async () => {
    const decided: Half[] = [];
    const undecided: Half[] = [];
    const inFlight: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const halves = await Promise.all(
        Array.from({ length: BATCH }, (_, i) => sendHalf(`r${round}-${i}-${i % 2 ? 'R' : 'C'}`)),
      );
      const third = BATCH / 3;
      const toEnd = halves.slice(0, 2 * third);
      const remarks = await Promise.all(toEnd.map(end));
      expect(remarks.filter((r) => r?.startsWith('already'))).toEqual([]);
      decided.push(...toEnd);
      const rest = halves.slice(2 * third);
      // The kill comes in the middle of one-way ends and half sends.
      for (const h of rest.slice(0, 4)) {
        inFlight.push(h.body);
        void cluster.client
          .invokeOneway(cluster.brokerAddr, endRequest(h, intent(h.body), true))
          .catch(() => {});
      }
      undecided.push(...rest.slice(4));
      for (let i = BATCH; i < BATCH + 6; i++) {
        const body = `r${round}-${i}-${i % 2 ? 'R' : 'C'}`;
        inFlight.push(body);
        void sendHalf(body).catch(() => {});
      }
      await cluster.broker.kill();
      await cluster.broker.restart();
    }
    // Still undecided: nothing of them delivered, every answered commit there exactly once.
    const before = await delivered();
    const commits = decided.filter((h) => intent(h.body) === COMMIT).map((h) => h.body);
    for (const b of commits) expect(before.filter((x) => x === b)).toEqual([b]);
    for (const h of undecided) expect(before).not.toContain(h.body);

    const checked = new Set<string>();
    const producer = answeringProducer(checked);
    try {
      const hb = { clientID: `tx-${group}`, producerDataSet: [{ groupName: group }] };
      const joined = await producer.invoke(
        cluster.brokerAddr,
        createRequest(RequestCode.HEART_BEAT, 0, {}, Buffer.from(JSON.stringify(hb))),
        10_000,
      );
      expect(joined.code).toBe(ResponseCode.SUCCESS);
      const expected = [
        ...commits,
        ...undecided.filter((h) => intent(h.body) === COMMIT).map((h) => h.body),
      ];
      await waitForAsync(
        async () => {
          const now = await delivered();
          return (
            expected.every((b) => now.includes(b)) && undecided.every((h) => checked.has(h.body))
          );
        },
        30_000,
        'every undecided half checked back and every commit delivered',
      );
      // Answered decisions were never asked about again, and are still the recorded ones.
      expect(decided.filter((h) => checked.has(h.body)).map((h) => h.body)).toEqual([]);
      for (const h of decided) expect(await end(h)).toMatch(/^already /);
      // The checked ones resolved as answered (a second, equal decision is accepted).
      for (const h of undecided) await end(h);
      const after = await delivered();
      const counts = new Map<string, number>();
      for (const b of after) counts.set(b, (counts.get(b) ?? 0) + 1);
      expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
      expect(after.filter((b) => intent(b) === ROLLBACK)).toEqual([]);
      for (const b of expected) expect(counts.get(b)).toBe(1);
      for (const b of after) expect([...expected, ...inFlight]).toContain(b);
    } finally {
      producer.close();
    }
  }, 90_000);
});
