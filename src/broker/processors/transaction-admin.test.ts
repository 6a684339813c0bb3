// KITEMQ_QUERY_HALF_MESSAGES, KITEMQ_END_HALF_MESSAGE and RESUME_CHECK_HALF_MESSAGE against an
// in-process broker, the check rounds run with the test's clock.
import { describe, expect, it } from 'vitest';
import { MessageSysFlag } from '../../message/message.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { brokerPerTest } from '../in-process-broker.fixture.js';
import type { HalfMessageInfo, TransactionCounters } from '../transaction/half-admin.js';
import { endFields, GROUP, sendHalf, storedIn } from '../transaction/transaction.fixture.js';

const COMMIT = MessageSysFlag.TRANSACTION_COMMIT_TYPE;
const ROLLBACK = MessageSysFlag.TRANSACTION_ROLLBACK_TYPE;
const h = brokerPerTest({ transactionCheckMax: 1 }, () => {
  h.createTopic('Orders', 4);
  h.createTopic('Refunds', 4);
});

async function query(
  topic?: string,
): Promise<{ halfMessages: HalfMessageInfo[]; counters: TransactionCounters[] }> {
  const r = await h.request(RequestCode.KITEMQ_QUERY_HALF_MESSAGES, topic ? { topic } : {});
  expect(r.code, r.remark).toBe(ResponseCode.SUCCESS);
  return JSON.parse(r.body!.toString());
}

const force = (transactionId: string, d: number) =>
  h.request(RequestCode.KITEMQ_END_HALF_MESSAGE, {
    transactionId,
    commitOrRollback: String(d),
  });

async function joinGroup(): Promise<void> {
  const body = { clientID: 'producer@1', producerDataSet: [{ groupName: GROUP }] };
  const r = await h.request(RequestCode.HEART_BEAT, {}, Buffer.from(JSON.stringify(body)));
  expect(r.code).toBe(ResponseCode.SUCCESS);
}

describe('transaction admin', () => {
  it('lists pending half messages with topic, group, checks and offset, and counts per topic', async () => {
    const a = await sendHalf(h, 'Orders', 'a', 2);
    const b = await sendHalf(h, 'Refunds', 'b', 1);
    const c = await sendHalf(h, 'Orders', 'c', 0);
    expect((await h.request(RequestCode.END_TRANSACTION, endFields(c, ROLLBACK))).code).toBe(0);
    const { halfMessages, counters } = await query();
    expect(halfMessages.map((m) => [m.state, m.topic, m.queueId, m.transactionId])).toEqual([
      ['pending', 'Orders', 2, a.transactionId],
      ['pending', 'Refunds', 1, b.transactionId],
    ]);
    expect(halfMessages[0]).toMatchObject({
      producerGroup: GROUP,
      checks: 0,
      commitLogOffset: a.commitLogOffset,
    });
    expect(halfMessages[0]!.ageMs).toBeGreaterThanOrEqual(0);
    expect(counters).toEqual([
      { topic: 'Orders', pending: 1, committed: 0, rolledBack: 1, discarded: 0, checksSent: 0 },
      { topic: 'Refunds', pending: 1, committed: 0, rolledBack: 0, discarded: 0, checksSent: 0 },
    ]);
    expect((await query('Refunds')).halfMessages.map((m) => m.transactionId)).toEqual([
      b.transactionId,
    ]);
  });

  it('forces a commit through the END_TRANSACTION path; the first decision wins', async () => {
    const a = await sendHalf(h, 'Orders', 'forced', 3);
    const r = await force(a.transactionId, COMMIT);
    expect(r.code, r.remark).toBe(ResponseCode.SUCCESS);
    expect(storedIn(h, 'Orders', 3).map((m) => m.body.toString())).toEqual(['forced']);
    const again = await force(a.transactionId, ROLLBACK);
    expect(again.code).toBe(ResponseCode.TRANSACTION_FAILED);
    expect(again.remark).toMatch(/already committed/);
    const late = await h.request(RequestCode.END_TRANSACTION, endFields(a, COMMIT));
    expect(late.remark).toBe('already committed');
    expect(storedIn(h, 'Orders', 3)).toHaveLength(1);
    expect((await query()).counters).toEqual([
      { topic: 'Orders', pending: 0, committed: 1, rolledBack: 0, discarded: 0, checksSent: 0 },
    ]);
    expect((await force('no-such-tx', COMMIT)).code).toBe(ResponseCode.QUERY_NOT_FOUND);
    expect((await force(a.transactionId, 0)).code).toBe(ResponseCode.INVALID_PARAMETER);
  });

  it('lists a discarded half, resumes it to be checked again, and counts the checks', async () => {
    await joinGroup();
    const a = await sendHalf(h, 'Orders', 'late', 1);
    const checks = h.ctx.transactionChecks;
    const t0 = storedIn(h, 'RMQ_SYS_TRANS_HALF_TOPIC', 0)[0]!.storeTimestamp;
    const later = t0 + h.ctx.config.transactionTimeOut;
    await checks.round(later); // one check (transactionCheckMax=1)
    await checks.round(later + h.ctx.config.transactionCheckInterval); // discarded
    const listed = await query();
    expect(listed.halfMessages).toMatchObject([
      { state: 'discarded', topic: 'Orders', transactionId: a.transactionId, checks: 1 },
    ]);
    expect(listed.counters).toEqual([
      { topic: 'Orders', pending: 0, committed: 0, rolledBack: 0, discarded: 1, checksSent: 1 },
    ]);
    const msgId = listed.halfMessages[0]!.offsetMsgId;
    const r = await h.request(RequestCode.RESUME_CHECK_HALF_MESSAGE, { msgId });
    expect(r.code, r.remark).toBe(ResponseCode.SUCCESS);
    const resumed = (await query()).halfMessages;
    expect(resumed).toMatchObject([
      { state: 'pending', transactionId: a.transactionId, checks: 0 },
    ]);
    expect(checks.checksOf(a.transactionId)).toBe(0);
    expect(storedIn(h, 'RMQ_SYS_TRANS_HALF_TOPIC', 0).at(-1)!.properties).toMatchObject({
      TRANSACTION_CHECK_TIMES: '0',
      REAL_TOPIC: 'Orders',
    });
    // Already pending: not put back twice. A forced rollback ends it; resume is then refused.
    expect((await h.request(RequestCode.RESUME_CHECK_HALF_MESSAGE, { msgId })).remark).toMatch(
      /already pending/,
    );
    expect((await force(a.transactionId, ROLLBACK)).code).toBe(ResponseCode.SUCCESS);
    const refused = await h.request(RequestCode.RESUME_CHECK_HALF_MESSAGE, { msgId });
    expect(refused.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(refused.remark).toMatch(/already rolled back/);
    expect((await query()).halfMessages).toEqual([]);
  });

  it('refuses a malformed resume msgId', async () => {
    const r = await h.request(RequestCode.RESUME_CHECK_HALF_MESSAGE, { msgId: 'nope' });
    expect(r.code).toBe(ResponseCode.SYSTEM_ERROR);
  });
});
