// Our push consumer's failed messages go back through the broker: RECONSUME_LATER (or a thrown
// error) sends the message back, it returns from %RETRY%<group> with reconsumeTimes + 1 and its
// original topic, and past maxReconsumeTimes it ends in %DLQ%<group>. Delay levels are all 1 s
// here so the test is quick.
import { describe, expect, it } from 'vitest';
import { AdminClient } from '../../src/client/admin.js';
import { Producer } from '../../src/client/producer.js';
import { silentLogger } from '../../src/common/logger.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import { quietPushConsumer, sendMessages } from '../harness/sdk.js';
import { waitFor, waitForAsync } from '../harness/topics.js';

const logger = silentLogger();

const cluster = useCluster({ brokerConfig: { messageDelayLevel: '1s 1s 1s 1s 1s 1s' } });

const sendOne = (topic: string, body: string) =>
  sendMessages(cluster.namesrvAddr, [{ topic, body, tags: 'TagA', keys: [body] }]);

describe('push consumer retries through the broker', () => {
  it('redelivers a failed message from the retry topic with its topic and count', async () => {
    const topic = uniqueName('Payments');
    const group = uniqueName('PayGroup');
    await cluster.createTopic(topic, 2);
    const seen: { topic: string; times: number; body: string }[] = [];
    const c = quietPushConsumer(cluster.namesrvAddr, group, {
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    });
    c.subscribe(topic, 'TagA').registerMessageListener(async ([m]) => {
      seen.push({ topic: m!.topic, times: m!.reconsumeTimes, body: m!.body.toString() });
      if (m!.reconsumeTimes === 0) return 'RECONSUME_LATER';
      if (m!.reconsumeTimes === 1) throw new Error('still failing');
      return 'CONSUME_SUCCESS';
    });
    await c.start();
    try {
      await sendOne(topic, 'pay-1');
      await waitFor(() => seen.length >= 3, 30_000, 'three deliveries of pay-1');
      await new Promise((r) => setTimeout(r, 1_500)); // and no fourth
      expect(seen).toEqual([
        { topic, times: 0, body: 'pay-1' },
        { topic, times: 1, body: 'pay-1' },
        { topic, times: 2, body: 'pay-1' },
      ]);
    } finally {
      await c.shutdown();
    }
  }, 60_000);

  it('dead-letters a message that keeps failing past maxReconsumeTimes', async () => {
    const topic = uniqueName('Orders');
    const group = uniqueName('OrderGroup');
    await cluster.createTopic(topic, 1);
    let deliveries = 0;
    const c = quietPushConsumer(cluster.namesrvAddr, group, {
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      maxReconsumeTimes: 1,
    });
    c.subscribe(topic, '*').registerMessageListener(() => {
      deliveries++;
      return 'RECONSUME_LATER';
    });
    await c.start();
    const admin = new AdminClient({ namesrvAddr: cluster.namesrvAddr, logger });
    try {
      await sendOne(topic, 'poison');
      let dead: Awaited<ReturnType<AdminClient['queryDlqMessages']>> = [];
      await waitForAsync(
        async () => {
          dead = await admin.queryDlqMessages(group).catch(() => []);
          return dead.length > 0;
        },
        30_000,
        'the poison message in the DLQ',
      );
      expect(deliveries).toBe(2); // the first delivery and one redelivery
      expect(dead[0]!.body.toString()).toBe('poison');
      expect(dead[0]!.properties.RETRY_TOPIC).toBe(topic);
    } finally {
      admin.close();
      await c.shutdown();
    }
  }, 60_000);

  it('keeps a namespace on the wire and out of the application, retries included', async () => {
    const ns = uniqueName('Tenant');
    await cluster.createTopic(`${ns}%Orders`, 1);
    const p = new Producer({
      namesrvAddr: cluster.namesrvAddr,
      producerGroup: 'PG',
      namespace: ns,
      logger,
    });
    await p.start();
    const r = await p.send({ topic: 'Orders', body: 'namespaced' });
    expect(r.messageQueue.topic).toBe('Orders');
    await p.shutdown();
    const seen: { topic: string; times: number }[] = [];
    const c = quietPushConsumer(cluster.namesrvAddr, 'Billing', {
      namespace: ns,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    });
    c.subscribe('Orders', '*').registerMessageListener(([m]) => {
      seen.push({ topic: m!.topic, times: m!.reconsumeTimes });
      return m!.reconsumeTimes === 0 ? 'RECONSUME_LATER' : 'CONSUME_SUCCESS';
    });
    await c.start();
    try {
      await waitFor(() => seen.length >= 2, 30_000, 'the delivery and its retry');
      expect(seen).toEqual([
        { topic: 'Orders', times: 0 },
        { topic: 'Orders', times: 1 },
      ]);
    } finally {
      await c.shutdown();
    }
  }, 60_000);
});
