// GET_BROKER_CONSUME_STATS against an in-process broker: every subscription group with the
// ConsumeStats of the topics it has offsets on, the diff totals, and isOrder keeping only order
// topics.
import { describe, expect, it } from 'vitest';
import { decodeConsumeStatsList } from '../../protocol/bodies/consume-stats-list.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { brokerPerTest } from '../in-process-broker.fixture.js';
import { newSubscriptionGroupConfig } from '../managers/subscription-group-manager.js';

const h = brokerPerTest({}, async () => {
  h.createTopic('Orders', 2);
  h.createTopic('Sorted', 1);
  h.ctx.topics.createOrUpdate({ ...h.ctx.topics.get('Sorted')!, order: true });
  await h.send('Orders', ['a', 'b', 'c', 'd']);
  await h.send('Sorted', ['x', 'y']);
  h.ctx.groups.upsert(newSubscriptionGroupConfig('G1'));
  h.ctx.groups.upsert(newSubscriptionGroupConfig('Idle'));
  h.ctx.offsets.commitOffset('G1', 'Orders', 0, 1);
  h.ctx.offsets.commitOffset('G1', 'Sorted', 0, 2);
});

const fetch = async (isOrder: boolean) => {
  const res = await h.request(RequestCode.GET_BROKER_CONSUME_STATS, { isOrder });
  expect(res.code).toBe(ResponseCode.SUCCESS);
  return decodeConsumeStatsList(res.body!);
};

describe('GET_BROKER_CONSUME_STATS', () => {
  it('reports each group per topic with broker and consumer offsets and the diff total', async () => {
    const list = await fetch(false);
    expect(list.brokerAddr).toBe(h.ctx.storeHost);
    const byGroup = Object.assign({}, ...list.consumeStatsList);
    expect(byGroup.Idle).toEqual([]);
    const rows = byGroup.G1.flatMap(
      (s: {
        offsetTable: {
          mq: { topic: string; queueId: number };
          offset: { brokerOffset: number; consumerOffset: number };
        }[];
      }) =>
        s.offsetTable.map((e) => [
          e.mq.topic,
          e.mq.queueId,
          e.offset.brokerOffset,
          e.offset.consumerOffset,
        ]),
    );
    expect(rows.sort()).toEqual([
      ['Orders', 0, 4, 1],
      ['Orders', 1, 0, 0],
      ['Sorted', 0, 2, 2],
    ]);
    expect(list.totalDiff).toBe(3);
    const last = byGroup.G1.find(
      (s: { offsetTable: { mq: { topic: string } }[] }) => s.offsetTable[0]!.mq.topic === 'Sorted',
    );
    expect(last.offsetTable[0].offset.lastTimestamp).toBeGreaterThan(0);
  });

  it('keeps only order topics with isOrder', async () => {
    const list = await fetch(true);
    const g1 = Object.assign({}, ...list.consumeStatsList).G1;
    expect(
      g1.map((s: { offsetTable: { mq: { topic: string } }[] }) => s.offsetTable[0]!.mq.topic),
    ).toEqual(['Sorted']);
    expect(list.totalDiff).toBe(0);
  });
});
