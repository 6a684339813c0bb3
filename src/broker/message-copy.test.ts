// toPut: the copy a re-put stores (delay delivery, timer delivery, send-back, end-transaction).
import { describe, expect, it } from 'vitest';
import type { MessageExt } from '../message/message.js';
import { PutMessageStatus, type PutMessageStatusValue } from '../store/status.js';
import { isPermanent, isStored, realTarget, toPut, withoutProperties } from './message-copy.js';

function stored(properties: Record<string, string>): MessageExt {
  return {
    topic: 'SCHEDULE_TOPIC_XXXX',
    queueId: 2,
    flag: 7,
    queueOffset: 41,
    commitLogOffset: 4096,
    storeSize: 200,
    sysFlag: 8,
    bornTimestamp: 1_700_000_000_123,
    bornHost: '10.0.0.9:51234',
    storeTimestamp: 1_700_000_005_000,
    storeHost: '10.0.0.1:10911',
    reconsumeTimes: 3,
    preparedTransactionOffset: 777,
    bodyCRC: 0,
    body: Buffer.from('payload'),
    properties,
    offsetMsgId: '0A00000100002A9F0000000000001000',
  };
}

describe('toPut', () => {
  it('keeps flag, body, born time and host, sysFlag, store host and counters by default', () => {
    const m = stored({ A: '1' });
    const c = toPut(m, { topic: 'Real', queueId: 5 });
    expect(c).toEqual({
      topic: 'Real',
      queueId: 5,
      flag: 7,
      body: m.body,
      properties: { A: '1' },
      sysFlag: 8,
      bornTimestamp: 1_700_000_000_123,
      bornHost: '10.0.0.9:51234',
      storeHost: '10.0.0.1:10911',
      reconsumeTimes: 3,
      preparedTransactionOffset: 777,
    });
    expect(c.properties).not.toBe(m.properties);
  });

  it('clears, then sets, keeping the place of a key already there and the original untouched', () => {
    const m = stored({ DELAY: '3', REAL_TOPIC: 'Real', KEYS: 'k', TIMER_OUT_MS: '9' });
    const c = toPut(m, {
      topic: 'Real',
      queueId: 0,
      clear: ['TIMER_OUT_MS', 'REAL_TOPIC'],
      set: { NEW: 'n', DELAY: '4' },
    });
    expect(c.properties).toEqual({ DELAY: '4', KEYS: 'k', NEW: 'n' });
    expect(Object.keys(c.properties)).toEqual(['DELAY', 'KEYS', 'NEW']);
    expect(m.properties).toEqual({ DELAY: '3', REAL_TOPIC: 'Real', KEYS: 'k', TIMER_OUT_MS: '9' });
  });

  it('takes the store host, reconsume count, transaction offset and sysFlag it is given', () => {
    const c = toPut(stored({}), {
      topic: '%RETRY%g',
      queueId: 1,
      storeHost: '10.0.0.2:10911',
      reconsumeTimes: 4,
      preparedTransactionOffset: 0,
      sysFlag: 0,
    });
    expect(c.storeHost).toBe('10.0.0.2:10911');
    expect(c.reconsumeTimes).toBe(4);
    expect(c.preparedTransactionOffset).toBe(0);
    expect(c.sysFlag).toBe(0);
    expect(c.bornHost).toBe('10.0.0.9:51234');
  });
});

describe('realTarget', () => {
  it('reads REAL_TOPIC / REAL_QID, and says why a copy cannot go there', () => {
    expect(realTarget(stored({ REAL_TOPIC: 'T', REAL_QID: '4' }), [])).toEqual({
      topic: 'T',
      queueId: 4,
    });
    expect(realTarget(stored({ REAL_QID: '4' }), [])).toBe('it has no REAL_TOPIC property');
    expect(realTarget(stored({ REAL_TOPIC: 'T', REAL_QID: '-1' }), [])).toBe(
      "its REAL_QID '-1' is not a queue id",
    );
    expect(realTarget(stored({ REAL_TOPIC: 'H', REAL_QID: '0' }), ['H'])).toBe(
      'its real topic is H',
    );
  });
});

describe('withoutProperties', () => {
  it('drops the names and keeps the order of the rest', () => {
    expect(Object.entries(withoutProperties({ b: '1', a: '2', c: '3' }, ['a']))).toEqual([
      ['b', '1'],
      ['c', '3'],
    ]);
  });
});

describe('re-put outcomes', () => {
  it('counts a flush or slave timeout as stored and an illegal message as refused for good', () => {
    const r = (status: PutMessageStatusValue) => ({ status });
    expect(isStored(r(PutMessageStatus.PUT_OK))).toBe(true);
    expect(isStored(r(PutMessageStatus.FLUSH_DISK_TIMEOUT))).toBe(true);
    expect(isStored(r(PutMessageStatus.FLUSH_SLAVE_TIMEOUT))).toBe(true);
    expect(isStored(r(PutMessageStatus.SLAVE_NOT_AVAILABLE))).toBe(true);
    expect(isStored(r(PutMessageStatus.MESSAGE_ILLEGAL))).toBe(false);
    expect(isPermanent(r(PutMessageStatus.MESSAGE_ILLEGAL))).toBe(true);
    expect(isPermanent(r(PutMessageStatus.PROPERTIES_SIZE_EXCEEDED))).toBe(true);
    expect(isPermanent(r(PutMessageStatus.FLUSH_DISK_TIMEOUT))).toBe(false);
  });
});
