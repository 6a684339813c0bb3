import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeRecord } from '../../message/record-codec.js';
import { decodeMessages } from './decode-messages.js';

function record(body: Buffer, sysFlag: number): Buffer {
  return encodeRecord({
    topic: 'T',
    queueId: 0,
    flag: 0,
    body,
    properties: { UNIQ_KEY: 'X' },
    sysFlag,
    bornTimestamp: 1,
    bornHost: '127.0.0.1:1',
    storeHost: '127.0.0.1:10911',
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
  }).bytes;
}

describe('decodeMessages', () => {
  const plain = Buffer.from('hello '.repeat(100));

  it('inflates zlib bodies, with or without RocketMQ 5 codec bits, and clears the flags', () => {
    const [old, v5, raw] = decodeMessages(
      Buffer.concat([
        record(deflateSync(plain), 0x1),
        record(deflateSync(plain), 0x1 | 0x300),
        record(plain, 0),
      ]),
    );
    for (const m of [old!, v5!, raw!]) {
      expect(m.body).toEqual(plain);
      expect(m.sysFlag & 0x701).toBe(0);
    }
  });

  it('hands over a body it cannot inflate as stored, flag kept, instead of throwing', () => {
    const [lz4, broken] = decodeMessages(
      Buffer.concat([record(Buffer.from('lz4?'), 0x1 | 0x100), record(Buffer.from('xx'), 0x1)]),
    );
    expect(lz4!.body.toString()).toBe('lz4?');
    expect(lz4!.sysFlag & 0x701).toBe(0x101);
    expect(broken!.body.toString()).toBe('xx');
    expect(broken!.sysFlag & 1).toBe(1);
  });
});
