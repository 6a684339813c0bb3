// The producer's autoBatch against real mqnamesrv + mqbroker processes: 1,000 concurrent sends
// go as a few SEND_BATCH_MESSAGE requests and each resolves with the msgId, queue and offset a
// consumer then sees, properties intact; a shardingKey's sends keep their order; delay messages
// and a producer without autoBatch send one SEND_MESSAGE_V2 per message; shutdown sends what is
// being gathered. Requests are counted by the broker's rocketmq_rpc_latency_count (PROM).
import { describe, expect, it } from 'vitest';
import type { Producer, SendResult } from '../../src/client/producer.js';
import type { MessageExt } from '../../src/message/message.js';
import { useCluster } from '../harness/cluster.js';
import { pollUntil } from '../harness/poll.js';
import { uniqueName } from '../harness/processes.js';
import { pushConsumer, startProducer } from '../harness/sdk.js';
import { waitFor } from '../harness/topics.js';

const PROM = {
  metricsExporterType: 'PROM',
  metricsPromExporterHost: '127.0.0.1',
  metricsPromExporterPort: 0,
};
const cluster = useCluster({ brokerConfig: PROM });

let metricsUrl: string | undefined;
/** The broker's answered requests of one request code, summed over all its series. */
async function requests(code: 'send_message_v2' | 'send_batch_message'): Promise<number> {
  if (metricsUrl === undefined) {
    const find = () => /"url":"(http:\/\/[^"]+\/metrics)"/.exec(cluster.broker.output())?.[1];
    metricsUrl = await pollUntil(find, (u) => u !== undefined, 30_000);
    if (metricsUrl === undefined) throw new Error('the broker logged no metrics URL');
  }
  const text = await (await fetch(metricsUrl)).text();
  let n = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('rocketmq_rpc_latency_count{') && line.includes(`request_code="${code}"`)) {
      n += Number(line.slice(line.lastIndexOf('}') + 1));
    }
  }
  return n;
}

async function counts() {
  return { v2: await requests('send_message_v2'), batch: await requests('send_batch_message') };
}

/** Waits until the broker has counted `v2` single and `batch` batch sends more than `before`. */
async function countedSince(before: { v2: number; batch: number }, v2: number, batch?: number) {
  const ok = (c: { v2: number; batch: number }) =>
    c.v2 - before.v2 >= v2 && (batch === undefined || c.batch - before.batch >= batch);
  const c = await pollUntil(counts, ok, 30_000);
  return { v2: c.v2 - before.v2, batch: c.batch - before.batch };
}

/** Every message of topic, by UNIQ_KEY, with how often it was delivered. */
async function consumeAll(topic: string, n: number) {
  const seen = new Map<string, MessageExt>();
  const times = new Map<string, number>();
  const c = pushConsumer(cluster.namesrvAddr, uniqueName('GAB'), {
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
  });
  c.subscribe(topic, '*').registerMessageListener((msgs) => {
    for (const m of msgs) {
      const k = m.properties.UNIQ_KEY!;
      seen.set(k, m);
      times.set(k, (times.get(k) ?? 0) + 1);
    }
    return 'CONSUME_SUCCESS';
  });
  await c.start();
  try {
    await waitFor(() => seen.size >= n, 60_000, `${n} messages consumed`);
  } finally {
    await c.shutdown();
  }
  return { seen, times };
}

async function withProducer<T>(
  opts: Parameters<typeof startProducer>[1],
  fn: (p: Producer) => Promise<T>,
) {
  const p = await startProducer(cluster.namesrvAddr, opts);
  try {
    return await fn(p);
  } finally {
    await p.shutdown();
  }
}

describe('producer autoBatch', () => {
  it('sends 1,000 concurrent sends as a few batches, each with its own result', async () => {
    const topic = uniqueName('AutoBatch');
    await cluster.createTopic(topic, 4);
    const N = 1_000;
    const before = await counts();
    const results: SendResult[] = await withProducer({ autoBatch: true }, (p) =>
      Promise.all(
        Array.from({ length: N }, (_, i) =>
          p.send({
            topic,
            body: `body ${i}`,
            tags: i % 2 ? 'TagB' : 'TagA',
            keys: [`k${i}`, `order-${i % 7}`],
            properties: { seq: String(i) },
          }),
        ),
      ),
    );
    expect(new Set(results.map((r) => r.msgId)).size).toBe(N);
    const slots = results.map((r) => `${r.messageQueue.queueId}@${r.queueOffset}`);
    expect(new Set(slots).size).toBe(N);
    expect(results.every((r) => r.sendStatus === 'SEND_OK' && r.messageQueue.topic === topic)).toBe(
      true,
    );
    const sent = await countedSince(before, 0, 1);
    expect(sent.v2).toBe(0);
    expect(sent.batch).toBeLessThanOrEqual(N / 10);

    const { seen, times } = await consumeAll(topic, N);
    expect(seen.size).toBe(N);
    expect([...times.values()].every((t) => t === 1)).toBe(true);
    results.forEach((r, i) => {
      const m = seen.get(r.msgId);
      expect(m, `message ${i}`).toBeDefined();
      expect([m!.queueId, m!.queueOffset, m!.offsetMsgId]).toEqual([
        r.messageQueue.queueId,
        r.queueOffset,
        r.offsetMsgId,
      ]);
      expect(m!.body.toString()).toBe(`body ${i}`);
      expect(m!.properties).toMatchObject({
        seq: String(i),
        TAGS: i % 2 ? 'TagB' : 'TagA',
        KEYS: `k${i} order-${i % 7}`,
      });
    });
  });

  it("keeps a shardingKey's sends in one queue, in send order", async () => {
    const topic = uniqueName('AutoBatchOrder');
    await cluster.createTopic(topic, 4);
    const rs = await withProducer({ autoBatch: true, batchMaxBytes: 64 }, (p) =>
      Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          p.send({ topic, body: `step ${i}` }, { shardingKey: 'order-42' }),
        ),
      ),
    );
    expect(new Set(rs.map((r) => r.messageQueue.queueId)).size).toBe(1);
    rs.forEach((r, i) => {
      expect(r.queueOffset).toBe(rs[0]!.queueOffset + i);
    });
  });

  it('batches sends to a given queue, and in a namespace', async () => {
    const topic = uniqueName('AutoBatchNs');
    await cluster.createTopic(`ns1%${topic}`, 4);
    const mq = { topic, brokerName: cluster.broker.brokerName, queueId: 2 };
    const rs = await withProducer({ autoBatch: true, namespace: 'ns1' }, (p) =>
      Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          p.send({ topic, body: `q ${i}` }, i % 2 ? { messageQueue: mq } : {}),
        ),
      ),
    );
    expect(rs.every((r) => r.messageQueue.topic === topic)).toBe(true);
    const fixed = rs.filter((_, i) => i % 2);
    expect(fixed.every((r) => r.messageQueue.queueId === 2)).toBe(true);
    fixed.forEach((r, i) => {
      expect(r.queueOffset).toBe(fixed[0]!.queueOffset + i);
    });
    const { seen } = await consumeAll(`ns1%${topic}`, 30);
    rs.forEach((r, i) => {
      expect(seen.get(r.msgId)?.body.toString()).toBe(`q ${i}`);
    });
  });

  it('sends delay messages one by one, and everything at shutdown, ordered sends too', async () => {
    const topic = uniqueName('AutoBatchMixed');
    await cluster.createTopic(topic, 4);
    const before = await counts();
    let settled = 0;
    const pending: Promise<SendResult>[] = [];
    await withProducer({ autoBatch: true, batchMaxDelayMs: 30_000 }, async (p) => {
      for (let i = 0; i < 5; i++) {
        pending.push(p.send({ topic, body: `delayed ${i}`, delayTimeLevel: 1 }));
      }
      for (let i = 0; i < 20; i++) pending.push(p.send({ topic, body: `gathered ${i}` }));
      for (const s of pending) void s.then(() => settled++);
      await Promise.all(pending.slice(0, 5)); // the delayed ones went on their own
      // Ordered sends are still waiting for their queue when shutdown begins.
      for (let i = 0; i < 10; i++) {
        const s = p.send({ topic, body: `ordered ${i}` }, { shardingKey: 'k' });
        pending.push(s);
        void s.then(() => settled++);
      }
      // The 30 others wait for 30 s or for shutdown, which comes now.
    });
    expect(settled).toBe(35); // answered before shutdown() resolved
    const rs = await Promise.all(pending);
    expect(rs.every((r) => r.sendStatus === 'SEND_OK')).toBe(true);
    const sent = await countedSince(before, 5, 2);
    expect(sent).toEqual({ v2: 5, batch: 2 });
  });

  it('without autoBatch sends one SEND_MESSAGE_V2 per message', async () => {
    const topic = uniqueName('NoAutoBatch');
    await cluster.createTopic(topic, 4);
    const before = await counts();
    await withProducer({}, (p) =>
      Promise.all(Array.from({ length: 50 }, (_, i) => p.send({ topic, body: `m${i}` }))),
    );
    const sent = await countedSince(before, 50);
    expect(sent).toEqual({ v2: 50, batch: 0 });
  });
});
