// A SLAVE's store refuses every put a client can cause (DefaultMessageStore#putMessage on
// BrokerRole.SLAVE): sends, batches and send-backs answer SERVICE_NOT_AVAILABLE naming the
// master, and nothing reaches the commit log; the master's bytes still arrive through appendRaw.
import { describe, expect, it } from 'vitest';
import { encodeBatch } from '../message/batch-codec.js';
import { decodeRecord } from '../message/record-codec.js';
import { RequestCode } from '../protocol/request-code.js';
import { ResponseCode } from '../protocol/response-code.js';
import { brokerPerTest, sendFields, withInProcessBroker } from './in-process-broker.fixture.js';

const SLAVE = { brokerRole: 'SLAVE', brokerId: 1, brokerName: 'broker-a' };
const REMARK = 'this broker is a slave (brokerId=1 of broker-a); send to the master';

const slave = brokerPerTest(SLAVE, (h) => {
  h.createTopic('Orders');
});

/** One record the way a master stored it, to be replicated. */
async function masterRecord(): Promise<Buffer> {
  let bytes: Buffer | undefined;
  await withInProcessBroker({}, async (m) => {
    m.createTopic('Orders');
    await m.send('Orders', ['from the master']);
    bytes = m.ctx.store.getRecordBytes(0);
  });
  return bytes!;
}

describe('a SLAVE refuses client puts', () => {
  it('SEND_MESSAGE answers SERVICE_NOT_AVAILABLE and stores nothing', async () => {
    const res = await slave.request(
      RequestCode.SEND_MESSAGE_V2,
      sendFields('Orders'),
      Buffer.from('x'),
    );
    expect(res.code).toBe(ResponseCode.SERVICE_NOT_AVAILABLE);
    expect(res.remark).toContain(REMARK);
    expect(slave.ctx.store.maxPhyOffset).toBe(0);
  });

  it('SEND_BATCH_MESSAGE answers SERVICE_NOT_AVAILABLE and stores nothing', async () => {
    const body = encodeBatch(
      [0, 1].map((i) => ({ flag: 0, body: Buffer.from(`m${i}`), properties: {} })),
    );
    const fields = { ...sendFields('Orders'), m: 'true' };
    const res = await slave.request(RequestCode.SEND_BATCH_MESSAGE, fields, body);
    expect(res.code).toBe(ResponseCode.SERVICE_NOT_AVAILABLE);
    expect(res.remark).toContain(REMARK);
    expect(slave.ctx.store.maxPhyOffset).toBe(0);
  });

  it('replicated bytes still append, and CONSUMER_SEND_MSG_BACK of them is refused', async () => {
    const record = await masterRecord();
    const appended = await slave.ctx.store.appendRaw(0, record);
    expect(appended).toEqual({ ok: true, maxPhyOffset: record.length });
    const m = decodeRecord(slave.ctx.store.getRecordBytes(0)!, 0);
    const res = await slave.request(RequestCode.CONSUMER_SEND_MSG_BACK, {
      offset: m.commitLogOffset,
      group: 'G',
      delayLevel: 0,
      originMsgId: m.offsetMsgId,
      originTopic: 'Orders',
    });
    expect(res.code).toBe(ResponseCode.SERVICE_NOT_AVAILABLE);
    expect(res.remark).toContain(REMARK);
    expect(slave.ctx.store.maxPhyOffset).toBe(record.length);
  });
});
