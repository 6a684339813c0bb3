// Topic administration (UPDATE_AND_CREATE_TOPIC, DELETE_TOPIC_IN_BROKER, GET_ALL_TOPIC_CONFIG,
// GET_TOPIC_CONFIG; AdminBrokerProcessor) and GET_BROKER_CONFIG against an in-process broker.
import { describe, expect, it } from 'vitest';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { brokerPerTest } from '../in-process-broker.fixture.js';

const h = brokerPerTest({ brokerName: 'broker-x' });

const create = (topic: string, over: Record<string, string | number> = {}) =>
  h.request(RequestCode.UPDATE_AND_CREATE_TOPIC, {
    topic,
    readQueueNums: 4,
    writeQueueNums: 4,
    perm: 6,
    ...over,
  });
const topicTable = async () => {
  const res = await h.request(RequestCode.GET_ALL_TOPIC_CONFIG);
  expect(res.code).toBe(ResponseCode.SUCCESS);
  return JSON.parse(`${res.body}`).topicConfigTable as Record<string, { writeQueueNums: number }>;
};

describe('topics', () => {
  it('creates and updates a topic, lists it and answers its config', async () => {
    expect((await create('Orders')).code).toBe(ResponseCode.SUCCESS);
    expect((await create('Orders', { writeQueueNums: 2, topicFilterType: 'MULTI_TAG' })).code).toBe(
      ResponseCode.SUCCESS,
    );
    expect((await topicTable()).Orders?.writeQueueNums).toBe(2);
    const one = await h.request(RequestCode.GET_TOPIC_CONFIG, { topic: 'Orders' });
    expect(one.code).toBe(ResponseCode.SUCCESS);
    expect(JSON.parse(`${one.body}`)).toMatchObject({
      topicName: 'Orders',
      readQueueNums: 4,
      writeQueueNums: 2,
      topicFilterType: 'MULTI_TAG',
      topicConfig: { topicName: 'Orders' },
    });
    const none = await h.request(RequestCode.GET_TOPIC_CONFIG, { topic: 'Nowhere' });
    expect(none.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    expect(none.remark).toBe('No topic in this broker. topic: Nowhere');
  });

  it('refuses an illegal name, a system topic name and out-of-range queue counts', async () => {
    expect((await create('a b')).code).toBe(ResponseCode.INVALID_PARAMETER);
    const system = await create('TBW102');
    expect(system.code).toBe(ResponseCode.INVALID_PARAMETER);
    expect(system.remark).toBe('The topic[TBW102] is conflict with system topic.');
    expect((await create('Big', { readQueueNums: 1025 })).code).toBe(
      ResponseCode.INVALID_PARAMETER,
    );
    expect((await create('Perm', { perm: 16 })).code).toBe(ResponseCode.INVALID_PARAMETER);
    expect(Object.keys(await topicTable())).not.toContain('Big');
  });

  it('deletes a topic with its messages and its groups offsets', async () => {
    await create('Orders');
    await h.send('Orders', ['a']);
    h.ctx.offsets.commitOffset('G', 'Orders', 0, 1);
    const res = await h.request(RequestCode.DELETE_TOPIC_IN_BROKER, { topic: 'Orders' });
    expect(res.code).toBe(ResponseCode.SUCCESS);
    expect(Object.keys(await topicTable())).not.toContain('Orders');
    expect(h.ctx.offsets.queryOffset('G', 'Orders', 0)).toBe(-1);
    expect(h.ctx.store.getMaxOffsetInQueue('Orders', 0)).toBe(0);
  });

  it('refuses to delete a system topic', async () => {
    const res = await h.request(RequestCode.DELETE_TOPIC_IN_BROKER, {
      topic: 'SCHEDULE_TOPIC_XXXX',
    });
    expect(res.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(res.remark).toContain('is conflict with system topic');
    expect(h.ctx.topics.get('SCHEDULE_TOPIC_XXXX')).toBeDefined();
  });
});

describe('GET_BROKER_CONFIG', () => {
  it('answers the effective configuration as key=value lines and a DataVersion', async () => {
    const res = await h.request(RequestCode.GET_BROKER_CONFIG);
    expect(res.code).toBe(ResponseCode.SUCCESS);
    const lines = `${res.body}`.split('\n');
    expect(lines).toContain('brokerName=broker-x');
    expect(lines).toContain(`storePathRootDir=${h.ctx.config.storePathRootDir}`);
    expect(JSON.parse(res.extFields.version ?? '')).toMatchObject({ counter: 0 });
  });
});
