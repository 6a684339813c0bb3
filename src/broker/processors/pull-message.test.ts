// PULL_MESSAGE against an in-process broker: found, nothing new, offsets out of range, long
// polling (parked, then woken by a send or by its deadline), the commit riding on a pull and the
// early refusals of PullMessageProcessor#processRequest.
import { describe, expect, it } from 'vitest';
import { PERM_WRITE } from '../../common/perm.js';
import { decodeRecords } from '../../message/record-codec.js';
import { PullSysFlag } from '../../protocol/headers/pull.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { brokerPerTest, pullFields, withInProcessBroker } from '../in-process-broker.fixture.js';
import { newTopicConfig } from '../managers/topic-config-manager.js';

const h = brokerPerTest({}, () => {
  h.createTopic('Orders');
});

const pull = (queueOffset: number, over: Record<string, string | number> = {}) =>
  h.request(RequestCode.PULL_MESSAGE, pullFields('Orders', queueOffset, over));
const bodies = (b: Buffer | undefined) =>
  decodeRecords(b ?? Buffer.alloc(0)).map((m) => `${m.body}`);

describe('PULL_MESSAGE', () => {
  it('answers FOUND with the records from the offset asked and the next offset', async () => {
    await h.send('Orders', ['a', 'b', 'c']);
    const res = await pull(1);
    expect(res.code).toBe(ResponseCode.SUCCESS);
    expect(res.remark).toBe('FOUND');
    expect(bodies(res.body)).toEqual(['b', 'c']);
    expect(res.extFields).toMatchObject({
      nextBeginOffset: '3',
      minOffset: '0',
      maxOffset: '3',
      suggestWhichBrokerId: '0',
    });
  });

  it('caps the records at maxMsgNums', async () => {
    await h.send('Orders', ['a', 'b', 'c']);
    const res = await pull(0, { maxMsgNums: 2 });
    expect(bodies(res.body)).toEqual(['a', 'b']);
    expect(res.extFields.nextBeginOffset).toBe('2');
  });

  it('answers PULL_NOT_FOUND at the end of the queue without the suspend flag', async () => {
    await h.send('Orders', ['a']);
    const res = await pull(1);
    expect(res.code).toBe(ResponseCode.PULL_NOT_FOUND);
    expect(res.remark).toBe('OFFSET_OVERFLOW_ONE');
    expect(res.body).toBeUndefined();
    expect(res.extFields.nextBeginOffset).toBe('1');
  });

  it('answers PULL_OFFSET_MOVED past the end, with the offset to go back to', async () => {
    await h.send('Orders', ['a', 'b']);
    const res = await pull(9);
    expect(res.code).toBe(ResponseCode.PULL_OFFSET_MOVED);
    expect(res.remark).toBe('OFFSET_OVERFLOW_BADLY');
    expect(res.extFields).toMatchObject({ nextBeginOffset: '2', maxOffset: '2' });
    const empty = await h.request(RequestCode.PULL_MESSAGE, pullFields('Empty', 5));
    expect(empty.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
  });

  it('parks a pull with the suspend flag and answers it when a message arrives', async () => {
    const sysFlag = PullSysFlag.SUBSCRIPTION | PullSysFlag.SUSPEND;
    const parked = pull(0, { sysFlag, suspendTimeoutMillis: 30_000 });
    // Not answered yet: the processor returned nothing and pushed nothing.
    await new Promise((r) => setImmediate(r));
    expect(h.conn.pushed).toEqual([]);
    await h.send('Orders', ['late']);
    const res = await parked;
    expect(res.code).toBe(ResponseCode.SUCCESS);
    expect(bodies(res.body)).toEqual(['late']);
  });

  it('answers a parked pull PULL_NOT_FOUND once its suspend timeout passes', async () => {
    const sysFlag = PullSysFlag.SUBSCRIPTION | PullSysFlag.SUSPEND;
    const heard: number[] = [];
    h.ctx.pullHold.onAnswered = (_req, code) => heard.push(code);
    const res = await pull(0, { sysFlag, suspendTimeoutMillis: 50 });
    expect(res.code).toBe(ResponseCode.PULL_NOT_FOUND);
    expect(h.conn.pushed).toHaveLength(1);
    // The later answer is reported once, for the latency metric; an immediate one never is.
    expect(heard).toEqual([ResponseCode.PULL_NOT_FOUND]);
    await pull(0);
    expect(heard).toHaveLength(1);
  });

  it('commits the offset riding on the pull (COMMIT_OFFSET flag)', async () => {
    await h.send('Orders', ['a', 'b']);
    const sysFlag = PullSysFlag.SUBSCRIPTION | PullSysFlag.COMMIT_OFFSET;
    await pull(1, { sysFlag, commitOffset: 1 });
    expect(h.ctx.offsets.queryOffset('G', 'Orders', 0)).toBe(1);
    await pull(2, { sysFlag: PullSysFlag.SUBSCRIPTION, commitOffset: 2 });
    expect(h.ctx.offsets.queryOffset('G', 'Orders', 0)).toBe(1);
  });

  it('refuses a queueId past readQueueNums, a write-only topic and a missing group', async () => {
    const queue = await pull(0, { queueId: 1 });
    expect(queue.code).toBe(ResponseCode.INVALID_PARAMETER);
    expect(queue.remark).toContain('queueId[1] is illegal');
    h.ctx.topics.createOrUpdate(newTopicConfig('WriteOnly', 1, PERM_WRITE));
    const perm = await h.request(RequestCode.PULL_MESSAGE, pullFields('WriteOnly', 0));
    expect(perm.code).toBe(ResponseCode.NO_PERMISSION);
    await withInProcessBroker({ autoCreateSubscriptionGroup: false }, async (strict) => {
      strict.createTopic('Orders');
      const res = await strict.request(RequestCode.PULL_MESSAGE, pullFields('Orders', 0));
      expect(res.code).toBe(ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST);
    });
  });

  it('answers SUBSCRIPTION_NOT_EXIST when neither the request nor a heartbeat subscribes', async () => {
    const res = await pull(0, { sysFlag: 0 });
    expect(res.code).toBe(ResponseCode.SUBSCRIPTION_NOT_EXIST);
    expect(res.remark).toContain("the consumer's subscription not exist");
  });

  it('filters by the posted tag expression', async () => {
    await h.send('Orders', ['a'], { TAGS: 'TagA' });
    await h.send('Orders', ['b'], { TAGS: 'TagB' });
    const res = await pull(0, { subscription: 'TagB' });
    expect(bodies(res.body)).toEqual(['b']);
  });
});
