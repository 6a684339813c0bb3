// CONSUMER_SEND_MSG_BACK against an in-process broker (AbstractSendMessageProcessor
// #consumerSendMsgBack): a failed message is copied to %RETRY%<group> behind a delay level, or to
// %DLQ%<group> when asked or past the reconsume limit; refusals for a missing group or offset.
import { describe, expect, it } from 'vitest';
import type { MessageExt } from '../../message/message.js';
import { decodeRecords } from '../../message/record-codec.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { brokerPerTest, withInProcessBroker } from '../in-process-broker.fixture.js';

const h = brokerPerTest({}, () => {
  h.createTopic('Orders');
});

function stored(topic: string, queueId: number): MessageExt[] {
  const r = h.ctx.store.getMessage(topic, queueId, 0, 32);
  return decodeRecords(Buffer.concat(r.buffers));
}

async function consumed(): Promise<MessageExt> {
  await h.send('Orders', ['failed']);
  return stored('Orders', 0)[0]!;
}

const sendBack = (m: MessageExt, over: Record<string, string | number> = {}) =>
  h.request(RequestCode.CONSUMER_SEND_MSG_BACK, {
    offset: m.commitLogOffset,
    group: 'G',
    delayLevel: 0,
    originMsgId: m.offsetMsgId,
    originTopic: 'Orders',
    ...over,
  });

describe('CONSUMER_SEND_MSG_BACK', () => {
  it('puts a copy behind delay level 3 for the group retry topic', async () => {
    const m = await consumed();
    const res = await sendBack(m);
    expect(res.code).toBe(ResponseCode.SUCCESS);
    expect(h.ctx.topics.get('%RETRY%G')).toBeDefined();
    const [copy] = stored('SCHEDULE_TOPIC_XXXX', 2); // queue = level - 1
    expect(copy?.body.toString()).toBe('failed');
    expect(copy?.reconsumeTimes).toBe(1);
    expect(copy?.properties).toMatchObject({
      REAL_TOPIC: '%RETRY%G',
      DELAY: '3',
      RETRY_TOPIC: 'Orders',
      ORIGIN_MESSAGE_ID: m.offsetMsgId,
    });
  });

  it('dead-letters at once for a negative delay level', async () => {
    const res = await sendBack(await consumed(), { delayLevel: -1 });
    expect(res.code).toBe(ResponseCode.SUCCESS);
    const [dead] = stored('%DLQ%G', 0);
    expect(dead?.body.toString()).toBe('failed');
    expect(dead?.properties.RETRY_TOPIC).toBe('Orders');
  });

  it('dead-letters a message at the maxReconsumeTimes the request names', async () => {
    // reconsumeTimes is read from the broker's stored copy (0 here), so a limit of 0 is reached.
    const res = await sendBack(await consumed(), { maxReconsumeTimes: 0 });
    expect(res.code).toBe(ResponseCode.SUCCESS);
    expect(stored('%DLQ%G', 0).map((m) => m.body.toString())).toEqual(['failed']);
    expect(stored('SCHEDULE_TOPIC_XXXX', 2)).toEqual([]);
  });

  it('refuses an offset where no message starts, without creating the retry topic', async () => {
    const m = await consumed();
    const res = await sendBack({ ...m, commitLogOffset: m.commitLogOffset + 3 });
    expect(res.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(res.remark).toBe(`look message by offset failed, ${m.commitLogOffset + 3}`);
    expect(h.ctx.topics.get('%RETRY%G')).toBeUndefined();
  });

  it('answers SUBSCRIPTION_GROUP_NOT_EXIST when groups are not created on demand', async () => {
    await withInProcessBroker({ autoCreateSubscriptionGroup: false }, async (strict) => {
      strict.createTopic('Orders');
      await strict.send('Orders', ['x']);
      const r = strict.ctx.store.getMessage('Orders', 0, 0, 1);
      const [m] = decodeRecords(Buffer.concat(r.buffers));
      const res = await strict.request(RequestCode.CONSUMER_SEND_MSG_BACK, {
        offset: m!.commitLogOffset,
        group: 'G',
        delayLevel: 0,
      });
      expect(res.code).toBe(ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST);
    });
  });
});
