// Rebalance strategies on a real broker: two members with allocateByCircle deal the four queues
// out in turn, and allocateByConfig pins a member to the queues it was given.
import { describe, expect, it } from 'vitest';
import {
  allocateByCircle,
  allocateByConfig,
  type PushConsumer,
} from '../../src/client/push-consumer.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import { quietPushConsumer, startProducer } from '../harness/sdk.js';
import { waitFor } from '../harness/topics.js';

const cluster = useCluster();

describe('allocation strategies', () => {
  it('by circle and by config', async () => {
    const topic = uniqueName('Alloc');
    const group = uniqueName('AllocGroup');
    await cluster.createTopic(topic, 4);
    const make = (opts: Partial<ConstructorParameters<typeof PushConsumer>[0]>) => {
      const c = quietPushConsumer(cluster.namesrvAddr, group, opts);
      c.subscribe(topic, '*').registerMessageListener(() => 'CONSUME_SUCCESS');
      return c;
    };
    const a = make({ allocateStrategy: allocateByCircle });
    const b = make({ allocateStrategy: allocateByCircle });
    await a.start();
    await b.start();
    const ids = (c: PushConsumer) => c.assignedQueues.map((q) => q.queueId).sort();
    try {
      await waitFor(
        () => ids(a).length === 2 && ids(b).length === 2,
        30_000,
        'a 2/2 split by circle',
      );
      expect([ids(a), ids(b)].sort()).toEqual([
        [0, 2],
        [1, 3],
      ]);
    } finally {
      await Promise.all([a.shutdown(), b.shutdown()]);
    }
    const pinned = make({
      allocateStrategy: allocateByConfig([
        { topic, brokerName: cluster.broker.brokerName, queueId: 3 },
      ]),
    });
    await pinned.start();
    try {
      await waitFor(() => ids(pinned).length === 1, 10_000, 'the configured queue');
      expect(ids(pinned)).toEqual([3]);
    } finally {
      await pinned.shutdown();
    }
  }, 60_000);

  it('hands batches of up to consumeMessageBatchMaxSize and pauses pulls past the size limit', async () => {
    const topic = uniqueName('Batches');
    await cluster.createTopic(topic, 1);
    const p = await startProducer(cluster.namesrvAddr);
    for (let i = 0; i < 40; i++) await p.send({ topic, body: Buffer.alloc(2048, i) });
    await p.shutdown();
    const sizes: number[] = [];
    const c = quietPushConsumer(cluster.namesrvAddr, uniqueName('BatchGroup'), {
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      consumeMessageBatchMaxSize: 8,
      pullThresholdSizeForQueue: 0.01, // ~10 KiB: pulls wait for the listener to catch up
    });
    c.subscribe(topic, '*').registerMessageListener((msgs) => {
      sizes.push(msgs.length);
      return 'CONSUME_SUCCESS';
    });
    await c.start();
    try {
      await waitFor(() => sizes.reduce((a, b) => a + b, 0) >= 40, 20_000, 'all 40 consumed');
      expect(Math.max(...sizes)).toBeLessThanOrEqual(8);
      expect(Math.max(...sizes)).toBeGreaterThan(1);
    } finally {
      await c.shutdown();
    }
  });
});
