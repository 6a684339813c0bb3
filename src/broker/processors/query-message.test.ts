// QUERY_MESSAGE (by key, from the index) and VIEW_MESSAGE_BY_ID (by commit-log offset) against an
// in-process broker, as QueryMessageProcessor answers them.
import { describe, expect, it } from 'vitest';
import { decodeRecords } from '../../message/record-codec.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { brokerPerTest } from '../in-process-broker.fixture.js';

const h = brokerPerTest({}, () => {
  h.createTopic('Orders');
});

const query = (key: string, maxNum = 32) =>
  h.request(RequestCode.QUERY_MESSAGE, {
    topic: 'Orders',
    key,
    maxNum,
    beginTimestamp: 0,
    endTimestamp: Date.now() + 60_000,
  });

describe('QUERY_MESSAGE', () => {
  it('answers the records stored under a key, and QUERY_NOT_FOUND for an unknown key', async () => {
    await h.send('Orders', ['a', 'b'], { KEYS: 'order-1' });
    await h.send('Orders', ['c'], { KEYS: 'order-2' });
    const res = await query('order-1');
    expect(res.code).toBe(ResponseCode.SUCCESS);
    expect(
      decodeRecords(res.body!)
        .map((m) => `${m.body}`)
        .sort(),
    ).toEqual(['a', 'b']);
    expect(Number(res.extFields.indexLastUpdatePhyoffset)).toBeGreaterThan(0);
    const none = await query('order-9');
    expect(none.code).toBe(ResponseCode.QUERY_NOT_FOUND);
    expect(none.remark).toContain('can not find message by key order-9 in topic Orders');
  });

  it('caps the answer at maxNum', async () => {
    await h.send('Orders', ['a', 'b', 'c'], { KEYS: 'k' });
    expect(decodeRecords((await query('k', 2)).body!)).toHaveLength(2);
  });
});

describe('VIEW_MESSAGE_BY_ID', () => {
  it('answers the record at a commit-log offset and SYSTEM_ERROR where there is none', async () => {
    await h.send('Orders', ['a', 'b']);
    const [, second] = decodeRecords(
      Buffer.concat(h.ctx.store.getMessage('Orders', 0, 0, 2).buffers),
    );
    const res = await h.request(RequestCode.VIEW_MESSAGE_BY_ID, {
      offset: second!.commitLogOffset,
    });
    expect(res.code).toBe(ResponseCode.SUCCESS);
    expect(decodeRecords(res.body!).map((m) => `${m.body}`)).toEqual(['b']);
    const none = await h.request(RequestCode.VIEW_MESSAGE_BY_ID, { offset: 10_000_000 });
    expect(none.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(none.remark).toBe('can not find message by the offset, 10000000');
  });
});
