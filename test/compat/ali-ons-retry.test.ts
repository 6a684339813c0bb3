// ali-ons 3.12 against real KiteMQ processes, delay and retry: its producer's delay level
// (msg.delayTimeLevel → DELAY property) and its consumer's retry path (a handler that throws, or
// returns Consumer.ACTION_RETRY, makes it call CONSUMER_SEND_MSG_BACK; the message comes back
// from %RETRY%<group>, which ali-ons subscribes by itself, with reconsumeTimes 1).
// Levels are 1s 2s 3s; timings are asserted one way only (not early).
import { describe, expect, it } from 'vitest';
import { type AliMessage, aliConsumer, aliOns, aliProducer } from '../harness/ali-ons.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import { waitFor } from '../harness/topics.js';

const cluster = useCluster({ brokerConfig: { messageDelayLevel: '1s 2s 3s' } });

const consumer = (group: string) =>
  aliConsumer(cluster.namesrvAddr, {
    consumerGroup: group,
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    rebalanceInterval: 1_000,
  });

async function send(topic: string, body: string, delayLevel?: number): Promise<number> {
  const producer = await aliProducer(cluster.namesrvAddr);
  const msg = new (aliOns().Message)(topic, 'TagR', body);
  msg.properties.body = body;
  if (delayLevel !== undefined) msg.delayTimeLevel = delayLevel;
  const sentAt = Date.now();
  const r = await producer.send(msg);
  expect(r.sendStatus).toBe('SEND_OK');
  await producer.close();
  return sentAt;
}

describe('ali-ons delay level', () => {
  it('a message sent with delayTimeLevel 2 is consumed after 2 s, not before', async () => {
    const topic = uniqueName('AliDelay');
    await cluster.createTopic(topic, 2);
    const got: { m: AliMessage; at: number }[] = [];
    const c = consumer(uniqueName('CG'));
    c.subscribe(topic, '*', async (m) => {
      got.push({ m, at: Date.now() });
    });
    await c.ready();
    const sentAt = await send(topic, 'later', 2);
    await waitFor(() => got.length > 0, 20_000, 'the delayed message');
    await c.close();
    const [{ m, at }] = got as [{ m: AliMessage; at: number }];
    expect(at - sentAt).toBeGreaterThanOrEqual(2_000);
    console.info('ali-ons delay level 2: consumed after', at - sentAt, 'ms');
    expect(m.topic).toBe(topic);
    expect(m.body.toString()).toBe('later');
    expect(m.properties.DELAY).toBeUndefined();
    expect(m.properties.REAL_TOPIC).toBe(topic);
  });
});

describe('ali-ons ACTION_RETRY', () => {
  for (const how of ['throws', 'returns ACTION_RETRY'] as const) {
    it(`a handler that ${how} the first time gets the message again from the retry topic`, async () => {
      const topic = uniqueName('AliRetry');
      await cluster.createTopic(topic, 1);
      const calls: { m: AliMessage; at: number }[] = [];
      const c = consumer(uniqueName('CG'));
      c.subscribe(topic, '*', async (m) => {
        calls.push({ m, at: Date.now() });
        if (calls.length > 1) return undefined;
        if (how === 'throws') throw new Error('first attempt fails');
        return aliOns().Consumer.ACTION_RETRY;
      });
      await c.ready();
      await send(topic, `retry me (${how})`);
      await waitFor(() => calls.length >= 2, 30_000, 'the retried message');
      await new Promise((r) => setTimeout(r, 1_000)); // a third delivery would show up now
      await c.close();
      expect(calls).toHaveLength(2);
      const [first, second] = calls as [
        { m: AliMessage; at: number },
        { m: AliMessage; at: number },
      ];
      expect(first.m.reconsumeTimes).toBe(0);
      expect(second.m.reconsumeTimes).toBe(1);
      // ali-ons puts the original topic back before calling the handler.
      expect(second.m.topic).toBe(topic);
      expect(second.m.body.toString()).toBe(`retry me (${how})`);
      expect(second.m.properties).toMatchObject({
        RETRY_TOPIC: topic,
        REAL_TOPIC: expect.stringMatching(/^%RETRY%/),
        UNIQ_KEY: first.m.properties.UNIQ_KEY,
      });
      expect(second.m.properties.ORIGIN_MESSAGE_ID).toMatch(/^[0-9A-F]{32}$/);
      // delayLevel 0 → level 3 + reconsumeTimes 0 = 3 s
      expect(second.at - first.at).toBeGreaterThanOrEqual(3_000);
    });
  }
});
