// Retry and dead letters end to end with raw RemotingCommands against real processes: a consumer
// sends a message back (CONSUMER_SEND_MSG_BACK), it comes back in %RETRY%<group> after delay level
// 3 + reconsumeTimes (levels 1s 2s 3s here), and after maxReconsumeTimes send-backs it lands in
// %DLQ%<group> with its original topic and message id in its properties.
import { describe, expect, it } from 'vitest';
import type { MessageExt } from '../../src/message/message.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';

const cluster = useCluster({ brokerConfig: { messageDelayLevel: '1s 2s 3s' } });

function sendBack(m: MessageExt, group: string, delayLevel: number, maxReconsumeTimes?: number) {
  return cluster.raw.call(RequestCode.CONSUMER_SEND_MSG_BACK, {
    offset: m.commitLogOffset,
    group,
    delayLevel,
    originMsgId: m.properties.UNIQ_KEY ?? m.offsetMsgId,
    originTopic: m.topic,
    unitMode: false,
    ...(maxReconsumeTimes !== undefined ? { maxReconsumeTimes } : {}),
  });
}

/**
 * Long-polls queue 0 for the next message: through the group's heartbeat subscription, or with a
 * '*' subscription in the request when `subscription` is set (a tool reading a DLQ).
 */
async function next(
  topic: string,
  group: string,
  offset: number,
  subscription?: string,
): Promise<MessageExt> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const r = await cluster.raw.pull(topic, group, 0, offset, { suspendMs: 5_000, subscription });
    expect([ResponseCode.SUCCESS, ResponseCode.PULL_NOT_FOUND]).toContain(r.code);
    if (r.msgs[0]) return r.msgs[0];
  }
  throw new Error(`nothing arrived in ${topic} past offset ${offset}`);
}

async function topicConfig(topic: string): Promise<{ perm: number; readQueueNums: number }> {
  const r = await cluster.raw.call(RequestCode.GET_TOPIC_CONFIG, { topic });
  expect(r.code).toBe(0);
  return JSON.parse(r.body!.toString()).topicConfig;
}

describe('CONSUMER_SEND_MSG_BACK', () => {
  it('retries through %RETRY%<group> and dead-letters after maxReconsumeTimes', async () => {
    const topic = uniqueName('Orders');
    const group = uniqueName('G');
    const retry = `%RETRY%${group}`;
    const dlq = `%DLQ%${group}`;
    await cluster.createTopic(topic, 1);
    // A clustering consumer subscribes its retry topic in the heartbeat (as Java and ali-ons do);
    // the pulls below rely on that subscription rather than carrying their own.
    expect((await cluster.raw.heartbeat('c1', group, [topic, retry])).code).toBe(0);
    expect((await cluster.raw.send(topic, 0, 'pay me', { KEYS: 'order-1', tag: 'x' })).code).toBe(
      0,
    );
    const original = await next(topic, group, 0);

    const sentBackAt = Date.now();
    expect((await sendBack(original, group, 0, 2)).code).toBe(ResponseCode.SUCCESS);
    expect(await topicConfig(retry)).toMatchObject({ perm: 6, readQueueNums: 1 });
    const first = await next(retry, group, 0);
    // delayLevel 0 → 3 + reconsumeTimes(0) = level 3 = 3 s
    expect(Date.now() - sentBackAt).toBeGreaterThanOrEqual(3_000);
    expect(first.reconsumeTimes).toBe(1);
    expect(first.body.toString()).toBe('pay me');
    expect(first.properties).toMatchObject({
      RETRY_TOPIC: topic,
      ORIGIN_MESSAGE_ID: original.offsetMsgId,
      UNIQ_KEY: original.properties.UNIQ_KEY,
      KEYS: 'order-1',
      tag: 'x',
      REAL_TOPIC: retry,
    });
    expect(first.properties.DELAY).toBeUndefined();

    // An explicit level (1 = 1 s) from the consumer wins over 3 + reconsumeTimes.
    expect((await sendBack(first, group, 1, 2)).code).toBe(0);
    const second = await next(retry, group, 1);
    expect(second.reconsumeTimes).toBe(2);
    expect(second.properties.ORIGIN_MESSAGE_ID).toBe(original.offsetMsgId);

    // reconsumeTimes 2 reached maxReconsumeTimes 2: dead letter, no delay.
    expect((await sendBack(second, group, 0, 2)).code).toBe(0);
    expect(await topicConfig(dlq)).toMatchObject({ perm: 6, readQueueNums: 1 });
    const dead = await next(dlq, group, 0, '*');
    expect(dead.reconsumeTimes).toBe(3);
    expect(dead.body.toString()).toBe('pay me');
    expect(dead.properties).toMatchObject({
      RETRY_TOPIC: topic,
      ORIGIN_MESSAGE_ID: original.offsetMsgId,
      UNIQ_KEY: original.properties.UNIQ_KEY,
      DELAY: '0',
    });
    expect(await cluster.raw.maxOffset(retry, 0)).toBe(2);
  });

  it("uses the group's retryMaxTimes (16) when the header has no limit", async () => {
    const topic = uniqueName('NoLimit');
    const group = uniqueName('G');
    await cluster.createTopic(topic, 1);
    expect((await cluster.raw.send(topic, 0, 'again')).code).toBe(0);
    const m = await next(topic, group, 0, '*');
    expect((await sendBack(m, group, 1)).code).toBe(0);
    const back = await next(`%RETRY%${group}`, group, 0, '*');
    expect(back.reconsumeTimes).toBe(1);
  });

  it('dead-letters at once for delayLevel -1; answers SYSTEM_ERROR for an unknown offset', async () => {
    const topic = uniqueName('Poison');
    const group = uniqueName('G');
    await cluster.createTopic(topic, 1);
    expect((await cluster.raw.send(topic, 0, 'poison')).code).toBe(0);
    const m = await next(topic, group, 0, '*');
    expect((await sendBack(m, group, -1, 16)).code).toBe(0);
    const dead = await next(`%DLQ%${group}`, group, 0, '*');
    expect(dead.reconsumeTimes).toBe(1);
    expect(dead.properties.RETRY_TOPIC).toBe(topic);
    const bad = await sendBack({ ...m, commitLogOffset: 1 << 30 }, group, 0, 16);
    expect(bad.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(bad.remark).toContain('look message by offset failed');
  });

  it('dead-letters a plain send to %RETRY% whose reconsumeTimes is past the limit', async () => {
    const group = uniqueName('G');
    const retry = `%RETRY%${group}`;
    const r = await cluster.raw.send(
      retry,
      0,
      'fallback',
      { RETRY_TOPIC: 'Orders' },
      { reconsumeTimes: 3, maxReconsumeTimes: 2 },
    );
    expect(r.code).toBe(0);
    expect(await cluster.raw.maxOffset(retry, 0)).toBe(0);
    const dead = await next(`%DLQ%${group}`, group, 0, '*');
    expect(dead.body.toString()).toBe('fallback');
    expect(dead.properties.DELAY).toBe('-1');
    // At the limit it is still a retry.
    expect(
      (
        await cluster.raw.send(
          retry,
          0,
          'still retry',
          {},
          { reconsumeTimes: 2, maxReconsumeTimes: 2 },
        )
      ).code,
    ).toBe(0);
    expect(await cluster.raw.maxOffset(retry, 0)).toBe(1);
  });
});
