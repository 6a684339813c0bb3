// A clean broker restart loses nothing: messages, queue offsets and committed consumer offsets
// survive, and a consumer in the middle of consumption carries on from its committed offset.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/common/logger.js';
import { encodeProperties } from '../../src/message/properties-codec.js';
import { decodeRecords } from '../../src/message/record-codec.js';
import { createRequest } from '../../src/protocol/remoting-command.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { RemotingClient } from '../../src/remoting/remoting-client.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import { pullHeader, sendV2Header } from '../harness/raw-protocol.js';
import { waitFor } from '../harness/topics.js';

const require = createRequire(import.meta.url);
// biome-ignore lint/suspicious/noExplicitAny: ali-ons ships no types
const { Producer, Consumer, Message } = require('ali-ons') as any;
const quietLogger = { info() {}, warn() {}, error() {}, debug() {} };

const cluster = useCluster();

async function invoke(code: number, ext: Record<string, string | number | boolean>, body?: Buffer) {
  const c = new RemotingClient(silentLogger());
  try {
    return await c.invoke(cluster.brokerAddr, createRequest(code, 0, ext, body), 10_000);
  } finally {
    c.close();
  }
}

describe('clean broker restart', () => {
  it('keeps messages, queue offsets and committed offsets', async () => {
    const topic = uniqueName('Restart');
    const group = uniqueName('G');
    await cluster.createTopic(topic, 1);
    for (let i = 0; i < 100; i++) {
      const r = await invoke(
        RequestCode.SEND_MESSAGE_V2,
        sendV2Header(topic, 0, encodeProperties({ TAGS: 'T' })),
        Buffer.from(`m${i}`),
      );
      expect(r.code).toBe(0);
    }
    expect(
      (
        await invoke(RequestCode.UPDATE_CONSUMER_OFFSET, {
          consumerGroup: group,
          topic,
          queueId: 0,
          commitOffset: 50,
        })
      ).code,
    ).toBe(0);
    await cluster.broker.restart();
    const q = await invoke(RequestCode.QUERY_CONSUMER_OFFSET, {
      consumerGroup: group,
      topic,
      queueId: 0,
    });
    expect(q.extFields.offset).toBe('50');
    const max = await invoke(RequestCode.GET_MAX_OFFSET, { topic, queueId: 0 });
    expect(max.extFields.offset).toBe('100');
    const bodies: string[] = [];
    let offset = 0;
    while (offset < 100) {
      const p = await invoke(RequestCode.PULL_MESSAGE, pullHeader(group, topic, 0, offset));
      expect(p.code).toBe(0);
      bodies.push(...decodeRecords(p.body!).map((m) => m.body.toString()));
      offset = Number(p.extFields.nextBeginOffset);
    }
    expect(bodies).toEqual(Array.from({ length: 100 }, (_, i) => `m${i}`));
    // The queue continues where it stopped.
    const s = await invoke(
      RequestCode.SEND_MESSAGE_V2,
      sendV2Header(topic, 0, ''),
      Buffer.from('after'),
    );
    expect(s.extFields.queueOffset).toBe('100');
  });

  it('an ali-ons consumer in the middle of consumption loses nothing across a restart', async () => {
    const topic = uniqueName('RestartOns');
    await cluster.createTopic(topic, 4);
    const opts = { nameSrv: cluster.namesrvAddr, httpclient: {}, logger: quietLogger };
    const producer = new Producer({ ...opts, producerGroup: uniqueName('PG') });
    await producer.ready();
    const total = 400;
    for (let i = 0; i < total / 2; i++) await producer.send(new Message(topic, 'T', `r${i}`));
    const seen = new Map<string, number>();
    const consumer = new Consumer({
      ...opts,
      consumerGroup: uniqueName('G'),
      rebalanceInterval: 1_000,
      persistConsumerOffsetInterval: 500,
    });
    consumer.on('error', () => {});
    consumer.subscribe(topic, '*', async (m: { body: Buffer }) => {
      const k = m.body.toString();
      seen.set(k, (seen.get(k) ?? 0) + 1);
    });
    await consumer.ready();
    await waitFor(() => seen.size >= total / 4, 30_000, 'first part consumed');
    await cluster.broker.restart();
    for (let i = total / 2; i < total; i++) {
      // ali-ons retries sends on network errors while the broker reconnects.
      await producer.send(new Message(topic, 'T', `r${i}`));
    }
    await waitFor(() => seen.size >= total, 90_000, 'everything consumed after the restart');
    await consumer.close();
    await producer.close();
    for (let i = 0; i < total; i++) expect(seen.has(`r${i}`), `r${i} missing`).toBe(true);
  });
});
