// The lite pull consumer against a real broker: subscribe + poll() gets every message, commits
// carry over to the next consumer of the group, assign + seek re-reads a queue, and the async
// iterator yields messages as they come.
import { describe, expect, it } from 'vitest';
import { LitePullConsumer } from '../../src/client/lite-pull-consumer.js';
import { silentLogger } from '../../src/common/logger.js';
import { RemotingClient } from '../../src/remoting/remoting-client.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import { RawBroker } from '../harness/raw-protocol.js';
import { numbered, sendMessages, startProducer } from '../harness/sdk.js';

const logger = silentLogger();

const cluster = useCluster();

const send = (topic: string, from: number, n: number) =>
  sendMessages(cluster.namesrvAddr, numbered(topic, from, n));

describe('lite pull consumer', () => {
  it('polls, commits, seeks and iterates', async () => {
    const topic = uniqueName('LitePull');
    const group = uniqueName('LiteGroup');
    await cluster.createTopic(topic, 2);
    await send(topic, 0, 20);
    const make = () =>
      new LitePullConsumer({
        namesrvAddr: cluster.namesrvAddr,
        consumerGroup: group,
        consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
        autoCommit: false,
        logger,
      });
    const c1 = make().subscribe(topic, '*');
    await c1.start();
    const got: string[] = [];
    while (got.length < 20) {
      const batch = await c1.poll(5_000);
      expect(batch.length).toBeGreaterThan(0);
      got.push(...batch.map((m) => m.body.toString()));
    }
    expect(got.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`).sort());
    await c1.commit();
    await c1.shutdown();

    // The next member of the group starts where the first committed.
    await send(topic, 20, 3);
    const c2 = make().subscribe(topic, '*');
    await c2.start();
    const next: string[] = [];
    for (let i = 0; i < 10 && next.length < 3; i++) {
      next.push(...(await c2.poll(1_000)).map((m) => m.body.toString()));
    }
    expect(next.sort()).toEqual(['m20', 'm21', 'm22']);
    await c2.shutdown();

    // assign + seek: read queue 0 again from its start, through the async iterator.
    const c3 = make();
    const q0 = { topic, brokerName: cluster.broker.brokerName, queueId: 0 };
    c3.assign([q0]);
    await c3.start();
    c3.seek(q0, 0);
    const again: number[] = [];
    for await (const m of c3) {
      again.push(m.queueOffset);
      if (again.length === 5) break;
    }
    expect(again).toEqual([0, 1, 2, 3, 4]);
    await c3.shutdown();
  }, 60_000);

  it('compresses large bodies on the wire and in the store, and hands them back whole', async () => {
    const topic = uniqueName('Compressed');
    await cluster.createTopic(topic, 1);
    const big = '压缩 '.repeat(4_000); // ~28 KiB of UTF-8, well past compressMsgBodyOverHowmuch
    const p = await startProducer(cluster.namesrvAddr);
    await p.send({ topic, body: big });
    await p.send({ topic, body: 'small' });
    await p.shutdown();
    const raw = new RawBroker(new RemotingClient(logger), () => cluster.brokerAddr);
    const stored = (await raw.pull(topic, 'reader', 0, 0, { subscription: '*' })).msgs;
    raw.client.close();
    expect(stored[0]!.sysFlag & 0x701).toBe(0x301); // COMPRESSED, codec zlib (RocketMQ 5)
    expect(stored[0]!.body.length).toBeLessThan(Buffer.byteLength(big) / 4);
    expect(stored[1]!.sysFlag & 1).toBe(0);
    const c = new LitePullConsumer({
      namesrvAddr: cluster.namesrvAddr,
      consumerGroup: uniqueName('CG'),
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      logger,
    }).subscribe(topic, '*');
    await c.start();
    const got = await c.poll(5_000);
    await c.shutdown();
    expect(got.map((m) => m.body.toString())).toEqual([big, 'small']);
    expect(got[0]!.sysFlag & 1).toBe(0);
  });
});
