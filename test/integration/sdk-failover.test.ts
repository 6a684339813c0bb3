// A producer keeps sending while one of a topic's two brokers is killed (its route still lists
// the dead broker): a send that hits it moves to the other broker, so every send resolves and all
// sends after the kill land on the live broker.
import { describe, expect, it } from 'vitest';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import { startProducer } from '../harness/sdk.js';

const cluster = useCluster({ brokers: 2 });

describe('producer failover', () => {
  it('keeps every send resolving with one of two brokers killed', async () => {
    const topic = uniqueName('Failover');
    await cluster.createTopic(topic, 2); // waits until the route lists both brokers
    const p = await startProducer(cluster.namesrvAddr);
    const brokersUsed = new Map<string, number>();
    try {
      for (let i = 0; i < 20; i++) {
        const r = await p.send({ topic, body: `before-${i}` });
        brokersUsed.set(
          r.messageQueue.brokerName,
          (brokersUsed.get(r.messageQueue.brokerName) ?? 0) + 1,
        );
      }
      expect([...brokersUsed.keys()].sort()).toEqual(['broker-a', 'broker-b']);
      await cluster.brokers[1]!.kill();
      const after: string[] = [];
      for (let i = 0; i < 30; i++) {
        const r = await p.send({ topic, body: `after-${i}` });
        expect(r.sendStatus).toBe('SEND_OK');
        after.push(r.messageQueue.brokerName);
      }
      expect(new Set(after)).toEqual(new Set(['broker-a']));
    } finally {
      await p.shutdown();
    }
  }, 60_000);
});
