// Ordered messages from our producer: with a sharding key every message of a key goes to one
// queue, in send order (queue offsets increase as sent), and the key→queue mapping is the same
// for two producers; a custom selector is honoured and a bad one refused.
import { describe, expect, it } from 'vitest';
import { Producer, selectByHash } from '../../src/client/producer.js';
import { silentLogger } from '../../src/common/logger.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import { startProducer } from '../harness/sdk.js';

const logger = silentLogger();

const cluster = useCluster();

describe('ordered sends', () => {
  it('keeps each sharding key in one queue, in send order', async () => {
    const topic = uniqueName('Orders');
    await cluster.createTopic(topic, 4);
    const producers = [0, 1].map(
      () =>
        new Producer({ namesrvAddr: cluster.namesrvAddr, producerGroup: uniqueName('PG'), logger }),
    );
    await Promise.all(producers.map((p) => p.start()));
    const keys = ['order-1', 'order-2', 'order-3', 'order-4', 'order-5'];
    const queueOf = new Map<string, number>();
    for (let step = 0; step < 10; step++) {
      for (const key of keys) {
        const p = producers[step % 2]!; // both producers must agree on the queue
        const r = await p.send({ topic, body: `${key}:${step}` }, { shardingKey: key });
        const q = queueOf.get(key) ?? r.messageQueue.queueId;
        queueOf.set(key, q);
        expect(r.messageQueue.queueId).toBe(q);
      }
    }
    await Promise.all(producers.map((p) => p.shutdown()));
    // Read every queue back: per key, the steps come in the order they were sent.
    const raw = cluster.raw;
    for (let q = 0; q < 4; q++) {
      const { msgs } = await raw.pull(topic, 'reader', q, 0, { subscription: '*' });
      const byKey = new Map<string, number[]>();
      for (const m of msgs) {
        const [key, step] = m.body.toString().split(':') as [string, string];
        expect(queueOf.get(key)).toBe(q);
        byKey.set(key, [...(byKey.get(key) ?? []), Number(step)]);
      }
      for (const steps of byKey.values()) expect(steps).toEqual([...Array(10).keys()]);
    }
  });

  it('honours a custom selector and refuses one that picks a queue outside the route', async () => {
    const topic = uniqueName('Selected');
    await cluster.createTopic(topic, 4);
    const p = await startProducer(cluster.namesrvAddr);
    try {
      const last = await p.send(
        { topic, body: 'x' },
        { selector: (qs, _m, arg) => qs[Number(arg)]!, selectorArg: 3 },
      );
      expect(last.messageQueue.queueId).toBe(3);
      await expect(
        p.send(
          { topic, body: 'y' },
          { selector: (qs) => ({ ...qs[0]!, queueId: 99 }), selectorArg: 0 },
        ),
      ).rejects.toThrow(/not in the topic route/);
      // SelectMessageQueueByHash: Java's String#hashCode of the key mod the queue count, made
      // non-negative (order-* hash negative; polygenelubricants hashes to Integer.MIN_VALUE).
      const qs = [0, 1, 2].map((queueId) => ({ topic, brokerName: 'b', queueId }));
      const keys = ['same', 'order-2', 'order-3', 'polygenelubricants'];
      const picked = keys.map((k) => selectByHash(qs, { topic, body: '' }, k).queueId);
      expect(picked).toEqual([2, 1, 0, 2]);
    } finally {
      await p.shutdown();
    }
  });

  it('sends to an exact queue; a namespaced selector sees plain topics; aborts reject', async () => {
    const topic = uniqueName('Exact');
    await cluster.createTopic(`tenant1%${topic}`, 4);
    const p = await startProducer(cluster.namesrvAddr, { namespace: 'tenant1' });
    try {
      const seen: string[] = [];
      const r = await p.send(
        { topic, body: 'x' },
        {
          selector: (qs, m) => {
            seen.push(m.topic, ...qs.map((q) => q.topic));
            return qs[2]!;
          },
        },
      );
      expect(new Set(seen)).toEqual(new Set([topic]));
      expect(r.messageQueue).toMatchObject({ topic, queueId: 2 });
      const exact = await p.send({ topic, body: 'y' }, { messageQueue: { ...r.messageQueue } });
      expect(exact.messageQueue).toEqual(r.messageQueue);
      expect(exact.queueOffset).toBe(r.queueOffset + 1);
      await expect(
        p.send({ topic, body: 'z' }, { messageQueue: { ...r.messageQueue, topic: 'Other' } }),
      ).rejects.toThrow(/not the queue's/);
      await expect(p.send({ topic, body: 'z' }, { signal: AbortSignal.abort() })).rejects.toThrow(
        /abort/i,
      );
    } finally {
      await p.shutdown();
    }
  });

  it('refuses a batch over maxMessageSize before sending it', async () => {
    const p = await startProducer(cluster.namesrvAddr);
    try {
      const big = Buffer.alloc(1024 * 1024, 1);
      const msgs = Array.from({ length: 5 }, () => ({ topic: 'AnyTopic', body: big }));
      await expect(p.sendBatch(msgs)).rejects.toThrow(/over maxMessageSize .* smaller batches/);
    } finally {
      await p.shutdown();
    }
  });
});
