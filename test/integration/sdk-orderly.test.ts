// Orderly consumption: messages of a sharding key arrive at the handler in send order, one call at
// a time per queue, through a rebalance (a second orderly member joins mid-stream and takes over
// queues only once the broker lock is its own); a failure retries the same message in place.
import { describe, expect, it } from 'vitest';
import type { PushConsumer } from '../../src/client/push-consumer.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import { quietPushConsumer, startProducer } from '../harness/sdk.js';
import { waitFor } from '../harness/topics.js';

const cluster = useCluster();

describe('orderly push consumer', () => {
  it('keeps per-key order through a rebalance, one handler call per queue at a time', async () => {
    const topic = uniqueName('OrderlyTopic');
    const group = uniqueName('OrderlyGroup');
    await cluster.createTopic(topic, 4);
    const keys = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5'];
    const STEPS = 30;
    /** Per member: key → steps in the order the handler saw them. */
    const seen = [new Map<string, number[]>(), new Map<string, number[]>()];
    const busy = new Set<string>();
    let overlaps = 0;
    let failedOnce = false;
    const member = (i: number) => {
      const c = quietPushConsumer(cluster.namesrvAddr, group, {
        consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      });
      c.subscribe(topic, '*').registerMessageListener(
        async ([m], { queue }) => {
          const q = `${queue.brokerName}:${queue.queueId}`;
          if (busy.has(q)) overlaps++;
          busy.add(q);
          await new Promise((r) => setTimeout(r, 2));
          busy.delete(q);
          const [key, step] = m!.body.toString().split(':') as [string, string];
          if (key === 'k3' && step === '5' && !failedOnce) {
            failedOnce = true; // the same message must come back before step 6
            return 'RECONSUME_LATER';
          }
          seen[i]!.set(key, [...(seen[i]!.get(key) ?? []), Number(step)]);
          return 'CONSUME_SUCCESS';
        },
        { orderly: true },
      );
      return c;
    };
    const a = member(0);
    await a.start();
    const p = await startProducer(cluster.namesrvAddr);
    let b: PushConsumer | undefined;
    try {
      for (let step = 0; step < STEPS; step++) {
        for (const key of keys)
          await p.send({ topic, body: `${key}:${step}` }, { shardingKey: key });
        if (step === STEPS / 2) {
          b = member(1);
          await b.start();
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      const done = () =>
        keys.every((k) => {
          const all = new Set([...(seen[0]!.get(k) ?? []), ...(seen[1]!.get(k) ?? [])]);
          return all.size === STEPS;
        });
      await waitFor(done, 60_000, 'every step of every key consumed');
      expect(overlaps).toBe(0);
      for (const member of seen) {
        for (const steps of member.values()) {
          // In order within a member; a queue handed over may repeat its last uncommitted steps
          // at the new owner (at-least-once), never reorder them.
          for (let i = 1; i < steps.length; i++) expect(steps[i]).toBeGreaterThan(steps[i - 1]!);
        }
      }
      expect(failedOnce).toBe(true);
      expect(b!.assignedQueues.length).toBeGreaterThan(0); // the rebalance did hand queues over
    } finally {
      await p.shutdown();
      await Promise.all([a.shutdown(), b?.shutdown()]);
    }
  }, 90_000);
});
