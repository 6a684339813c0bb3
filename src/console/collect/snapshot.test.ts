import { describe, expect, it } from 'vitest';
import { decodeConsumeStatsList } from '../../protocol/bodies/consume-stats-list.js';
import { brokerFrom, foldConsumeStats } from './snapshot.js';

// A GET_BROKER_CONSUME_STATS body as the broker writes it (fastjson, MessageQueue keys).
const mq = (topic: string, q: number) =>
  `{"brokerName":"broker-a","queueId":${q},"topic":"${topic}"}`;
const w = (b: number, c: number, t: number) =>
  `{"brokerOffset":${b},"consumerOffset":${c},"lastTimestamp":${t},"pullOffset":${c}}`;
const body = Buffer.from(
  '{"brokerAddr":"127.0.0.1:10911","consumeStatsList":[' +
    `{"G1":[{"consumeTps":0.0,"offsetTable":{${mq('T', 0)}:${w(10, 10, 900)},${mq('T', 1)}:${w(8, 5, 400)}}}]},` +
    `{"G2":[{"consumeTps":0.0,"offsetTable":{${mq('T', 0)}:${w(10, 0, 0)}}},` +
    `{"consumeTps":0.0,"offsetTable":{${mq('U', 0)}:${w(3, 3, 700)}}}]}` +
    '],"totalDiff":13,"totalInflightDiff":0}',
);

describe('snapshot folding', () => {
  it('sums diff and committed offsets per group, lag from the most lagging queue', () => {
    const { groups, topicMax } = foldConsumeStats(
      [{ addr: '127.0.0.1:10911', list: decodeConsumeStatsList(body) }],
      1000,
    );
    const g1 = groups.get('G1')!;
    expect([g1.diff, g1.consumed, g1.lagMs, [...g1.topics]]).toEqual([3, 15, 600, ['T']]);
    // G2 is behind on a queue it never consumed: no store time to measure its age from.
    const g2 = groups.get('G2')!;
    expect([g2.diff, g2.consumed, g2.lagMs, [...g2.topics].sort()]).toEqual([
      10,
      3,
      null,
      ['T', 'U'],
    ]);
    // A queue reported under two groups counts once in its topic's max offset.
    expect(Object.fromEntries(topicMax)).toEqual({ T: 18, U: 3 });
  });

  it('reads the runtime table, and marks a failed broker down with no figures', () => {
    const ref = { cluster: 'C', brokerName: 'broker-a', brokerId: 0, addr: 'a:1' };
    expect(
      brokerFrom(ref, {
        putTps: '12.50 10.00 1.00',
        getTransferredTps: '3.00 2.00 1.00',
        msgPutTotalTodayNow: '40',
        msgGetTotalTodayNow: '20',
        commitLogDiskRatio: '0.42',
        brokerVersionDesc: 'V5_1_4',
      }),
    ).toMatchObject({
      up: true,
      inTps: 12.5,
      outTps: 3,
      putTotalToday: 40,
      getTotalToday: 20,
      diskRatio: 0.42,
      replicaLagBytes: null,
      version: 'V5_1_4',
    });
    expect(brokerFrom(ref, { commitLogDiskRatio: '-1' }).diskRatio).toBeNull();
    expect(brokerFrom(ref, new Error('connect ECONNREFUSED'))).toMatchObject({
      up: false,
      error: 'connect ECONNREFUSED',
      inTps: 0,
      diskRatio: null,
    });
  });
});
