// Group administration against an in-process broker: UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (200),
// DELETE_SUBSCRIPTIONGROUP (207), GET_PRODUCER_CONNECTION_LIST (204),
// QUERY_TOPIC_CONSUME_BY_WHO (300), QUERY_TOPICS_BY_CONSUMER (343), CLONE_GROUP_OFFSET (314),
// answered as AdminBrokerProcessor answers them; config changes reach subscriptionGroup.json.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeSubscriptionGroupConfig } from '../../protocol/bodies/subscription-group.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import {
  brokerPerTest,
  type InMemoryConnection,
  pullFields,
} from '../in-process-broker.fixture.js';

const h = brokerPerTest({ brokerName: 'broker-g' });

function heartbeat(clientID: string, topic: string, conn: InMemoryConnection = h.conn) {
  const body = {
    clientID,
    producerDataSet: [{ groupName: 'PG' }],
    consumerDataSet: [
      {
        groupName: 'CG',
        consumeType: 'CONSUME_PASSIVELY',
        messageModel: 'CLUSTERING',
        consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
        subscriptionDataSet: [{ topic, subString: '*', subVersion: 1 }],
      },
    ],
  };
  return h.request(RequestCode.HEART_BEAT, {}, Buffer.from(JSON.stringify(body)), conn);
}

const persisted = () =>
  JSON.parse(
    readFileSync(join(h.ctx.config.storePathRootDir, 'config', 'subscriptionGroup.json'), 'utf8'),
  ).subscriptionGroupTable as Record<string, Record<string, unknown>>;

describe('UPDATE_AND_CREATE_SUBSCRIPTIONGROUP and DELETE_SUBSCRIPTIONGROUP', () => {
  it('creates a group with every field given, lists it and persists it', async () => {
    const body = encodeSubscriptionGroupConfig({
      groupName: 'Billing',
      consumeEnable: false,
      consumeFromMinEnable: false,
      consumeBroadcastEnable: false,
      consumeMessageOrderly: true,
      retryQueueNums: 3,
      retryMaxTimes: 5,
      brokerId: 1,
      whichBrokerWhenConsumeSlowly: 2,
      notifyConsumerIdsChangedEnable: false,
      groupSysFlag: 4,
      consumeTimeoutMinute: 30,
    });
    const res = await h.request(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, {}, body);
    expect(res.code).toBe(ResponseCode.SUCCESS);
    const want = {
      groupName: 'Billing',
      consumeEnable: false,
      consumeFromMinEnable: false,
      consumeBroadcastEnable: false,
      consumeMessageOrderly: true,
      retryQueueNums: 3,
      retryMaxTimes: 5,
      brokerId: 1,
      whichBrokerWhenConsumeSlowly: 2,
      notifyConsumerIdsChangedEnable: false,
      groupSysFlag: 4,
      consumeTimeoutMinute: 30,
    };
    expect(persisted().Billing).toMatchObject(want);
    const all = await h.request(RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG);
    expect(JSON.parse(`${all.body}`).subscriptionGroupTable.Billing).toMatchObject(want);
  });

  it('takes a 4.9 body with string values over the defaults', async () => {
    const body = Buffer.from('{"groupName":"Old","retryMaxTimes":"7","consumeEnable":"false"}');
    const res = await h.request(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, {}, body);
    expect(res.code).toBe(ResponseCode.SUCCESS);
    expect(h.ctx.groups.find('Old')).toMatchObject({
      retryMaxTimes: 7,
      consumeEnable: false,
      retryQueueNums: 1,
      consumeTimeoutMinute: 15,
    });
  });

  it('refuses an illegal group name and a body that is not a config', async () => {
    const bad = encodeSubscriptionGroupConfig({ groupName: 'a b' });
    const res = await h.request(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, {}, bad);
    expect(res.code).toBe(ResponseCode.INVALID_PARAMETER);
    expect(res.remark).toContain('illegal characters');
    const junk = Buffer.from('{"groupName":"G","retryQueueNums":"many"}');
    const res2 = await h.request(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, {}, junk);
    expect(res2.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(res2.remark).toContain('retryQueueNums must be a whole number');
    expect(h.ctx.groups.all().map((g) => g.groupName)).not.toContain('G');
  });

  it('deletes a group, and its offsets only when cleanOffset is true', async () => {
    h.createTopic('Orders', 2);
    for (const g of ['Keep', 'Clean']) {
      h.ctx.groups.upsert({ ...h.ctx.groups.find(g)!, retryMaxTimes: 2 });
      h.ctx.offsets.commitOffset(g, 'Orders', 0, 9);
    }
    const keep = await h.request(RequestCode.DELETE_SUBSCRIPTIONGROUP, { groupName: 'Keep' });
    expect(keep.code).toBe(ResponseCode.SUCCESS);
    expect(h.ctx.offsets.queryOffset('Keep', 'Orders', 0)).toBe(9);
    const clean = await h.request(RequestCode.DELETE_SUBSCRIPTIONGROUP, {
      groupName: 'Clean',
      cleanOffset: 'true',
    });
    expect(clean.code).toBe(ResponseCode.SUCCESS);
    expect(h.ctx.offsets.queryOffset('Clean', 'Orders', 0)).toBe(-1);
    expect(Object.keys(persisted())).not.toContain('Keep');
    expect(Object.keys(persisted())).not.toContain('Clean');
    const unknown = await h.request(RequestCode.DELETE_SUBSCRIPTIONGROUP, { groupName: 'None' });
    expect(unknown.code).toBe(ResponseCode.SUCCESS);
  });
});

describe('connections and who consumes what', () => {
  it('lists the producers of a group and refuses a group with none', async () => {
    await heartbeat('client-1', 'Orders');
    const res = await h.request(RequestCode.GET_PRODUCER_CONNECTION_LIST, { producerGroup: 'PG' });
    expect(res.code).toBe(ResponseCode.SUCCESS);
    expect(`${res.body}`).toMatch(/^\{"connectionSet":\[\{"clientAddr":/);
    expect(JSON.parse(`${res.body}`).connectionSet).toEqual([
      {
        clientAddr: h.conn.remoteAddress,
        clientId: 'client-1',
        language: 'JAVA',
        version: expect.any(Number),
      },
    ]);
    const none = await h.request(RequestCode.GET_PRODUCER_CONNECTION_LIST, { producerGroup: 'X' });
    expect(none.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(none.remark).toBe('the producer group[X] not exist');
  });

  it('answers the groups of a topic (online or with offsets) and the topics of a group', async () => {
    h.createTopic('Orders', 2);
    h.createTopic('Refunds', 1);
    await heartbeat('client-1', 'Orders');
    h.ctx.offsets.commitOffset('Offline', 'Orders', 1, 3);
    h.ctx.offsets.commitOffset('Offline', 'Refunds', 0, 1);
    const who = await h.request(RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, { topic: 'Orders' });
    expect(who.code).toBe(ResponseCode.SUCCESS);
    expect(JSON.parse(`${who.body}`).groupList.sort()).toEqual(['CG', 'Offline']);
    const topics = await h.request(RequestCode.QUERY_TOPICS_BY_CONSUMER, { group: 'Offline' });
    expect(topics.code).toBe(ResponseCode.SUCCESS);
    const body = JSON.parse(`${topics.body}`);
    expect(body.topicList.sort()).toEqual(['Orders', 'Refunds']);
    expect(body.brokerAddr).toBe(h.ctx.storeHost);
  });
});

describe('CLONE_GROUP_OFFSET', () => {
  it('copies the offsets of one topic or of every topic of the source group', async () => {
    h.createTopic('Orders', 2);
    h.createTopic('Refunds', 1);
    h.ctx.offsets.commitOffset('Src', 'Orders', 0, 4);
    h.ctx.offsets.commitOffset('Src', 'Orders', 1, 6);
    h.ctx.offsets.commitOffset('Src', 'Refunds', 0, 2);
    const one = await h.request(RequestCode.CLONE_GROUP_OFFSET, {
      srcGroup: 'Src',
      destGroup: 'Dest',
      topic: 'Orders',
      offline: 'true',
    });
    expect(one.code).toBe(ResponseCode.SUCCESS);
    expect(h.ctx.offsets.queryOffset('Dest', 'Orders', 1)).toBe(6);
    expect(h.ctx.offsets.queryOffset('Dest', 'Refunds', 0)).toBe(-1);
    await h.request(RequestCode.CLONE_GROUP_OFFSET, { srcGroup: 'Src', destGroup: 'All' });
    expect(h.ctx.offsets.queryOffset('All', 'Orders', 0)).toBe(4);
    expect(h.ctx.offsets.queryOffset('All', 'Refunds', 0)).toBe(2);
  });

  it('skips a topic an online source group does not subscribe to, unless offline', async () => {
    h.createTopic('Orders', 1);
    h.createTopic('Refunds', 1);
    await heartbeat('client-1', 'Orders');
    h.ctx.offsets.commitOffset('CG', 'Refunds', 0, 5);
    const fields = { srcGroup: 'CG', destGroup: 'D', topic: 'Refunds' };
    await h.request(RequestCode.CLONE_GROUP_OFFSET, { ...fields, offline: 'false' });
    expect(h.ctx.offsets.queryOffset('D', 'Refunds', 0)).toBe(-1);
    await h.request(RequestCode.CLONE_GROUP_OFFSET, { ...fields, offline: 'true' });
    expect(h.ctx.offsets.queryOffset('D', 'Refunds', 0)).toBe(5);
  });

  it('answers SYSTEM_ERROR naming the field when srcGroup is missing', async () => {
    const res = await h.request(RequestCode.CLONE_GROUP_OFFSET, { destGroup: 'D' });
    expect(res.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(res.remark).toContain("'srcGroup'");
  });
});

describe('GET_CONSUME_STATS as AdminBrokerProcessor#getConsumeStats answers it', () => {
  it('writes fastjson OffsetWrappers and keeps to the topics an online group subscribes to', async () => {
    h.createTopic('Orders', 1);
    h.createTopic('Refunds', 1);
    await h.send('Orders', ['a', 'b']);
    h.ctx.offsets.commitOffset('CG', 'Orders', 0, 1);
    h.ctx.offsets.commitOffset('CG', 'Refunds', 0, 0);
    const offline = await h.request(RequestCode.GET_CONSUME_STATS, { consumerGroup: 'CG' });
    expect(`${offline.body}`).toContain('"topic":"Refunds"');
    await heartbeat('client-1', 'Orders');
    const res = await h.request(RequestCode.GET_CONSUME_STATS, { consumerGroup: 'CG' });
    expect(res.code).toBe(ResponseCode.SUCCESS);
    const body = `${res.body}`;
    expect(body).toMatch(
      /^\{"consumeTps":0\.0,"offsetTable":\{\{"brokerName":"broker-g","queueId":0,"topic":"Orders"\}:\{"brokerOffset":2,"consumerOffset":1,"lastTimestamp":[1-9]\d+,"pullOffset":1\}\}\}$/,
    );
    const named = await h.request(RequestCode.GET_CONSUME_STATS, {
      consumerGroup: 'CG',
      topic: 'Refunds',
    });
    expect(`${named.body}`).toBe('{"consumeTps":0.0,"offsetTable":{}}');
  });

  it("rates the group's pulled messages in consumeTps, only on the topics asked for", async () => {
    h.createTopic('Orders', 1);
    h.createTopic('Refunds', 1);
    await h.send('Orders', ['a', 'b', 'c', 'd', 'e']);
    h.ctx.offsets.commitOffset('CG', 'Orders', 0, 0);
    h.ctx.offsets.commitOffset('CG', 'Refunds', 0, 0);
    const pulled = await h.request(
      RequestCode.PULL_MESSAGE,
      pullFields('Orders', 0, { consumerGroup: 'CG' }),
    );
    expect(pulled.code).toBe(ResponseCode.SUCCESS);
    const tps = async (fields: Record<string, string>) => {
      const res = await h.request(RequestCode.GET_CONSUME_STATS, fields);
      return Number(/"consumeTps":([\d.E-]+)/.exec(`${res.body}`)?.[1]);
    };
    // Five messages over at least the 10-s sampling period.
    const all = await tps({ consumerGroup: 'CG' });
    expect(all).toBeGreaterThan(0);
    expect(all).toBeLessThanOrEqual(0.5);
    expect(await tps({ consumerGroup: 'CG', topic: 'Orders' })).toBe(all);
    expect(await tps({ consumerGroup: 'CG', topic: 'Refunds' })).toBe(0);
    expect(await tps({ consumerGroup: 'Other' })).toBe(0);
  });
});
