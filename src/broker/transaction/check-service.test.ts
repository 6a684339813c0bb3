// The check-back against an in-process broker, its rounds run with the test's clock: when a
// pending half message is checked, on which connection, with what, and when it stops.
import { describe, expect, it } from 'vitest';
import { MessageSysFlag } from '../../message/message.js';
import { decodeRecord } from '../../message/record-codec.js';
import { TRANS_CHECK_MAX_TIME_TOPIC } from '../../message/system-topics.js';
import { decodeCheckTransactionStateHeader } from '../../protocol/headers/check-transaction-state.js';
import { isOneway } from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { nodeFileIO } from '../../store/file-io.js';
import { brokerPerTest, type InMemoryConnection } from '../in-process-broker.fixture.js';
import { TransactionCheckService } from './check-service.js';
import { endFields, GROUP, sendHalf, storedIn } from './transaction.fixture.js';

const TIMEOUT = 6_000;
const INTERVAL = 30_000;
const h = brokerPerTest({ transactionCheckMax: 3 }, () => h.createTopic('Orders', 4));

async function joinGroup(conn: InMemoryConnection, group = GROUP): Promise<void> {
  const body = { clientID: `producer@${conn.id}`, producerDataSet: [{ groupName: group }] };
  const r = await h.request(RequestCode.HEART_BEAT, {}, Buffer.from(JSON.stringify(body)), conn);
  expect(r.code).toBe(ResponseCode.SUCCESS);
}

const checksOn = (conn: InMemoryConnection) =>
  conn.pushed.filter((c) => c.code === RequestCode.CHECK_TRANSACTION_STATE);

/** The store time of the only half message, the clock the rounds are run against. */
const storedAt = () => storedIn(h, 'RMQ_SYS_TRANS_HALF_TOPIC', 0)[0]!.storeTimestamp;

describe('transaction check-back', () => {
  it('as a follower (SLAVE) checks nothing: the replicated half waits for the master', async () => {
    await joinGroup(h.conn);
    await sendHalf(h, 'Orders', 'pending', 2);
    const { store, producers, transactions, topics, config, log } = h.ctx;
    const deps = {
      store,
      producers,
      transactions,
      topics,
      io: nodeFileIO,
      root: config.storePathRootDir,
      log,
    };
    const settings = {
      timeoutMs: TIMEOUT,
      intervalMs: INTERVAL,
      checkMax: 3,
      brokerName: config.brokerName,
      follower: true,
    };
    const follower = new TransactionCheckService(deps, settings);
    await sendHalf(h, 'Orders', 'replicated later', 1);
    expect(follower.size).toBe(0); // nothing indexed: no round would ever prune it
    await follower.round(storedAt() + 10 * TIMEOUT);
    expect(checksOn(h.conn)).toEqual([]);
  });

  it('checks an undecided half after transactionTimeOut, one-way, with the half as the body', async () => {
    await joinGroup(h.conn);
    const sent = await sendHalf(h, 'Orders', 'pending', 2, { KEYS: 'k' });
    const checks = h.ctx.transactionChecks;
    const t0 = storedAt();
    await checks.round(t0 + TIMEOUT - 1);
    expect(checksOn(h.conn)).toEqual([]);
    await checks.round(t0 + TIMEOUT);
    const [req, ...more] = checksOn(h.conn);
    expect(more).toEqual([]);
    expect(isOneway(req!)).toBe(true);
    const head = decodeCheckTransactionStateHeader(req!.extFields);
    expect(head).toMatchObject({
      topic: 'RMQ_SYS_TRANS_HALF_TOPIC',
      tranStateTableOffset: sent.queueOffset,
      commitLogOffset: sent.commitLogOffset,
      msgId: sent.transactionId,
      transactionId: sent.transactionId,
      bname: h.ctx.config.brokerName,
    });
    const m = decodeRecord(req!.body!, 0);
    expect(m).toMatchObject({ topic: 'Orders', queueId: 2, commitLogOffset: sent.commitLogOffset });
    expect(m.body.toString()).toBe('pending');
    expect(m.properties).toMatchObject({ KEYS: 'k', UNIQ_KEY: sent.transactionId, PGROUP: GROUP });
    expect(head.offsetMsgId).toBe(m.offsetMsgId);
    expect(checks.checksOf(sent.transactionId)).toBe(1);

    // The producer answers as the Java client does: END_TRANSACTION with the check's offsets.
    const answer = endFields(
      { ...sent, queueOffset: head.tranStateTableOffset, commitLogOffset: head.commitLogOffset },
      MessageSysFlag.TRANSACTION_COMMIT_TYPE,
      { fromTransactionCheck: 'true' },
    );
    expect((await h.request(RequestCode.END_TRANSACTION, answer)).code).toBe(0);
    await checks.round(t0 + TIMEOUT + 10 * INTERVAL);
    expect(checksOn(h.conn)).toHaveLength(1);
    expect(checks.size).toBe(0);
    expect(storedIn(h, 'Orders', 2)).toHaveLength(1);
  });

  it('checks every transactionCheckInterval, on each member of the group in turn', async () => {
    const other = h.connect();
    await joinGroup(h.conn);
    await joinGroup(other);
    await sendHalf(h, 'Orders', 'x', 0);
    const t0 = storedAt() + TIMEOUT;
    for (const t of [t0, t0 + 1, t0 + INTERVAL * 0.9 - 1, t0 + INTERVAL]) {
      await h.ctx.transactionChecks.round(t);
    }
    expect(checksOn(h.conn).length + checksOn(other).length).toBe(2);
    expect(checksOn(h.conn)).toHaveLength(1);
    expect(checksOn(other)).toHaveLength(1);
  });

  it('sends nothing and counts nothing without a producer of the group', async () => {
    await joinGroup(h.conn, 'SomeOtherGroup');
    const sent = await sendHalf(h, 'Orders', 'x', 0);
    await h.ctx.transactionChecks.round(storedAt() + TIMEOUT);
    expect(h.conn.pushed).toEqual([]);
    expect(h.ctx.transactionChecks.checksOf(sent.transactionId)).toBe(0);
  });

  it('waits out CHECK_IMMUNITY_TIME_IN_SECONDS when it is longer than the timeout', async () => {
    await joinGroup(h.conn);
    await sendHalf(h, 'Orders', 'x', 0, { CHECK_IMMUNITY_TIME_IN_SECONDS: '60' });
    await h.ctx.transactionChecks.round(storedAt() + 59_999);
    expect(checksOn(h.conn)).toEqual([]);
    await h.ctx.transactionChecks.round(storedAt() + 60_000);
    expect(checksOn(h.conn)).toHaveLength(1);
  });

  it('discards to TRANS_CHECK_MAX_TIME_TOPIC after transactionCheckMax checks', async () => {
    await joinGroup(h.conn);
    const sent = await sendHalf(h, 'Orders', 'never decided', 1);
    const t0 = storedAt() + TIMEOUT;
    for (let i = 0; i <= 5; i++) await h.ctx.transactionChecks.round(t0 + i * INTERVAL);
    expect(checksOn(h.conn)).toHaveLength(3);
    const [gone, ...more] = storedIn(h, TRANS_CHECK_MAX_TIME_TOPIC, 0);
    expect(more).toEqual([]);
    expect(gone!.body.toString()).toBe('never decided');
    expect(gone!.properties).toMatchObject({ REAL_TOPIC: 'Orders', REAL_QID: '1' });
    expect(h.ctx.transactionChecks.size).toBe(0);
    expect(h.ctx.transactionChecks.checksOf(sent.transactionId)).toBeUndefined();
    expect(storedIn(h, 'Orders', 1)).toEqual([]);
  });

  it('discards a half stored longer ago than fileReservedTime, checks left or not', async () => {
    await joinGroup(h.conn);
    const sent = await sendHalf(h, 'Orders', 'too old', 1);
    const reservedMs = h.ctx.config.fileReservedTime * 3_600_000;
    await h.ctx.transactionChecks.round(storedAt() + reservedMs);
    expect(checksOn(h.conn)).toHaveLength(1);
    expect(storedIn(h, TRANS_CHECK_MAX_TIME_TOPIC, 0)).toEqual([]);
    await h.ctx.transactionChecks.round(storedAt() + reservedMs + 1);
    expect(checksOn(h.conn)).toHaveLength(1);
    const [gone, ...more] = storedIn(h, TRANS_CHECK_MAX_TIME_TOPIC, 0);
    expect(more).toEqual([]);
    expect(gone!.properties).toMatchObject({ TRANSACTION_CHECK_TIMES: '1', REAL_TOPIC: 'Orders' });
    expect(h.ctx.transactionChecks.checksOf(sent.transactionId)).toBeUndefined();
    expect(h.ctx.transactionChecks.discarded).toBe(1);
  });
});
