// INVOKE_BROKER_TO_RESET_OFFSET with useServerSideResetOffset=false against an in-process broker:
// each online consumer of the group is sent RESET_CONSUMER_CLIENT_OFFSET one-way with the
// ResetOffsetBody; the broker's committed offsets and pulls stay as they were (the clients
// commit); without isForce a queue only moves back; no consumer online, or a queue the group
// never committed, is refused.
import { describe, expect, it } from 'vitest';
import { decodeOffsetTable } from '../../protocol/bodies/offset-table.js';
import { isOneway } from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import {
  type InMemoryConnection,
  type InProcessBroker,
  pullFields,
  withInProcessBroker,
} from '../in-process-broker.fixture.js';

async function joinGroup(h: InProcessBroker, clientID: string): Promise<InMemoryConnection> {
  const conn = h.connect();
  const body = {
    clientID,
    producerDataSet: [],
    consumerDataSet: [
      {
        groupName: 'G',
        consumeType: 'CONSUME_PASSIVELY',
        messageModel: 'CLUSTERING',
        consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
        subscriptionDataSet: [{ topic: 'Orders', subString: '*', subVersion: 1 }],
      },
    ],
  };
  const res = await h.request(RequestCode.HEART_BEAT, {}, Buffer.from(JSON.stringify(body)), conn);
  expect(res.code).toBe(ResponseCode.SUCCESS);
  return conn;
}

const clientSide = (test: (h: InProcessBroker) => Promise<void>) =>
  withInProcessBroker({ useServerSideResetOffset: false }, async (h) => {
    h.createTopic('Orders', 2);
    await h.send('Orders', ['a', 'b', 'c', 'd']); // two per queue
    await test(h);
  });

const reset = (h: InProcessBroker, over: Record<string, string | number | boolean> = {}) =>
  h.request(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, {
    topic: 'Orders',
    group: 'G',
    timestamp: 0,
    isForce: true,
    ...over,
  });

describe('INVOKE_BROKER_TO_RESET_OFFSET through the clients', () => {
  it('sends every online consumer 220 one-way with the table; commits nothing itself', () =>
    clientSide(async (h) => {
      h.ctx.offsets.commitOffset('G', 'Orders', 0, 2);
      h.ctx.offsets.commitOffset('G', 'Orders', 1, 2);
      const a = await joinGroup(h, 'a@1');
      const b = await joinGroup(h, 'b@2');
      const res = await reset(h);
      expect(res.code).toBe(ResponseCode.SUCCESS);
      const sent = decodeOffsetTable(res.body!).map((t) => [t.mq.queueId, t.offset]);
      expect(sent).toEqual([
        [0, 0],
        [1, 0],
      ]);
      for (const conn of [a, b]) {
        const got = conn.pushed.filter((c) => c.code === RequestCode.RESET_CONSUMER_CLIENT_OFFSET);
        expect(got).toHaveLength(1);
        expect(isOneway(got[0]!)).toBe(true);
        expect(got[0]!.extFields).toMatchObject({ topic: 'Orders', group: 'G', isForce: 'true' });
        expect(decodeOffsetTable(got[0]!.body!).map((t) => [t.mq.queueId, t.offset])).toEqual(sent);
      }
      expect(h.ctx.offsets.queryOffset('G', 'Orders', 0)).toBe(2);
      const pulled = await h.request(RequestCode.PULL_MESSAGE, pullFields('Orders', 2));
      expect(pulled.code).not.toBe(ResponseCode.PULL_OFFSET_MOVED);
    }));

  it('without isForce moves a queue back only', () =>
    clientSide(async (h) => {
      h.ctx.offsets.commitOffset('G', 'Orders', 0, 2);
      h.ctx.offsets.commitOffset('G', 'Orders', 1, 0);
      await joinGroup(h, 'a@1');
      const res = await reset(h, { timestamp: -1, isForce: false }); // to the end: 2 and 2
      expect(decodeOffsetTable(res.body!).map((t) => [t.mq.queueId, t.offset])).toEqual([
        [0, 2],
        [1, 0],
      ]);
    }));

  it('refuses when no consumer is online or a queue has no committed offset', () =>
    clientSide(async (h) => {
      h.ctx.offsets.commitOffset('G', 'Orders', 0, 2);
      const none = await reset(h, { queueId: 0 });
      expect(none.code).toBe(ResponseCode.CONSUMER_NOT_ONLINE);
      expect(none.remark).toMatch(/^Consumer not online, so can not reset offset, Group: G/);
      await joinGroup(h, 'a@1');
      const never = await reset(h);
      expect(never.code).toBe(ResponseCode.SYSTEM_ERROR);
      expect(never.remark).toMatch(/has no committed offset of Orders-1/);
      expect(h.ctx.offsets.queryOffset('G', 'Orders', 0)).toBe(2);
    }));
});
