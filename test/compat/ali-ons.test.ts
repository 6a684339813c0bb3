// Compatibility with the npm client ali-ons 3.12 (a JS port of RocketMQ's 4.x Java client), run
// unchanged against real mqnamesrv and mqbroker processes. ali-ons cannot auto-create topics, so
// the topic is created first with UPDATE_AND_CREATE_TOPIC, as its own tests do.
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/common/logger.js';
import { createRequest } from '../../src/protocol/remoting-command.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { RemotingClient } from '../../src/remoting/remoting-client.js';
import { pollUntil } from '../harness/poll.js';
import {
  type BrokerHandle,
  type NamesrvHandle,
  startBroker,
  startNamesrv,
  uniqueName,
} from '../harness/processes.js';
import { RawBroker } from '../harness/raw-protocol.js';
import { createTopic, waitFor, waitForAsync } from '../harness/topics.js';

const require = createRequire(import.meta.url);
const { Producer, Consumer, Message } = require('ali-ons') as AliOns;

interface AliMessage {
  topic: string;
  tags: string | null;
  keys: string;
  body: Buffer;
  msgId: string;
  queueId: number;
  queueOffset: number;
  properties: Record<string, string>;
}
interface AliOns {
  Producer: new (
    opts: Record<string, unknown>,
  ) => {
    ready(): Promise<void>;
    send(
      msg: unknown,
    ): Promise<{ sendStatus: string; msgId: string; messageQueue: { queueId: number } }>;
    close(): Promise<void>;
  };
  Consumer: new (
    opts: Record<string, unknown>,
  ) => {
    ready(): Promise<void>;
    subscribe(topic: string, expr: string, handler: (msg: AliMessage) => Promise<void>): void;
    on(event: string, fn: (err: Error) => void): void;
    close(): Promise<void>;
    /** The queues this member pulls, keyed by queue (its rebalance result). */
    readonly processQueueTable: Map<string, { messageQueue: { topic: string; queueId: number } }>;
  };
  Message: new (
    topic: string,
    tags: string,
    body: string | Buffer,
  ) => {
    keys: string[] | string;
    properties: Record<string, string>;
  };
}

const quietLogger = { info() {}, warn() {}, error() {}, debug() {} };
const COUNT = 1_000;
/** createTopic's default queue count. */
const QUEUES = 4;

function clientOptions(namesrv: string) {
  // ali-ons requires an httpclient only to look up Aliyun's name-server address service; with
  // nameSrv set it is never called.
  return {
    nameSrv: namesrv,
    httpclient: {},
    logger: quietLogger,
    accessKeyId: '',
    accessKeySecret: '',
  };
}

describe('ali-ons producer and consumers against KiteMQ', () => {
  let namesrv: NamesrvHandle;
  let broker: BrokerHandle;
  const topic = uniqueName('AliOnsTopic');
  const sent = new Map<string, { tag: string; key: string; body: string; prop: string }>();
  const rpc = new RemotingClient(silentLogger());

  beforeAll(async () => {
    namesrv = await startNamesrv();
    broker = await startBroker({ namesrvAddr: namesrv.addr });
    await createTopic(broker.addr, namesrv.addr, topic);
  });

  afterAll(async () => {
    rpc.close();
    await broker?.stop();
    await namesrv?.stop();
  });

  it('sends 1,000 messages with tags, keys, user properties and UTF-8 bodies', async () => {
    const producer = new Producer({
      ...clientOptions(namesrv.addr),
      producerGroup: uniqueName('PG'),
    });
    await producer.ready();
    const perQueue = Array.from({ length: QUEUES }, () => 0);
    for (let i = 0; i < COUNT; i++) {
      const tag = i % 2 === 0 ? 'TagA' : 'TagB';
      const body = `消息 ${i} — 你好，世界 ✓ ${'x'.repeat(i % 50)}`;
      const key = `key-${i}`;
      const msg = new Message(topic, tag, body);
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
    const raw = new RawBroker(rpc, () => broker.addr);
    const stored = await Promise.all(perQueue.map((_, q) => raw.maxOffset(topic, q)));
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
    const consumer = new Consumer({
      ...clientOptions(namesrv.addr),
      consumerGroup: uniqueName('CGA'),
    });
    consumer.on('error', () => {}); // a brand-new group logs QUERY_NOT_FOUND errors; harmless
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
    const consumer = new Consumer({
      ...clientOptions(namesrv.addr),
      consumerGroup: uniqueName('CGALL'),
    });
    consumer.on('error', () => {});
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
    await createTopic(broker.addr, namesrv.addr, splitTopic);
    const group = uniqueName('CGSPLIT');
    const seen = new Map<string, number>();
    const queuesOf = [new Set<number>(), new Set<number>()];
    const consumers = [0, 1].map((idx) => {
      const c = new Consumer({
        ...clientOptions(namesrv.addr),
        consumerGroup: group,
        instanceName: `member${idx}`,
        rebalanceInterval: 1_000,
      });
      c.on('error', () => {});
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
        const r = await rpc.invoke(
          broker.addr,
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

    const producer = new Producer({
      ...clientOptions(namesrv.addr),
      producerGroup: uniqueName('PG'),
    });
    await producer.ready();
    for (let i = 0; i < COUNT; i++) {
      const msg = new Message(splitTopic, 'TagS', `split ${i}`);
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
