// A push consumer with several pulls in flight per queue (pullPipelineDepth) against a real
// broker: a backlog arrives whole, once, in queue order for an orderly listener; a tag filter
// (the broker's answers end past the next guess, so read-ahead pulls are dropped) still delivers
// exactly the matching messages; and the group's committed offsets reach the queues' ends.
import { describe, expect, it } from 'vitest';
import type { PushConsumer } from '../../src/client/push-consumer.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import { quietPushConsumer, startProducer } from '../harness/sdk.js';
import { waitFor, waitForAsync } from '../harness/topics.js';

const cluster = useCluster();
const COUNT = 3_000;
const QUEUES = 2;

async function committed(group: string, topic: string, queueId: number): Promise<number> {
  const r = await cluster.raw.call(RequestCode.QUERY_CONSUMER_OFFSET, {
    consumerGroup: group,
    topic,
    queueId,
  });
  return Number(r.extFields.offset ?? -1);
}

describe('pull pipeline', () => {
  it('drains a backlog in order, filters by tag, and commits up to the end', async () => {
    const topic = uniqueName('PipeTopic');
    await cluster.createTopic(topic, QUEUES);
    const p = await startProducer(cluster.namesrvAddr);
    try {
      for (let i = 0; i < COUNT; i += 100) {
        await Promise.all(
          Array.from({ length: 100 }, (_, k) =>
            p.send({ topic, body: `m${i + k}`, tags: (i + k) % 3 === 0 ? 'A' : 'B' }),
          ),
        );
      }
    } finally {
      await p.shutdown();
    }
    const ends = await Promise.all(
      Array.from({ length: QUEUES }, (_, q) => cluster.raw.maxOffset(topic, q)),
    );
    expect(ends.reduce((a, b) => a + b, 0)).toBe(COUNT);

    const orderlyGroup = uniqueName('PipeOrderly');
    const taggedGroup = uniqueName('PipeTagged');
    /** queueId → offsets in the order the orderly listener saw them. */
    const seen = new Map<number, number[]>();
    const tagged: string[] = [];
    const consumers: PushConsumer[] = [];
    const start = (group: string) => {
      const c = quietPushConsumer(cluster.namesrvAddr, group, {
        consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
        pullPipelineDepth: 8,
        pullBatchSize: 16,
      });
      consumers.push(c);
      return c;
    };
    try {
      start(orderlyGroup)
        .subscribe(topic, '*')
        .registerMessageListener(
          (msgs, { queue }) => {
            const list = seen.get(queue.queueId) ?? [];
            for (const m of msgs) list.push(m.queueOffset);
            seen.set(queue.queueId, list);
            return 'CONSUME_SUCCESS';
          },
          { orderly: true },
        );
      start(taggedGroup)
        .subscribe(topic, 'A')
        .registerMessageListener((msgs) => {
          for (const m of msgs) tagged.push(m.body.toString());
          return 'CONSUME_SUCCESS';
        });
      for (const c of consumers) await c.start();
      const total = () => [...seen.values()].reduce((a, l) => a + l.length, 0);
      const wanted = Math.ceil(COUNT / 3);
      await waitFor(() => total() >= COUNT && tagged.length >= wanted, 120_000, 'backlog drained');
      for (let q = 0; q < QUEUES; q++) {
        expect(seen.get(q)).toEqual(Array.from({ length: ends[q]! }, (_, i) => i));
      }
      const expectedTagged = Array.from({ length: COUNT }, (_, i) => i)
        .filter((i) => i % 3 === 0)
        .map((i) => `m${i}`);
      expect([...new Set(tagged)].sort()).toEqual(expectedTagged.sort());
      // At-least-once allows a repeat only across a rebalance or a retry; neither happens here.
      expect(tagged).toHaveLength(expectedTagged.length);
      // Commits ride on pulls and on the persist interval: they must reach every queue's end.
      for (const group of [orderlyGroup, taggedGroup]) {
        for (let q = 0; q < QUEUES; q++) {
          await waitForAsync(
            async () => (await committed(group, topic, q)) === ends[q],
            60_000,
            `${group} committed queue ${q} to its end`,
          );
        }
      }
    } finally {
      await Promise.all(consumers.map((c) => c.shutdown()));
    }
  });
});
