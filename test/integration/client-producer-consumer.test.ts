// Our SDK end to end against real mqnamesrv + mqbroker processes: producer (single and batch),
// tag-filtered and '*' push consumers, a group of two splitting the queues, and committed offsets
// surviving a consumer restart.
import { describe, expect, it } from 'vitest';
import type { MessageExt } from '../../src/message/message.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import { pushConsumer, startProducer } from '../harness/sdk.js';
import { waitFor } from '../harness/topics.js';

const cluster = useCluster();

function consumer(
  group: string,
  topic: string,
  expr: string,
  into: Map<string, MessageExt>,
  counts?: Map<string, number>,
) {
  const c = pushConsumer(cluster.namesrvAddr, group, {
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
  });
  c.subscribe(topic, expr).registerMessageListener((msgs) => {
    for (const m of msgs) {
      const k = m.properties.seq ?? m.offsetMsgId;
      into.set(k, m);
      counts?.set(k, (counts.get(k) ?? 0) + 1);
    }
    return 'CONSUME_SUCCESS';
  });
  return c;
}

describe('producer and push consumer', () => {
  const topic = uniqueName('SdkTopic');
  const N = 200;

  it('sends messages with tags, keys, properties and UTF-8 bodies; batches too', async () => {
    await cluster.createTopic(topic);
    const producer = await startProducer(cluster.namesrvAddr);
    for (let i = 0; i < N; i++) {
      const r = await producer.send({
        topic,
        body: `订单 ${i}`,
        tags: i % 2 ? 'TagB' : 'TagA',
        keys: [`k${i}`],
        properties: { seq: String(i) },
      });
      expect(r.sendStatus).toBe('SEND_OK');
      expect(r.msgId).toMatch(/^[0-9A-F]{32}$/);
      expect(r.offsetMsgId).toMatch(/^[0-9A-F]{32}$/);
    }
    const batch = await producer.sendBatch(
      Array.from({ length: 10 }, (_, j) => ({
        topic,
        body: `batch ${j}`,
        tags: 'TagC',
        properties: { seq: `b${j}` },
      })),
    );
    expect(batch.sendStatus).toBe('SEND_OK');
    expect(batch.msgId.split(',')).toHaveLength(10);
    await expect(producer.send({ topic, body: Buffer.alloc(5 * 1024 * 1024) })).rejects.toThrow(
      /maxMessageSize/,
    );
    await producer.shutdown();
  });

  it('delivers every message intact to a * group and only TagA to a TagA group', async () => {
    const all = new Map<string, MessageExt>();
    const tagA = new Map<string, MessageExt>();
    const c1 = consumer(uniqueName('GALL'), topic, '*', all);
    const c2 = consumer(uniqueName('GA'), topic, 'TagA', tagA);
    await Promise.all([c1.start(), c2.start()]);
    await waitFor(() => all.size >= N + 10 && tagA.size >= N / 2, 30_000, 'deliveries');
    await Promise.all([c1.shutdown(), c2.shutdown()]);
    expect(all.size).toBe(N + 10);
    expect(all.get('7')!.body.toString()).toBe('订单 7');
    expect(all.get('7')!.properties).toMatchObject({ TAGS: 'TagB', KEYS: 'k7' });
    expect(all.get('b3')!.body.toString()).toBe('batch 3');
    expect(tagA.size).toBe(N / 2);
    for (const m of tagA.values()) expect(m.properties.TAGS).toBe('TagA');
  });

  it('splits the queues between two members and resumes from committed offsets', async () => {
    const t = uniqueName('SdkSplit');
    await cluster.createTopic(t);
    const group = uniqueName('GS');
    const got = new Map<string, MessageExt>();
    const counts = new Map<string, number>();
    const a = consumer(group, t, '*', got, counts);
    const b = consumer(group, t, '*', got, counts);
    await a.start();
    await b.start();
    await waitFor(
      () => a.assignedQueues.length === 2 && b.assignedQueues.length === 2,
      30_000,
      'a 2/2 split',
    );
    const producer = await startProducer(cluster.namesrvAddr);
    for (let i = 0; i < 100; i++)
      await producer.send({ topic: t, body: `s${i}`, properties: { seq: String(i) } });
    await waitFor(() => got.size >= 100, 30_000, 'the split group to consume everything');
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    await Promise.all([a.shutdown(), b.shutdown()]); // commits offsets
    // A new member of the same group starts from the committed offsets: nothing old again.
    for (let i = 100; i < 110; i++)
      await producer.send({ topic: t, body: `s${i}`, properties: { seq: String(i) } });
    const again = new Map<string, MessageExt>();
    const c = consumer(group, t, '*', again);
    await c.start();
    await waitFor(() => again.size >= 10, 30_000, 'the new messages');
    await new Promise((r) => setTimeout(r, 500));
    await c.shutdown();
    await producer.shutdown();
    expect([...again.keys()].sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => String(100 + i)).sort(),
    );
  });
});
