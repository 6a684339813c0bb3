import { describe, expect, it } from 'vitest';
import { encodeBatch } from '../../message/batch-codec.js';
import { MessageSysFlag } from '../../message/message.js';
import { encodeRecord, setRecordPositions } from '../../message/record-codec.js';
import { decodeMessages } from './decode-messages.js';

// An inner-batch record as a BatchCQ topic stores it (SendMessageProcessor#sendBatchMessage):
// sysFlag INNER_BATCH | NEED_UNWRAP, INNER_NUM, the batch body as the producer laid it out.
// The client splits it as MessageDecoder#decodeMessage does.
const INNER = MessageSysFlag.INNER_BATCH | MessageSysFlag.NEED_UNWRAP;

/** Batch body of two messages, spelled out field by field (MessageDecoder#encodeMessage). */
const GOLDEN_BATCH_BODY = Buffer.from(
  // totalSize 22+1+11 | magic 0 | bodyCRC 0 | flag 7 | bodyLen 1 | 'a' | propsLen 11 | UNIQ_KEY\1A\2
  '00000022' +
    '00000000' +
    '00000000' +
    '00000007' +
    '00000001' +
    '61' +
    '000b' +
    Buffer.from('UNIQ_KEY\u0001A\u0002').toString('hex') +
    // totalSize 22+2+18 | magic | crc | flag 0 | bodyLen 2 | 'bc' | propsLen 18 | TAGS\1t\2UNIQ_KEY\1B\2
    '0000002a' +
    '00000000' +
    '00000000' +
    '00000000' +
    '00000002' +
    '6263' +
    '0012' +
    Buffer.from('TAGS\u0001t\u0002UNIQ_KEY\u0001B\u0002').toString('hex'),
  'hex',
);

function innerBatchRecord(base: number, body = GOLDEN_BATCH_BODY): Buffer {
  const { bytes, storeTimestampPos } = encodeRecord({
    topic: 'B',
    queueId: 3,
    flag: 0,
    body,
    properties: { INNER_NUM: '2', UNIQ_KEY: 'BATCH' },
    sysFlag: INNER,
    bornTimestamp: 5,
    bornHost: '127.0.0.1:1',
    storeHost: '127.0.0.1:10911',
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
  });
  setRecordPositions(bytes, 0, storeTimestampPos, base, 4096, 9);
  return bytes;
}

describe('inner-batch records', () => {
  it('the batch body codec lays messages out as RocketMQ does (golden bytes)', () => {
    const body = encodeBatch([
      { flag: 7, body: Buffer.from('a'), properties: { UNIQ_KEY: 'A' } },
      { flag: 0, body: Buffer.from('bc'), properties: { TAGS: 't', UNIQ_KEY: 'B' } },
    ]);
    expect(body.toString('hex')).toBe(GOLDEN_BATCH_BODY.toString('hex'));
  });

  it('the record carries the flags, INNER_NUM, the base offset and the body unchanged', () => {
    const r = innerBatchRecord(40);
    expect(r.readInt32BE(36)).toBe(0xc0); // sysFlag: INNER_BATCH 0x80 | NEED_UNWRAP 0x40
    expect(r.readBigInt64BE(20)).toBe(40n); // queueOffset = the batch's base
    expect(r.includes(GOLDEN_BATCH_BODY)).toBe(true);
    expect(r.includes(Buffer.from('INNER_NUM\u00012\u0002'))).toBe(true);
  });

  it('splits into messages at base + i with their own flag, body and properties', () => {
    const msgs = decodeMessages(innerBatchRecord(40));
    expect(msgs.map((m) => m.queueOffset)).toEqual([40, 41]);
    expect(msgs.map((m) => m.body.toString())).toEqual(['a', 'bc']);
    expect(msgs.map((m) => m.flag)).toEqual([7, 0]);
    expect(msgs[1]!.properties).toEqual({ TAGS: 't', UNIQ_KEY: 'B' });
    for (const m of msgs) {
      expect(m.topic).toBe('B');
      expect(m.queueId).toBe(3);
      expect(m.commitLogOffset).toBe(4096);
      expect(m.storeTimestamp).toBe(9);
    }
  });

  it('drops the messages below the offset a pull asked for', () => {
    const msgs = decodeMessages(innerBatchRecord(40), 41);
    expect(msgs.map((m) => m.queueOffset)).toEqual([41]);
  });

  it('leaves a record without NEED_UNWRAP whole', () => {
    const b = innerBatchRecord(40);
    b.writeInt32BE(MessageSysFlag.INNER_BATCH, 36);
    expect(decodeMessages(b)).toHaveLength(1);
  });
});
