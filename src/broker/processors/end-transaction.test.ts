// END_TRANSACTION (37) against an in-process broker: commit delivers the real message once,
// rollback delivers nothing, the first decision wins, and bad requests change nothing.
import { describe, expect, it } from 'vitest';
import { type MessageExt, MessageSysFlag, transactionType } from '../../message/message.js';
import { RMQ_SYS_TRANS_HALF_TOPIC } from '../../message/system-topics.js';
import { createRequest } from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { brokerPerTest, withInProcessBroker } from '../in-process-broker.fixture.js';
import { BORN, endFields, GROUP, sendHalf, storedIn } from '../transaction/transaction.fixture.js';
import { EndTransactionProcessor, ILLEGAL_OPERATION, lateDirectCommit } from './end-transaction.js';

const COMMIT = MessageSysFlag.TRANSACTION_COMMIT_TYPE;
const ROLLBACK = MessageSysFlag.TRANSACTION_ROLLBACK_TYPE;
const h = brokerPerTest({}, () => h.createTopic('Orders', 4));
const end = (fields: Record<string, string | undefined>) =>
  h.request(RequestCode.END_TRANSACTION, fields);

describe('END_TRANSACTION', () => {
  it('commit puts the real message once, to its topic and queue, as RocketMQ builds it', async () => {
    const sent = await sendHalf(h, 'Orders', 'debit A', 2, { KEYS: 'order-1', TAGS: 'T' });
    expect(storedIn(h, 'Orders', 2)).toEqual([]);
    const res = await end(endFields(sent, COMMIT));
    expect(res.code, res.remark).toBe(ResponseCode.SUCCESS);
    const [real, ...more] = storedIn(h, 'Orders', 2);
    expect(more).toEqual([]);
    expect(real!.body.toString()).toBe('debit A');
    expect(transactionType(real!.sysFlag)).toBe(COMMIT);
    expect(real!.preparedTransactionOffset).toBe(sent.commitLogOffset);
    expect(real!.bornTimestamp).toBe(BORN);
    expect(real!.bornHost).toBe(h.conn.remoteAddress);
    expect(real!.flag).toBe(7);
    expect(real!.properties).toMatchObject({
      KEYS: 'order-1',
      TAGS: 'T',
      UNIQ_KEY: sent.transactionId,
      PGROUP: GROUP,
      __transactionId__: sent.transactionId,
    });
    for (const gone of ['TRAN_MSG', 'REAL_TOPIC', 'REAL_QID']) {
      expect(real!.properties[gone], gone).toBeUndefined();
    }
    expect(h.ctx.transactions.decisionOf(sent.transactionId)?.decision).toBe(COMMIT);
  });

  it('rollback delivers nothing; 0 (unknown) does nothing and leaves the decision open', async () => {
    const a = await sendHalf(h, 'Orders', 'a', 1);
    const b = await sendHalf(h, 'Orders', 'b', 1);
    expect((await end(endFields(a, ROLLBACK))).code).toBe(ResponseCode.SUCCESS);
    expect((await end(endFields(b, 0))).code).toBe(ResponseCode.SUCCESS);
    expect(storedIn(h, 'Orders', 1)).toEqual([]);
    expect(h.ctx.transactions.decisionOf(a.transactionId)?.decision).toBe(ROLLBACK);
    expect(h.ctx.transactions.decisionOf(b.transactionId)).toBeUndefined();
    expect((await end(endFields(b, COMMIT))).code).toBe(ResponseCode.SUCCESS);
    expect(storedIn(h, 'Orders', 1).map((m) => m.body.toString())).toEqual(['b']);
  });

  it('is answered only when not one-way', async () => {
    const sent = await sendHalf(h, 'Orders', 'x', 0);
    const req = createRequest(
      RequestCode.END_TRANSACTION,
      1,
      endFields(sent, COMMIT),
      undefined,
      true,
    );
    const answer = await new EndTransactionProcessor(h.ctx).process(req);
    expect(answer).toBeNull();
    expect(storedIn(h, 'Orders', 0)).toHaveLength(1);
  });

  it('keeps the first decision: a second commit, even concurrent, never puts a second message', async () => {
    const sent = await sendHalf(h, 'Orders', 'once', 3);
    const answers = await Promise.all([1, 2, 3].map(() => end(endFields(sent, COMMIT))));
    expect(answers.map((r) => r.code)).toEqual([0, 0, 0]);
    const again = await end(endFields(sent, COMMIT, { fromTransactionCheck: 'true' }));
    expect(again.code).toBe(ResponseCode.SUCCESS);
    expect(again.remark).toBe('already committed');
    expect(storedIn(h, 'Orders', 3)).toHaveLength(1);
  });

  it('refuses the other decision with a remark naming the first', async () => {
    const c = await sendHalf(h, 'Orders', 'c', 0);
    const r = await sendHalf(h, 'Orders', 'r', 0);
    await end(endFields(c, COMMIT));
    await end(endFields(r, ROLLBACK));
    const late = await end(endFields(c, ROLLBACK));
    expect(late.code).toBe(ResponseCode.TRANSACTION_FAILED);
    expect(late.remark).toMatch(
      new RegExp(
        `^transaction ${c.transactionId} was already committed at .*; the rolled back request is refused$`,
      ),
    );
    const lateCommit = await end(endFields(r, COMMIT));
    expect(lateCommit.code).toBe(ResponseCode.TRANSACTION_FAILED);
    expect(lateCommit.remark).toMatch(/was already rolled back/);
    expect(storedIn(h, 'Orders', 0).map((m) => m.body.toString())).toEqual(['c']);
  });

  it('checks the producer group, the half-queue offset and the commit-log offset', async () => {
    const sent = await sendHalf(h, 'Orders', 'x', 0);
    const other = await sendHalf(h, 'Orders', 'y', 0);
    const cases: [Record<string, string>, string][] = [
      [{ producerGroup: 'Other' }, 'The producer group wrong'],
      [
        { tranStateTableOffset: String(other.queueOffset) },
        'The transaction state table offset wrong',
      ],
      [
        { commitLogOffset: String(sent.commitLogOffset + 1) },
        'Find prepared transaction message failed',
      ],
      [{ commitLogOffset: '999999999' }, 'Find prepared transaction message failed'],
    ];
    for (const [over, remark] of cases) {
      const res = await end(endFields(sent, COMMIT, over));
      expect(res.code, remark).toBe(ResponseCode.SYSTEM_ERROR);
      expect(res.remark).toBe(remark);
    }
    // A message that is not a half message: found, but not in the half topic.
    await h.send('Orders', ['plain']);
    const plain = storedIn(h, 'Orders', 0)[0]!;
    const res = await end(
      endFields(sent, COMMIT, { commitLogOffset: String(plain.commitLogOffset) }),
    );
    expect(res.remark).toBe('Find prepared transaction message failed');
    expect(storedIn(h, 'Orders', 0)).toHaveLength(1);
    expect(h.ctx.transactions.size).toBe(0);
  });

  it('answers a malformed header with a remark and changes nothing', async () => {
    const sent = await sendHalf(h, 'Orders', 'x', 0);
    const bad: Record<string, string | undefined>[] = [
      { commitOrRollback: '9' },
      { commitOrRollback: 'commit' },
      { commitLogOffset: 'x' },
      { tranStateTableOffset: undefined },
      { producerGroup: undefined },
    ];
    for (const over of bad) {
      const fields = { ...endFields(sent, COMMIT), ...over };
      for (const k of Object.keys(fields)) if (fields[k] === undefined) delete fields[k];
      const res = await end(fields);
      expect(
        [ResponseCode.SYSTEM_ERROR, ResponseCode.INVALID_PARAMETER],
        JSON.stringify(over),
      ).toContain(res.code);
      expect(res.remark).toBeTruthy();
    }
    expect(storedIn(h, 'Orders', 0)).toEqual([]);
    expect(h.ctx.transactions.size).toBe(0);
    expect(storedIn(h, RMQ_SYS_TRANS_HALF_TOPIC, 0)).toHaveLength(1);
  });

  it('is refused with SLAVE_NOT_AVAILABLE on a slave', async () => {
    await withInProcessBroker({ brokerRole: 'SLAVE', brokerId: 1 }, async (slave) => {
      const res = await slave.request(RequestCode.END_TRANSACTION, { commitOrRollback: '8' });
      expect(res.code).toBe(ResponseCode.SLAVE_NOT_AVAILABLE);
      expect(res.remark).toMatch(/slave/);
    });
  });
});

describe('END_TRANSACTION of a half with CHECK_IMMUNITY_TIME_IN_SECONDS', () => {
  // The fixture's halves were born at BORN (2023), far longer ago than these immunities.
  it('refuses a late direct commit with ILLEGAL_OPERATION and records nothing', async () => {
    const sent = await sendHalf(h, 'Orders', 'late', 3, { CHECK_IMMUNITY_TIME_IN_SECONDS: '10' });
    const res = await end(endFields(sent, COMMIT));
    expect(res.code).toBe(ILLEGAL_OPERATION);
    expect(res.remark).toMatch(/CHECK_IMMUNITY_TIME_IN_SECONDS/);
    expect(storedIn(h, 'Orders', 3)).toEqual([]);
    expect(h.ctx.transactions.decisionOf(sent.transactionId)).toBeUndefined();
    // The check-back's answer commits it.
    const checked = await end(endFields(sent, COMMIT, { fromTransactionCheck: 'true' }));
    expect(checked.code, checked.remark).toBe(ResponseCode.SUCCESS);
    expect(storedIn(h, 'Orders', 3).map((m) => m.body.toString())).toEqual(['late']);
    // Decided now: a direct commit is answered by the first decision, not refused.
    expect((await end(endFields(sent, COMMIT))).remark).toBe('already committed');
  });

  it('accepts a direct rollback, and a direct commit within the immunity', async () => {
    const late = await sendHalf(h, 'Orders', 'late', 3, { CHECK_IMMUNITY_TIME_IN_SECONDS: '10' });
    expect((await end(endFields(late, ROLLBACK))).code).toBe(ResponseCode.SUCCESS);
    const tenYears = String(10 * 365 * 86_400);
    const young = await sendHalf(h, 'Orders', 'young', 3, {
      CHECK_IMMUNITY_TIME_IN_SECONDS: tenYears,
    });
    const res = await end(endFields(young, COMMIT));
    expect(res.code, res.remark).toBe(ResponseCode.SUCCESS);
    expect(storedIn(h, 'Orders', 3).map((m) => m.body.toString())).toEqual(['young']);
  });

  it('judges the age from the born time against max(immunity, transactionTimeOut)', () => {
    const half = (prop?: string) =>
      ({
        bornTimestamp: 1_000_000,
        properties: prop === undefined ? {} : { CHECK_IMMUNITY_TIME_IN_SECONDS: prop },
      }) as unknown as MessageExt;
    expect(lateDirectCommit(half(), 6000, 9_000_000)).toBe(false);
    expect(lateDirectCommit(half('10'), 6000, 1_000_000 + 10_000)).toBe(false);
    expect(lateDirectCommit(half('10'), 6000, 1_000_000 + 10_001)).toBe(true);
    expect(lateDirectCommit(half('1'), 6000, 1_000_000 + 6000)).toBe(false);
    expect(lateDirectCommit(half('1'), 6000, 1_000_000 + 6001)).toBe(true);
    expect(lateDirectCommit(half('x'), 6000, 1_000_000 + 6001)).toBe(true);
  });
});
