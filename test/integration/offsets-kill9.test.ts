// Committed consumer offsets across a broker kill -9. The broker keeps offsets in memory and
// writes consumerOffset.json every flushConsumerOffsetInterval (RocketMQ's BrokerConfig default
// 5 s, 1 s here) and on a clean stop, so a crash loses at most the commits of the last interval:
// after a restart each queue's offset is the last one committed or one persisted before it, never
// lower, and a group that committed before the last flush resumes without re-consuming.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PushConsumer } from '../../src/client/push-consumer.js';
import { silentLogger } from '../../src/common/logger.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import { pushConsumer, startProducer } from '../harness/sdk.js';
import { waitFor } from '../harness/topics.js';

const FLUSH_INTERVAL_MS = 1_000;
const logger = silentLogger();

const cluster = useCluster({ brokerConfig: { flushConsumerOffsetInterval: FLUSH_INTERVAL_MS } });

/** The offsets consumerOffset.json holds on disk for topic@group (what a crash leaves). */
function persisted(topic: string, group: string): Record<string, number> {
  try {
    const file = JSON.parse(
      readFileSync(join(cluster.storeDir, 'config', 'consumerOffset.json'), 'utf8'),
    ) as { offsetTable: Record<string, Record<string, number>> };
    return file.offsetTable[`${topic}@${group}`] ?? {};
  } catch {
    return {}; // not written yet (or mid-rename)
  }
}

async function commit(group: string, topic: string, queueId: number, offset: number) {
  const r = await cluster.raw.call(RequestCode.UPDATE_CONSUMER_OFFSET, {
    consumerGroup: group,
    topic,
    queueId,
    commitOffset: offset,
  });
  expect(r.code).toBe(ResponseCode.SUCCESS);
}

async function queryOffset(group: string, topic: string, queueId: number): Promise<number> {
  const r = await cluster.raw.call(RequestCode.QUERY_CONSUMER_OFFSET, {
    consumerGroup: group,
    topic,
    queueId,
  });
  expect(r.code).toBe(ResponseCode.SUCCESS);
  return Number(r.extFields.offset);
}

describe('consumer offsets across kill -9', () => {
  it('keeps what the periodic flush wrote; a commit after it is kept or lost, never more', async () => {
    const topic = uniqueName('OffKill');
    const group = uniqueName('OffKillGroup');
    await cluster.createTopic(topic, 2);
    for (let i = 0; i < 10; i++) await cluster.raw.send(topic, i % 2, `m${i}`);
    await commit(group, topic, 0, 3);
    await commit(group, topic, 1, 4);
    // The periodic flush, not a stop, puts them on disk.
    await waitFor(
      () => persisted(topic, group)['0'] === 3 && persisted(topic, group)['1'] === 4,
      30_000,
      'the periodic consumer offset flush',
    );
    await commit(group, topic, 0, 5); // may or may not reach the disk before the kill
    await cluster.broker.kill();
    await cluster.broker.restart();
    expect([3, 5]).toContain(await queryOffset(group, topic, 0));
    expect(await queryOffset(group, topic, 1)).toBe(4);
  });

  it('a push consumer group resumes where it committed, re-consuming nothing', async () => {
    const topic = uniqueName('OffKillSdk');
    const group = uniqueName('OffKillSdkGroup');
    await cluster.createTopic(topic, 2);
    const producer = await startProducer(cluster.namesrvAddr);
    const c1 = pushConsumer(cluster.namesrvAddr, group, {
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    });
    const first = new Set<string>();
    c1.subscribe(topic, '*').registerMessageListener((msgs) => {
      for (const m of msgs) first.add(m.body.toString());
      return 'CONSUME_SUCCESS';
    });
    await c1.start();
    try {
      for (let i = 0; i < 20; i++) await producer.send({ topic, body: `old-${i}` });
      await waitFor(() => first.size === 20, 30_000, 'the first consumer to get 20 messages');
      await c1.shutdown(); // commits its offsets to the broker
      await waitFor(
        () => (persisted(topic, group)['0'] ?? 0) + (persisted(topic, group)['1'] ?? 0) === 20,
        30_000,
        'the committed offsets on disk',
      );
      await cluster.broker.kill();
      await cluster.broker.restart();

      for (let i = 0; i < 10; i++) await producer.send({ topic, body: `new-${i}` });
      const second: string[] = [];
      const c2 = new PushConsumer({
        namesrvAddr: cluster.namesrvAddr,
        consumerGroup: group,
        consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', // a forgotten offset would replay old-*
        logger,
      });
      c2.subscribe(topic, '*').registerMessageListener((msgs) => {
        for (const m of msgs) second.push(m.body.toString());
        return 'CONSUME_SUCCESS';
      });
      await c2.start();
      try {
        // Each queue is delivered in order, so a replayed old-* would come before the new-* ones.
        await waitFor(
          () => second.filter((b) => b.startsWith('new-')).length === 10,
          30_000,
          'the second consumer to get the 10 new messages',
        );
        expect(second.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `new-${i}`).sort());
      } finally {
        await c2.shutdown();
      }
    } finally {
      await producer.shutdown();
    }
  });
});
