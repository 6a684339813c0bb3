// Three name servers, one SIGKILLed: the broker stays registered with the other two, clients
// listing all three (host:port;host:port;host:port) find routes through the live ones — new
// clients included, whose first name server is the dead one — and keep sending and consuming.
import { describe, expect, it } from 'vitest';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import { pushConsumer, routesTo, startProducer } from '../harness/sdk.js';
import { createTopic, waitFor, waitForAsync } from '../harness/topics.js';

const cluster = useCluster({ namesrvs: 3 });

const routedBy = (namesrvAddr: string, topic: string) =>
  routesTo(namesrvAddr, topic, cluster.brokerAddr);

describe('several name servers, one dies', () => {
  it('routes, sends and consumption go through the others', async () => {
    const topic = uniqueName('NsFailover');
    await cluster.createTopic(topic, 2);
    for (const n of cluster.namesrvs) {
      await waitForAsync(() => routedBy(n.addr, topic), 10_000, `a route on ${n.addr}`);
    }
    const producer = await startProducer(cluster.namesrvAddr);
    const consumer = pushConsumer(cluster.namesrvAddr, uniqueName('NsFailoverGroup'), {
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    });
    const got = new Set<string>();
    consumer.subscribe(topic, '*').registerMessageListener((msgs) => {
      for (const m of msgs) got.add(m.body.toString());
      return 'CONSUME_SUCCESS';
    });
    await consumer.start();
    const sent: string[] = [];
    try {
      for (let i = 0; i < 10; i++) {
        await producer.send({ topic, body: `before-${i}` });
        sent.push(`before-${i}`);
      }
      await waitFor(() => got.size === 10, 30_000, 'the messages sent before the kill');

      await cluster.namesrvs[0]!.kill(); // the first of the list: every new client tries it first
      expect(await routedBy(cluster.namesrvAddr, topic)).toBe(true);
      const fresh = await startProducer(cluster.namesrvAddr);
      try {
        for (let i = 0; i < 10; i++) {
          const r = await fresh.send({ topic, body: `fresh-${i}` });
          expect(r.sendStatus).toBe('SEND_OK');
          sent.push(`fresh-${i}`);
        }
      } finally {
        await fresh.shutdown();
      }
      for (let i = 0; i < 10; i++) {
        await producer.send({ topic, body: `after-${i}` });
        sent.push(`after-${i}`);
      }
      // A topic created after the kill reaches the two live name servers.
      const late = uniqueName('NsFailoverLate');
      await createTopic(cluster.brokerAddr, cluster.namesrvs[1]!.addr, late, 1);
      await waitForAsync(
        () => routedBy(cluster.namesrvs[2]!.addr, late),
        10_000,
        'the new topic on the third',
      );
      expect(await routedBy(cluster.namesrvAddr, late)).toBe(true);
      const lateSend = await producer.send({ topic: late, body: 'late' });
      expect(lateSend.sendStatus).toBe('SEND_OK');

      await waitFor(() => got.size === sent.length, 30_000, 'every message sent');
      expect([...got].sort()).toEqual([...sent].sort());
    } finally {
      await consumer.shutdown();
      await producer.shutdown();
    }
  });
});
