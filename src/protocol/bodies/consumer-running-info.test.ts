import { describe, expect, it } from 'vitest';
import {
  type ConsumerRunningInfo,
  decodeConsumeMessageDirectlyResult,
  decodeConsumerRunningInfo,
  encodeConsumeMessageDirectlyResult,
  encodeConsumerRunningInfo,
} from './consumer-running-info.js';

const pq = {
  commitOffset: 3,
  cachedMsgMinOffset: 3,
  cachedMsgMaxOffset: 4,
  cachedMsgCount: 2,
  cachedMsgSizeInMiB: 0,
  transactionMsgMinOffset: 0,
  transactionMsgMaxOffset: 0,
  transactionMsgCount: 0,
  locked: false,
  tryUnlockTimes: 0,
  lastLockTimestamp: 0,
  droped: false,
  lastPullTimestamp: 1700000000000,
  lastConsumeTimestamp: 1700000000001,
};

const info: ConsumerRunningInfo = {
  properties: { PROP_CONSUME_TYPE: 'CONSUME_PASSIVELY', consumerGroup: 'G' },
  subscriptionSet: [
    {
      topic: 'T',
      subString: '*',
      tagsSet: [],
      codeSet: [],
      subVersion: 1,
      expressionType: 'TAG',
      classFilterMode: false,
    },
  ],
  mqTable: [{ mq: { topic: 'T', brokerName: 'broker-a', queueId: 0 }, info: pq }],
  statusTable: {
    T: {
      pullRT: 1.5,
      pullTPS: 2,
      consumeRT: 0,
      consumeOKTPS: 0,
      consumeFailedTPS: 0,
      consumeFailedMsgs: 0,
    },
  },
  jstack: '',
};

describe('ConsumerRunningInfo (fastjson form, MessageQueue keys in mqTable)', () => {
  it('writes fields in fastjson order with the queue object in key position', () => {
    const text = encodeConsumerRunningInfo(info).toString();
    expect(text.startsWith('{"jstack":"","mqTable":{{"brokerName":"broker-a","queueId":0,')).toBe(
      true,
    );
    expect(text).toContain('"topic":"T"}:{"cachedMsgCount":2,"cachedMsgMaxOffset":4,');
    expect(text).toContain('"properties":{"PROP_CONSUME_TYPE":"CONSUME_PASSIVELY",');
    expect(text).toContain('"statusTable":{"T":{"consumeFailedMsgs":0,');
  });

  it('writes a held queue and the RT/TPS figures byte for byte as fastjson does', () => {
    const figures = {
      pullRT: 12,
      pullTPS: 0.0005,
      consumeRT: 1.25,
      consumeOKTPS: 32_000_000,
      consumeFailedTPS: 0,
      consumeFailedMsgs: 7,
    };
    const body = encodeConsumerRunningInfo({
      ...info,
      properties: {},
      subscriptionSet: [],
      statusTable: { '%RETRY%G': { ...figures, pullTPS: 0 }, T: figures },
    });
    // ProcessQueueInfo and ConsumeStatus fields in name order; doubles as Double.toString
    // (12 → 12.0, 0.0005 → 5.0E-4, 3.2E7), the long consumeFailedMsgs without a point;
    // statusTable is a TreeMap, so %RETRY%G comes before T.
    const golden =
      '{"jstack":"","mqTable":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:' +
      '{"cachedMsgCount":2,"cachedMsgMaxOffset":4,"cachedMsgMinOffset":3,"cachedMsgSizeInMiB":0,' +
      '"commitOffset":3,"droped":false,"lastConsumeTimestamp":1700000000001,' +
      '"lastLockTimestamp":0,"lastPullTimestamp":1700000000000,"locked":false,' +
      '"transactionMsgCount":0,"transactionMsgMaxOffset":0,"transactionMsgMinOffset":0,' +
      '"tryUnlockTimes":0}},"properties":{},"statusTable":{' +
      '"%RETRY%G":{"consumeFailedMsgs":7,"consumeFailedTPS":0.0,"consumeOKTPS":3.2E7,' +
      '"consumeRT":1.25,"pullRT":12.0,"pullTPS":0.0},' +
      '"T":{"consumeFailedMsgs":7,"consumeFailedTPS":0.0,"consumeOKTPS":3.2E7,' +
      '"consumeRT":1.25,"pullRT":12.0,"pullTPS":5.0E-4}},"subscriptionSet":[]}';
    expect(body.equals(Buffer.from(golden, 'utf8'))).toBe(true);
    const back = decodeConsumerRunningInfo(Buffer.from(golden, 'utf8'));
    expect(back.statusTable.T).toEqual(figures);
    expect(back.mqTable[0]?.info).toEqual(pq);
  });

  it('reads what a Java client writes (spaces, key order of its own) and what it writes itself', () => {
    const java = Buffer.from(
      '{"jstack":"","mqPopTable":{},"mqTable":{ {"brokerName":"b}1","queueId":2,"topic":"T"} : ' +
        `${JSON.stringify(pq)}},"properties":{"PROP_CONSUMEORDERLY":"false"},` +
        '"statusTable":{},"subscriptionSet":[],"userConsumerInfo":{}}',
    );
    const r = decodeConsumerRunningInfo(java);
    expect(r.mqTable).toEqual([{ mq: { topic: 'T', brokerName: 'b}1', queueId: 2 }, info: pq }]);
    expect(r.properties.PROP_CONSUMEORDERLY).toBe('false');
    expect(decodeConsumerRunningInfo(encodeConsumerRunningInfo(info))).toEqual(info);
  });

  it('rejects a malformed body with a protocol error', () => {
    expect(() => decodeConsumerRunningInfo(Buffer.from('{"mqTable":{{"topic":"T"}}}'))).toThrow(
      /expected ':'/,
    );
    expect(() => decodeConsumerRunningInfo(Buffer.from('{"mqTable":{{"topic"'))).toThrow(
      /unterminated/,
    );
  });
});

describe('ConsumeMessageDirectlyResult', () => {
  it('round-trips in fastjson field order', () => {
    const r = {
      order: false,
      autoCommit: true,
      consumeResult: 'CR_SUCCESS' as const,
      remark: '',
      spentTimeMills: 3,
    };
    const text = encodeConsumeMessageDirectlyResult(r).toString();
    expect(text).toBe(
      '{"autoCommit":true,"consumeResult":"CR_SUCCESS","order":false,"remark":"","spentTimeMills":3}',
    );
    expect(decodeConsumeMessageDirectlyResult(Buffer.from(text))).toEqual(r);
  });
});
