// Compatibility with the npm client ali-ons 3.12 (a JS port of RocketMQ's 4.x Java client), run
// unchanged against real mqnamesrv and mqbroker processes. ali-ons cannot auto-create topics, so
// the topic is created first with UPDATE_AND_CREATE_TOPIC, as its own tests do.
import { describe, expect, it } from 'vitest';
import { createRequest } from '../../src/protocol/remoting-command.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import {
  ALI_DEFAULT_ROUTE_POLL_MS,
  type AliMessage,
  aliConsumer,
  aliOns,
  aliProducer,
} from '../harness/ali-ons.js';
import { useCluster } from '../harness/cluster.js';
import { pollUntil } from '../harness/poll.js';
import { uniqueName } from '../harness/processes.js';
import { waitFor, waitForAsync } from '../harness/topics.js';

const COUNT = 1_000;
/** createTopic's default queue count. */
const QUEUES = 4;
/** ali-ons as it comes: routes re-read at its default interval. */
const AS_SHIPPED = { pollNameServerInteval: ALI_DEFAULT_ROUTE_POLL_MS };

describe('ali-ons producer and consumers against KiteMQ', () => {
  const topic = uniqueName('AliOnsTopic');
  const cluster = useCluster({ topics: [{ name: topic }] });
  const sent = new Map<string, { tag: string; key: string; body: string; prop: string }>();

  it('sends 1,000 messages with tags, keys, user properties and UTF-8 bodies', async () => {
    const producer = await aliProducer(cluster.namesrvAddr, AS_SHIPPED);
    const perQueue = Array.from({ length: QUEUES }, () => 0);
    for (let i = 0; i < COUNT; i++) {
      const tag = i % 2 === 0 ? 'TagA' : 'TagB';
      const body = `消息 ${i} — 你好，世界 ✓ ${'x'.repeat(i % 50)}`;
      const key = `key-${i}`;
      const msg = new (aliOns().Message)(topic, tag, body);
      msg.keys = [key];
      msg.properties.seq = String(i);
      const r = await producer.send(msg);
      expect(r.sendStatus).toBe('SEND_OK');
      expect(r.msgId).toMatch(/^[0-9A-F]{32}$/);
      perQueue[r.messageQueue.queueId]! += 1;
      sent.set(String(i), { tag, key, body, prop: String(i) });
    }
    await producer.close();
    // The broker holds what the producer was told, queue by queue (the topic is fresh).
    const stored = await Promise.all(perQueue.map((_, q) => cluster.raw.maxOffset(topic, q)));
    expect(stored).toEqual(perQueue);
  });

  function expectIntact(m: AliMessage): void {
    const s = sent.get(m.properties.seq ?? '');
    expect(s, `unknown message ${m.msgId}`).toBeDefined();
    expect(m.tags).toBe(s!.tag);
    expect(m.keys).toBe(s!.key);
    expect(m.body.toString('utf8')).toBe(s!.body);
    expect(m.topic).toBe(topic);
  }

  it('a group subscribed to TagA receives exactly the TagA messages, intact', async () => {
    const got = new Map<string, AliMessage>();
    const consumer = aliConsumer(cluster.namesrvAddr, {
      ...AS_SHIPPED,
      consumerGroup: uniqueName('CGA'),
    });
    consumer.subscribe(topic, 'TagA', async (m) => {
      got.set(m.properties.seq ?? m.msgId, m);
    });
    await consumer.ready();
    await waitFor(() => got.size >= COUNT / 2, 60_000, 'TagA messages');
    await new Promise((r) => setTimeout(r, 1_000)); // catch any extra deliveries
    await consumer.close();
    expect(got.size).toBe(COUNT / 2);
    for (const m of got.values()) {
      expect(m.tags).toBe('TagA');
      expectIntact(m);
    }
  });

  it('a group subscribed to * receives all 1,000', async () => {
    const got = new Map<string, AliMessage>();
    const consumer = aliConsumer(cluster.namesrvAddr, {
      ...AS_SHIPPED,
      consumerGroup: uniqueName('CGALL'),
    });
    consumer.subscribe(topic, '*', async (m) => {
      got.set(m.properties.seq ?? m.msgId, m);
    });
    await consumer.ready();
    await waitFor(() => got.size >= COUNT, 60_000, 'all messages');
    await consumer.close();
    expect(got.size).toBe(COUNT);
    for (const m of got.values()) expectIntact(m);
  });

  it('two consumers in one group split the queues and receive each message once', async () => {
    // A fresh topic: the members join and settle their rebalance while it is empty, so the only
    // way to see a message twice is a broken split (not the documented rebalance overlap).
    const splitTopic = uniqueName('AliOnsSplit');
    await cluster.createTopic(splitTopic);
    const group = uniqueName('CGSPLIT');
    const seen = new Map<string, number>();
    const queuesOf = [new Set<number>(), new Set<number>()];
    const consumers = [0, 1].map((idx) => {
      const c = aliConsumer(cluster.namesrvAddr, {
        ...AS_SHIPPED,
        consumerGroup: group,
        instanceName: `member${idx}`,
        rebalanceInterval: 1_000,
      });
      c.subscribe(splitTopic, '*', async (m) => {
        const k = m.properties.seq ?? m.msgId;
        seen.set(k, (seen.get(k) ?? 0) + 1);
        queuesOf[idx]!.add(m.queueId);
      });
      return c;
    });
    await Promise.all(consumers.map((c) => c.ready()));
    await waitForAsync(
      async () => {
        const r = await cluster.client.invoke(
          cluster.brokerAddr,
          createRequest(RequestCode.GET_CONSUMER_LIST_BY_GROUP, 0, { consumerGroup: group }),
        );
        return r.code === 0 && JSON.parse(r.body!.toString()).consumerIdList.length === 2;
      },
      30_000,
      'both members registered',
    );
    // Settled: between them the members pull every queue, and no queue is pulled by both (until
    // then one may still hold a queue the other has taken).
    const held = () =>
      consumers.map((c) =>
        [...c.processQueueTable.values()]
          .filter((e) => e.messageQueue.topic === splitTopic)
          .map((e) => e.messageQueue.queueId),
      );
    const settled = ([a, b]: number[][]) =>
      a!.length > 0 && b!.length > 0 && new Set([...a!, ...b!]).size === a!.length + b!.length;
    const split = await pollUntil(held, (h) => settled(h) && h.flat().length === QUEUES, 60_000);
    expect(split.flat().sort()).toEqual([0, 1, 2, 3]);

    const producer = await aliProducer(cluster.namesrvAddr, AS_SHIPPED);
    for (let i = 0; i < COUNT; i++) {
      const msg = new (aliOns().Message)(splitTopic, 'TagS', `split ${i}`);
      msg.properties.seq = String(i);
      await producer.send(msg);
    }
    await producer.close();
    await waitFor(() => seen.size >= COUNT, 60_000, 'all messages across the group');
    await new Promise((r) => setTimeout(r, 1_000));
    await Promise.all(consumers.map((c) => c.close()));
    expect(seen.size).toBe(COUNT);
    expect([...seen.values()].filter((n) => n > 1)).toEqual([]);
    expect(queuesOf[0]!.size).toBeGreaterThan(0);
    expect(queuesOf[1]!.size).toBeGreaterThan(0);
    for (const q of queuesOf[0]!) expect(queuesOf[1]!.has(q)).toBe(false);
  });
});
