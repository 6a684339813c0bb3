// GET_BROKER_CONSUME_STATS against an in-process broker: every subscription group with the
// ConsumeStats of the topics it has offsets on, the diff totals, and isOrder keeping only order
// topics. VIEW_BROKER_STATS_DATA: the puts of a topic and the gets of a group on it.
import { describe, expect, it } from 'vitest';
import { decodeConsumeStatsList } from '../../protocol/bodies/consume-stats-list.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { brokerPerTest, pullFields } from '../in-process-broker.fixture.js';
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

describe('VIEW_BROKER_STATS_DATA', () => {
  const view = (statsName: string, statsKey: string) =>
    h.request(RequestCode.VIEW_BROKER_STATS_DATA, { statsName, statsKey });

  it('counts the puts of a topic and the messages a group pulled from it', async () => {
    const put = await view('TOPIC_PUT_NUMS', 'Orders');
    expect(put.code).toBe(ResponseCode.SUCCESS);
    const text = put.body!.toString('utf8');
    expect(text).toMatch(/^\{"statsDay":\{"avgpt":[\d.]+,"sum":4,"tps":[\d.E-]+\},"statsHour":/);
    const data = JSON.parse(text);
    expect(data.statsMinute.sum).toBe(4);
    expect(data.statsMinute.avgpt).toBe(1);
    const pulled = await h.request(RequestCode.PULL_MESSAGE, pullFields('Orders', 0));
    expect(pulled.code).toBe(ResponseCode.SUCCESS);
    const get = JSON.parse((await view('GROUP_GET_NUMS', 'Orders@G')).body!.toString('utf8'));
    expect(get.statsMinute.sum).toBe(4);
    expect(get.statsDay.sum).toBe(4);
  });

  it('answers SYSTEM_ERROR naming a stats key nothing was recorded under', async () => {
    const res = await view('TOPIC_PUT_NUMS', 'Nobody');
    expect(res.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(res.remark).toBe('The stats <TOPIC_PUT_NUMS> <Nobody> not exist');
    expect((await view('NO_SUCH_STATS', 'Orders')).code).toBe(ResponseCode.SYSTEM_ERROR);
  });
});
