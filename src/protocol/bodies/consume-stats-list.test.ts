import { describe, expect, it } from 'vitest';
import {
  type ConsumeStatsList,
  decodeConsumeStatsList,
  encodeConsumeStatsList,
} from './consume-stats-list.js';

// What a 5.x broker writes for one group consuming two queues of one topic (fastjson: fields in
// alphabetical order, MessageQueue objects as map keys, consumeTps a double).
const GOLDEN =
  '{"brokerAddr":"127.0.0.1:10911","consumeStatsList":[{"G1":[{"consumeTps":0.0,"offsetTable":{' +
  '{"brokerName":"broker-a","queueId":0,"topic":"T"}:{"brokerOffset":10,"consumerOffset":7,' +
  '"lastTimestamp":1700000000000,"pullOffset":9},' +
  '{"brokerName":"broker-a","queueId":1,"topic":"T"}:{"brokerOffset":3,"consumerOffset":0,' +
  '"lastTimestamp":0,"pullOffset":0}}}]}],"totalDiff":6,"totalInflightDiff":2}';

const VALUE: ConsumeStatsList = {
  brokerAddr: '127.0.0.1:10911',
  consumeStatsList: [
    {
      G1: [
        {
          consumeTps: 0,
          offsetTable: [
            {
              mq: { topic: 'T', brokerName: 'broker-a', queueId: 0 },
              offset: {
                brokerOffset: 10,
                consumerOffset: 7,
                lastTimestamp: 1_700_000_000_000,
                pullOffset: 9,
              },
            },
            {
              mq: { topic: 'T', brokerName: 'broker-a', queueId: 1 },
              offset: { brokerOffset: 3, consumerOffset: 0, lastTimestamp: 0, pullOffset: 0 },
            },
          ],
        },
      ],
    },
  ],
  totalDiff: 6,
  totalInflightDiff: 2,
};

describe('ConsumeStatsList (GET_BROKER_CONSUME_STATS body)', () => {
  it('encodes the bytes fastjson writes', () => {
    expect(encodeConsumeStatsList(VALUE).toString('utf8')).toBe(GOLDEN);
  });

  it('decodes the golden body, and names with braces and quotes', () => {
    expect(decodeConsumeStatsList(Buffer.from(GOLDEN))).toEqual(VALUE);
    const odd: ConsumeStatsList = {
      ...VALUE,
      consumeStatsList: [
        { 'g"}{': [{ ...structuredClone(VALUE.consumeStatsList[0]!.G1![0]!), consumeTps: 1.5 }] },
        { G2: [] },
      ],
    };
    for (const e of odd.consumeStatsList[0]!['g"}{']![0]!.offsetTable) {
      e.mq = { ...e.mq, topic: 'a}"{:b' };
    }
    expect(decodeConsumeStatsList(encodeConsumeStatsList(odd))).toEqual(odd);
  });

  it('rejects a body that is not of that shape with a protocol error', () => {
    expect(() => decodeConsumeStatsList(Buffer.from('{"consumeStatsList":[{'))).toThrow(
      /ConsumeStatsList/,
    );
  });
});
