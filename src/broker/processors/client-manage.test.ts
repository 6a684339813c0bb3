// HEART_BEAT, UNREGISTER_CLIENT and GET_CONSUMER_LIST_BY_GROUP against an in-process broker:
// a heartbeat registers the consumer and producer groups (ClientManageProcessor#heartBeat), creates
// the group's %RETRY% topic, and the group's other members are told of a change
// (NOTIFY_CONSUMER_IDS_CHANGED); unregistering or closing the channel removes the client.
import { describe, expect, it } from 'vitest';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { brokerPerTest, type InMemoryConnection } from '../in-process-broker.fixture.js';

const h = brokerPerTest();

function heartbeat(clientID: string, conn: InMemoryConnection = h.conn) {
  const body = {
    clientID,
    producerDataSet: [{ groupName: 'PG' }],
    consumerDataSet: [
      {
        groupName: 'CG',
        consumeType: 'CONSUME_PASSIVELY',
        messageModel: 'CLUSTERING',
        consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
        subscriptionDataSet: [{ topic: 'Orders', subString: 'TagA || TagB', subVersion: 7 }],
      },
    ],
  };
  return h.request(RequestCode.HEART_BEAT, {}, Buffer.from(JSON.stringify(body)), conn);
}

const consumerList = () =>
  h.request(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup: 'CG' });

describe('HEART_BEAT', () => {
  it('registers the consumer, its subscription and %RETRY% topic, and the producer', async () => {
    const res = await heartbeat('client-1');
    expect(res.code).toBe(ResponseCode.SUCCESS);
    expect(h.ctx.topics.get('%RETRY%CG')).toBeDefined();
    const sub = h.ctx.consumers.get('CG')?.subscriptions.get('Orders');
    expect(sub).toMatchObject({ subString: 'TagA || TagB', tagsSet: ['TagA', 'TagB'] });
    expect(h.ctx.producers.findChannel('client-1')).toBe(h.conn.asConnection);
    const list = await consumerList();
    expect(list.code).toBe(ResponseCode.SUCCESS);
    expect(JSON.parse(`${list.body}`)).toEqual({ consumerIdList: ['client-1'] });
  });

  it('tells the members already there when another client joins the group', async () => {
    await heartbeat('client-1');
    const second = h.connect();
    await heartbeat('client-2', second);
    const notes = h.conn.pushed.filter((c) => c.code === RequestCode.NOTIFY_CONSUMER_IDS_CHANGED);
    expect(notes.length).toBeGreaterThan(0);
    expect(notes[0]?.extFields.consumerGroup).toBe('CG');
    expect(JSON.parse(`${(await consumerList()).body}`).consumerIdList.sort()).toEqual([
      'client-1',
      'client-2',
    ]);
  });

  it('answers SYSTEM_ERROR for a body that is not HeartbeatData, registering nothing', async () => {
    const notJson = await h.request(RequestCode.HEART_BEAT, {}, Buffer.from('{'));
    expect(notJson.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(notJson.remark).toContain('HeartbeatData body is not JSON');
    const bad = await h.request(
      RequestCode.HEART_BEAT,
      {},
      Buffer.from(JSON.stringify({ consumerDataSet: [{ groupName: 'CG' }, null] })),
    );
    expect(bad.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(bad.remark).toBe('HeartbeatData consumerDataSet is not a list of objects');
    expect(h.ctx.consumers.get('CG')).toBeUndefined();
  });
});

describe('leaving', () => {
  it('UNREGISTER_CLIENT removes the consumer and the producer', async () => {
    await heartbeat('client-1');
    const res = await h.request(RequestCode.UNREGISTER_CLIENT, {
      clientID: 'client-1',
      producerGroup: 'PG',
      consumerGroup: 'CG',
    });
    expect(res.code).toBe(ResponseCode.SUCCESS);
    expect(h.ctx.producers.findChannel('client-1')).toBeUndefined();
    const list = await consumerList();
    expect(list.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(list.remark).toBe('no consumer for this group, CG');
  });

  it('a closed channel leaves the group', async () => {
    const other = h.connect();
    await heartbeat('client-1');
    await heartbeat('client-2', other);
    other.close();
    expect(JSON.parse(`${(await consumerList()).body}`)).toEqual({ consumerIdList: ['client-1'] });
  });
});
