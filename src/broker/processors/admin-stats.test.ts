// The broker views of admin-stats.ts and broker-info.ts against an in-process broker, read back
// through the body codecs: GET_TOPIC_STATS_INFO (202) TopicStatsTable, GET_CONSUMER_CONNECTION_LIST
// (203) ConsumerConnection, GET_BROKER_RUNTIME_INFO (28) KVTable, with their error answers.
import { describe, expect, it } from 'vitest';
import { decodeConsumerConnection } from '../../protocol/bodies/group-admin.js';
import { decodeKvTable } from '../../protocol/bodies/kv-table.js';
import { decodeTopicStatsTable } from '../../protocol/bodies/topic-stats-table.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { brokerPerTest } from '../in-process-broker.fixture.js';

const h = brokerPerTest({ brokerName: 'broker-s' }, async () => {
  h.createTopic('Stats', 2);
  await h.send('Stats', ['a', 'b', 'c']);
});

function heartbeat(group: string, subString: string) {
  const body = {
    clientID: '127.0.0.1@stats',
    producerDataSet: [],
    consumerDataSet: [
      {
        groupName: group,
        consumeType: 'CONSUME_ACTIVELY',
        messageModel: 'BROADCASTING',
        consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
        subscriptionDataSet: [
          { topic: 'Stats', subString, tagsSet: ['TagA'], codeSet: [2598919], subVersion: 7 },
        ],
      },
    ],
  };
  return h.request(RequestCode.HEART_BEAT, {}, Buffer.from(JSON.stringify(body)));
}

describe('GET_TOPIC_STATS_INFO', () => {
  it('answers each queue min and max offset and the last store time', async () => {
    const res = await h.request(RequestCode.GET_TOPIC_STATS_INFO, { topic: 'Stats' });
    expect(res.code).toBe(ResponseCode.SUCCESS);
    const t = decodeTopicStatsTable(res.body);
    expect(Number.isFinite(t.topicPutTps) && t.topicPutTps >= 0).toBe(true);
    const rows = t.offsetTable.map((e) => [e.mq.brokerName, e.mq.queueId, e.offset.maxOffset]);
    expect(rows).toEqual([
      ['broker-s', 0, 3],
      ['broker-s', 1, 0],
    ]);
    expect(t.offsetTable[0]!.offset.lastUpdateTimestamp).toBeGreaterThan(0);
    expect(t.offsetTable[1]!.offset.lastUpdateTimestamp).toBe(0);
  });

  it('answers TOPIC_NOT_EXIST for an unknown topic and a field error without one', async () => {
    const res = await h.request(RequestCode.GET_TOPIC_STATS_INFO, { topic: 'Nope' });
    expect(res.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    expect(res.remark).toBe('topic[Nope] not exist');
    const bare = await h.request(RequestCode.GET_TOPIC_STATS_INFO, {});
    expect(bare.code).not.toBe(ResponseCode.SUCCESS);
    expect(bare.remark).toMatch(/topic/);
  });
});

describe('GET_CONSUMER_CONNECTION_LIST', () => {
  it('answers the connections, subscriptions and consume settings of an online group', async () => {
    expect((await heartbeat('StatsGroup', 'TagA')).code).toBe(ResponseCode.SUCCESS);
    const res = await h.request(RequestCode.GET_CONSUMER_CONNECTION_LIST, {
      consumerGroup: 'StatsGroup',
    });
    expect(res.code).toBe(ResponseCode.SUCCESS);
    const cc = decodeConsumerConnection(res.body);
    expect(cc.connectionSet).toEqual([
      expect.objectContaining({ clientId: '127.0.0.1@stats', clientAddr: h.conn.remoteAddress }),
    ]);
    expect(cc).toMatchObject({
      consumeType: 'CONSUME_ACTIVELY',
      messageModel: 'BROADCASTING',
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    });
    expect(cc.subscriptionTable.Stats).toMatchObject({ topic: 'Stats', subString: 'TagA' });
    // SubscriptionData in fastjson's field order, whatever order the heartbeat had.
    const sub = /"subscriptionTable":\{"Stats":\{"classFilterMode":false,"codeSet":/;
    expect(res.body!.toString('utf8')).toMatch(sub);
  });

  it('answers CONSUMER_NOT_ONLINE (206) for a group with no consumer connected', async () => {
    const res = await h.request(RequestCode.GET_CONSUMER_CONNECTION_LIST, {
      consumerGroup: 'Nobody',
    });
    expect(res.code).toBe(ResponseCode.CONSUMER_NOT_ONLINE);
    expect(res.remark).toBe('the consumer group[Nobody] not online');
  });
});

describe('GET_BROKER_RUNTIME_INFO', () => {
  it('answers a KVTable of string values with the commit log offsets', async () => {
    const res = await h.request(RequestCode.GET_BROKER_RUNTIME_INFO);
    expect(res.code).toBe(ResponseCode.SUCCESS);
    const table = decodeKvTable(res.body);
    expect(Number(table.commitLogMaxOffset)).toBeGreaterThan(0);
    expect(table.commitLogMinOffset).toBe('0');
    expect(Object.values(table).every((v) => typeof v === 'string')).toBe(true);
  });
});
