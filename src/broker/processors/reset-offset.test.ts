// INVOKE_BROKER_TO_RESET_OFFSET against an in-process broker (RocketMQ 5's server-side reset):
// every queue's offset becomes the target, the next pull answers PULL_OFFSET_MOVED to it, and a
// commit from a client still holding its old offset does not undo the reset.
import { describe, expect, it } from 'vitest';
import { decodeOffsetTable } from '../../protocol/bodies/offset-table.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { brokerPerTest, pullFields, withInProcessBroker } from '../in-process-broker.fixture.js';

const h = brokerPerTest({}, async () => {
  h.createTopic('Orders', 2);
  await h.send('Orders', ['a', 'b', 'c']);
});

const reset = (over: Record<string, string | number>) =>
  h.request(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, {
    topic: 'Orders',
    group: 'G',
    timestamp: 0,
    ...over,
  });

describe('INVOKE_BROKER_TO_RESET_OFFSET', () => {
  it('resets every queue by timestamp and the next pull is moved to the reset offset', async () => {
    h.ctx.offsets.commitOffset('G', 'Orders', 0, 3);
    const res = await reset({ timestamp: 0 });
    expect(res.code).toBe(ResponseCode.SUCCESS);
    expect(decodeOffsetTable(res.body!).map((t) => [t.mq.queueId, t.offset])).toEqual([
      [0, 0],
      [1, 0],
    ]);
    const pulled = await h.request(RequestCode.PULL_MESSAGE, pullFields('Orders', 3));
    expect(pulled.code).toBe(ResponseCode.PULL_OFFSET_MOVED);
    expect(pulled.remark).toBe('OFFSET_RESET');
    expect(pulled.extFields.nextBeginOffset).toBe('0');
  });

  it('keeps the reset against a commit of the old offset until a pull learns it', async () => {
    await reset({ offset: 1, queueId: 0 });
    const commit = await h.request(RequestCode.UPDATE_CONSUMER_OFFSET, {
      consumerGroup: 'G',
      topic: 'Orders',
      queueId: 0,
      commitOffset: 3,
    });
    expect(commit.code).toBe(ResponseCode.SUCCESS);
    expect(commit.remark).toBe('Offset has been previously reset');
    expect(h.ctx.offsets.queryOffset('G', 'Orders', 0)).toBe(1);
  });

  it('resets to the max offset for a negative timestamp', async () => {
    const res = await reset({ timestamp: -1, queueId: 0 });
    expect(decodeOffsetTable(res.body!).map((t) => t.offset)).toEqual([3]);
  });

  it('refuses an explicit offset outside the queue, an unknown topic and an unknown group', async () => {
    const out = await reset({ offset: 9, queueId: 0 });
    expect(out.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(out.remark).toBe('Target offset 9 not in consume queue range [0, 3] of Orders-0');
    expect((await reset({ topic: 'Nowhere' })).code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    await withInProcessBroker({ autoCreateSubscriptionGroup: false }, async (strict) => {
      strict.createTopic('Orders');
      const res = await strict.request(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, {
        topic: 'Orders',
        group: 'G',
        timestamp: 0,
      });
      expect(res.code).toBe(ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST);
    });
  });
});
