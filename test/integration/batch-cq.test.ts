// A BatchCQ topic (queue.type=BatchCQ) end to end with real processes: a batch is stored as one
// inner-batch record with one consume-queue unit, and our consumers see its messages one by one,
// in order, at their own queue offsets; offsets committed inside a batch resume inside it; acked
// SYNC_FLUSH batches survive a broker kill -9.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AdminClient } from '../../src/client/admin.js';
import { LitePullConsumer } from '../../src/client/lite-pull-consumer.js';
import type { Producer } from '../../src/client/producer.js';
import { silentLogger } from '../../src/common/logger.js';
import type { MessageExt } from '../../src/message/message.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import { pushConsumer, routesTo, startProducer } from '../harness/sdk.js';
import { waitFor, waitForAsync } from '../harness/topics.js';

const logger = silentLogger();
const cluster = useCluster({ brokerConfig: { flushDiskType: 'SYNC_FLUSH' } });

const BATCHES = 6;
const PER_BATCH = 16;
const TOTAL = BATCHES * PER_BATCH + 1; // and one plain send at the end

async function createBatchTopic(topic: string): Promise<void> {
  const admin = new AdminClient({ namesrvAddr: cluster.namesrvAddr, logger });
  try {
    await admin.createTopic({
      topic,
      brokerAddr: cluster.brokerAddr,
      readQueueNums: 1,
      writeQueueNums: 1,
      attributes: '+queue.type=BatchCQ',
    });
  } finally {
    admin.close();
  }
  await waitForAsync(
    () => routesTo(cluster.namesrvAddr, topic, cluster.brokerAddr),
    30_000,
    `a route for ${topic}`,
  );
}

/** BATCHES batches of PER_BATCH, then one single message; checks the offsets sends report. */
async function fill(p: Producer, topic: string): Promise<void> {
  for (let b = 0; b < BATCHES; b++) {
    const msgs = Array.from({ length: PER_BATCH }, (_, i) => ({
      topic,
      body: `m${b * PER_BATCH + i}`,
      tags: i % 2 === 0 ? 'even' : 'odd',
    }));
    const r = await p.sendBatch(msgs);
    expect(r.queueOffset).toBe(b * PER_BATCH); // the batch's base
    expect(r.msgId.split(',')).toHaveLength(PER_BATCH);
  }
  const single = await p.send({ topic, body: `m${TOTAL - 1}` });
  expect(single.queueOffset).toBe(TOTAL - 1);
}

/** Units in the topic's batch consume queue on disk: one per batch, one for the plain send. */
function unitsOnDisk(topic: string): number {
  const dir = join(cluster.storeDir, 'batchconsumequeue', topic, '0');
  let bytes = 0;
  for (const f of readdirSync(dir)) bytes += statSync(join(dir, f)).size;
  return bytes / 46;
}

function expectInOrder(msgs: MessageExt[], from: number): void {
  expect(msgs.map((m) => m.queueOffset)).toEqual(
    Array.from({ length: TOTAL - from }, (_, i) => from + i),
  );
  for (const m of msgs) expect(m.body.toString()).toBe(`m${m.queueOffset}`);
}

async function consumeAll(topic: string, group: string, from: number): Promise<MessageExt[]> {
  const got: MessageExt[] = [];
  const c = pushConsumer(cluster.namesrvAddr, group, {
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
  });
  c.subscribe(topic, '*').registerMessageListener((msgs) => {
    got.push(...msgs);
    return 'CONSUME_SUCCESS';
  });
  await c.start();
  try {
    await waitFor(() => got.length >= TOTAL - from, 60_000, `${TOTAL - from} messages`);
  } finally {
    await c.shutdown();
  }
  got.sort((a, b) => a.queueOffset - b.queueOffset);
  return got;
}

async function topicConfig(topic: string): Promise<{ attributes?: Record<string, string> }> {
  const r = await cluster.raw.call(RequestCode.GET_TOPIC_CONFIG, { topic });
  expect(r.code).toBe(ResponseCode.SUCCESS);
  return JSON.parse(r.body!.toString()) as { attributes?: Record<string, string> };
}

describe('BatchCQ topic', () => {
  it('stores batches whole; push and lite pull consumers see each message once, in order', async () => {
    const topic = uniqueName('BatchCq');
    await createBatchTopic(topic);
    expect((await topicConfig(topic)).attributes).toEqual({ 'queue.type': 'BatchCQ' });
    // queue.type cannot change once the topic exists.
    const change = await cluster.raw.call(RequestCode.UPDATE_AND_CREATE_TOPIC, {
      topic,
      readQueueNums: 1,
      writeQueueNums: 1,
      perm: 6,
      attributes: '+queue.type=SimpleCQ',
    });
    expect(change.code).toBe(ResponseCode.INVALID_PARAMETER);
    expect(change.remark).toMatch(/queue\.type of an existing topic cannot change/);
    const p = await startProducer(cluster.namesrvAddr);
    try {
      await fill(p, topic);
    } finally {
      await p.shutdown();
    }
    expect(await cluster.raw.maxOffset(topic, 0)).toBe(TOTAL);
    expect(unitsOnDisk(topic)).toBe(BATCHES + 1);
    expectInOrder(await consumeAll(topic, uniqueName('BcqPush'), 0), 0);

    // Lite pull, seeking into the middle of the second batch.
    const lite = new LitePullConsumer({
      namesrvAddr: cluster.namesrvAddr,
      consumerGroup: uniqueName('BcqLite'),
      autoCommit: false,
      logger,
    });
    const mq = { topic, brokerName: cluster.broker.brokerName, queueId: 0 };
    lite.assign([mq]);
    await lite.start();
    try {
      lite.seek(mq, PER_BATCH + 5);
      const got: MessageExt[] = [];
      while (got.length < TOTAL - PER_BATCH - 5) got.push(...(await lite.poll(5_000)));
      expectInOrder(got, PER_BATCH + 5);
    } finally {
      await lite.shutdown();
    }
    // The tag filter of an inner batch is the client's: every other message.
    const tagged: MessageExt[] = [];
    const c = pushConsumer(cluster.namesrvAddr, uniqueName('BcqTag'), {
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    });
    c.subscribe(topic, 'even').registerMessageListener((msgs) => {
      tagged.push(...msgs);
      return 'CONSUME_SUCCESS';
    });
    await c.start();
    try {
      await waitFor(() => tagged.length >= (BATCHES * PER_BATCH) / 2, 60_000, 'even messages');
    } finally {
      await c.shutdown();
    }
    expect(tagged.every((m) => m.queueOffset % 2 === 0)).toBe(true);
  }, 120_000);

  it('a plain send first makes the queue a batch queue too (one unit, batch size 1)', async () => {
    const topic = uniqueName('BatchCqSingle');
    await createBatchTopic(topic);
    const p = await startProducer(cluster.namesrvAddr);
    try {
      expect((await p.send({ topic, body: 'm0' })).queueOffset).toBe(0);
      const r = await p.sendBatch([1, 2, 3].map((i) => ({ topic, body: `m${i}` })));
      expect(r.queueOffset).toBe(1);
    } finally {
      await p.shutdown();
    }
    expect(unitsOnDisk(topic)).toBe(2);
    expect(await cluster.raw.maxOffset(topic, 0)).toBe(4);
  }, 60_000);

  it('an offset committed inside a batch resumes inside it', async () => {
    const topic = uniqueName('BatchCqMid');
    await createBatchTopic(topic);
    const p = await startProducer(cluster.namesrvAddr);
    try {
      await fill(p, topic);
    } finally {
      await p.shutdown();
    }
    const group = uniqueName('BcqMid');
    const mid = 2 * PER_BATCH + 7;
    const r = await cluster.raw.call(RequestCode.UPDATE_CONSUMER_OFFSET, {
      consumerGroup: group,
      topic,
      queueId: 0,
      commitOffset: mid,
    });
    expect(r.code).toBe(ResponseCode.SUCCESS);
    expectInOrder(await consumeAll(topic, group, mid), mid);
  }, 120_000);

  it('keeps acked SYNC_FLUSH batches across kill -9, rebuilding lost queue files', async () => {
    const topic = uniqueName('BatchCqKill');
    await createBatchTopic(topic);
    const p = await startProducer(cluster.namesrvAddr);
    try {
      await fill(p, topic);
    } finally {
      await p.shutdown();
    }
    await cluster.broker.kill();
    // Its queue files lost too: recovery rebuilds the units from the inner-batch records.
    rmSync(join(cluster.storeDir, 'batchconsumequeue', topic), { recursive: true, force: true });
    await cluster.broker.restart();
    expect(await cluster.raw.maxOffset(topic, 0)).toBe(TOTAL);
    expect(unitsOnDisk(topic)).toBe(BATCHES + 1);
    expect((await topicConfig(topic)).attributes).toEqual({ 'queue.type': 'BatchCQ' });
    expectInOrder(await consumeAll(topic, uniqueName('BcqKill'), 0), 0);
  }, 120_000);
});
