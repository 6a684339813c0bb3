// Half messages (spec transactions.md §1.1) through SEND_MESSAGE_V2 of an in-process broker:
// where they are stored and with what, the answer the producer ends them with, and refusals.
import { describe, expect, it } from 'vitest';
import { encodeBatch } from '../../message/batch-codec.js';
import { MessageSysFlag, transactionType } from '../../message/message.js';
import { RMQ_SYS_TRANS_HALF_TOPIC } from '../../message/system-topics.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { brokerPerTest, sendFields, withInProcessBroker } from '../in-process-broker.fixture.js';
import { BORN, GROUP, halfFields, sendHalf, storedIn } from './transaction.fixture.js';

const h = brokerPerTest({}, () => h.createTopic('Orders', 4));

describe('a half message', () => {
  it('is stored in RMQ_SYS_TRANS_HALF_TOPIC queue 0 with its real topic and queue', async () => {
    expect(h.ctx.topics.get(RMQ_SYS_TRANS_HALF_TOPIC)).toBeUndefined();
    const sent = await sendHalf(h, 'Orders', 'debit A', 3);
    expect(h.ctx.topics.get(RMQ_SYS_TRANS_HALF_TOPIC)).toMatchObject({
      readQueueNums: 1,
      writeQueueNums: 1,
    });
    expect(storedIn(h, 'Orders', 3)).toEqual([]);
    const [half, ...rest] = storedIn(h, RMQ_SYS_TRANS_HALF_TOPIC, 0);
    expect(rest).toEqual([]);
    expect(half!.body.toString()).toBe('debit A');
    expect(half!.properties).toMatchObject({
      REAL_TOPIC: 'Orders',
      REAL_QID: '3',
      TRAN_MSG: 'true',
      PGROUP: GROUP,
      __transactionId__: sent.transactionId,
      UNIQ_KEY: sent.transactionId,
    });
    // Transaction bits cleared: a normal message to the store, so it has a consume-queue entry.
    expect(transactionType(half!.sysFlag)).toBe(MessageSysFlag.TRANSACTION_NOT_TYPE);
    expect(half!.bornTimestamp).toBe(BORN);
  });

  it('is answered with the real queue id, the half-queue offset and the transactionId', async () => {
    const first = await sendHalf(h, 'Orders', 'a', 2);
    const second = await sendHalf(h, 'Orders', 'b', 1);
    expect(first).toMatchObject({ queueId: 2, queueOffset: 0 });
    expect(second).toMatchObject({ queueId: 1, queueOffset: 1 });
    const halves = storedIn(h, RMQ_SYS_TRANS_HALF_TOPIC, 0);
    expect(halves.map((m) => m.commitLogOffset)).toEqual([
      first.commitLogOffset,
      second.commitLogOffset,
    ]);
    expect(second.transactionId).toMatch(/^[0-9A-F]{32}$/);
  });

  it('is refused with NO_PERMISSION when rejectTransactionMessage=true', async () => {
    await withInProcessBroker({ rejectTransactionMessage: true }, async (b) => {
      b.createTopic('Orders', 4);
      const res = await b.request(
        RequestCode.SEND_MESSAGE_V2,
        halfFields('Orders', 0),
        Buffer.from('x'),
      );
      expect(res.code).toBe(ResponseCode.NO_PERMISSION);
      expect(res.remark).toBe('the broker[127.0.0.1] sending transaction message is forbidden');
      expect(storedIn(b, RMQ_SYS_TRANS_HALF_TOPIC, 0)).toEqual([]);
      await b.send('Orders', ['plain']); // other sends are not affected
    });
  });

  it('is refused with MESSAGE_ILLEGAL when it carries a delay level or a timer', async () => {
    const asked: Record<string, string>[] = [{ DELAY: '3' }, { TIMER_DELAY_SEC: '5' }];
    for (const props of asked) {
      const res = await h.request(
        RequestCode.SEND_MESSAGE_V2,
        halfFields('Orders', 0, props),
        Buffer.from('x'),
      );
      expect(res.code, JSON.stringify(props)).toBe(ResponseCode.MESSAGE_ILLEGAL);
      expect(res.remark).toMatch(/transaction messages cannot carry/);
    }
    expect(storedIn(h, RMQ_SYS_TRANS_HALF_TOPIC, 0)).toEqual([]);
    expect(storedIn(h, 'SCHEDULE_TOPIC_XXXX', 2)).toEqual([]);
  });

  it('is not a half message when an old client retries it with reconsumeTimes > 0 and a delay', async () => {
    const fields = { ...halfFields('Orders', 0, { DELAY: '1' }), j: '1' };
    const res = await h.request(RequestCode.SEND_MESSAGE_V2, fields, Buffer.from('x'));
    expect(res.code).toBe(ResponseCode.SUCCESS);
    expect(storedIn(h, RMQ_SYS_TRANS_HALF_TOPIC, 0)).toEqual([]);
  });

  it('cannot be sent in a batch', async () => {
    const body = encodeBatch([
      { flag: 0, body: Buffer.from('a'), properties: { TRAN_MSG: 'true', PGROUP: GROUP } },
    ]);
    const fields = { ...sendFields('Orders'), m: 'true' };
    const res = await h.request(RequestCode.SEND_BATCH_MESSAGE, fields, body);
    expect(res.code).toBe(ResponseCode.MESSAGE_ILLEGAL);
    expect(res.remark).toMatch(/batch messages cannot be transactional/);
    expect(storedIn(h, 'Orders', 0)).toEqual([]);
    expect(storedIn(h, RMQ_SYS_TRANS_HALF_TOPIC, 0)).toEqual([]);
  });
});
