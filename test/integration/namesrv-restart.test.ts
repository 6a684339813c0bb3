// A name server SIGKILLed and restarted (same port, empty tables) while a broker, a producer and a
// push consumer run: sends and consumption go on from cached routes while it is down, the broker
// registers again on its next period (registerNameServerPeriod, 10 s here, RocketMQ's 30 s by
// default), and then route lookups by new clients succeed again.
import { describe, expect, it } from 'vitest';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import { pushConsumer, routesTo, startProducer } from '../harness/sdk.js';
import { waitFor, waitForAsync } from '../harness/topics.js';

const cluster = useCluster({ brokerConfig: { registerNameServerPeriod: 10_000 } });

const routed = (topic: string) => routesTo(cluster.namesrvAddr, topic, cluster.brokerAddr);

describe('name server kill -9 and restart', () => {
  it('keeps sends and consumption going, and the broker registers again', async () => {
    const topic = uniqueName('NsRestart');
    await cluster.createTopic(topic, 2);
    const producer = await startProducer(cluster.namesrvAddr);
    const consumer = pushConsumer(cluster.namesrvAddr, uniqueName('NsRestartGroup'), {
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    });
    const got = new Set<string>();
    consumer.subscribe(topic, '*').registerMessageListener((msgs) => {
      for (const m of msgs) got.add(m.body.toString());
      return 'CONSUME_SUCCESS';
    });
    await consumer.start();
    const sent: string[] = [];
    const sendSome = async (prefix: string, n: number) => {
      for (let i = 0; i < n; i++) {
        const r = await producer.send({ topic, body: `${prefix}-${i}` });
        expect(r.sendStatus).toBe('SEND_OK');
        sent.push(`${prefix}-${i}`);
      }
    };
    try {
      await sendSome('before', 10);
      await waitFor(() => got.size === 10, 30_000, 'the messages sent before the kill');

      await cluster.namesrv.kill();
      await sendSome('down', 10); // cached route; the name server is not on the send path
      await waitFor(() => got.size === 20, 30_000, 'the messages sent while it was down');
      expect(await routed(topic)).toBe(false);

      await cluster.namesrv.restart();
      await waitForAsync(() => routed(topic), 30_000, 'the broker to register again');
      // A client with no cached route finds the topic and sends through it.
      const fresh = await startProducer(cluster.namesrvAddr);
      try {
        for (let i = 0; i < 5; i++) {
          expect((await fresh.send({ topic, body: `after-${i}` })).sendStatus).toBe('SEND_OK');
          sent.push(`after-${i}`);
        }
      } finally {
        await fresh.shutdown();
      }
      await sendSome('again', 5);
      // A topic created now reaches the restarted name server at once.
      await cluster.createTopic(uniqueName('NsRestartNew'), 1);
      await waitFor(() => got.size === sent.length, 30_000, 'every message sent');
      expect([...got].sort()).toEqual([...sent].sort());
    } finally {
      await consumer.shutdown();
      await producer.shutdown();
    }
  });
});
