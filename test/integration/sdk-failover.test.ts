// A producer keeps sending while one of a topic's two brokers is killed (its route still lists
// the dead broker): a send that hits it moves to the other broker, so every send resolves and all
// sends after the kill land on the live broker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../../src/client/admin.js';
import { Producer } from '../../src/client/producer.js';
import { silentLogger } from '../../src/common/logger.js';
import {
  type BrokerHandle,
  type NamesrvHandle,
  startBroker,
  startNamesrv,
  uniqueName,
} from '../harness/processes.js';
import { createTopic, waitForAsync } from '../harness/topics.js';

const logger = silentLogger();
let namesrv: NamesrvHandle;
let a: BrokerHandle;
let b: BrokerHandle;

beforeAll(async () => {
  namesrv = await startNamesrv();
  [a, b] = await Promise.all([
    startBroker({ namesrvAddr: namesrv.addr, conf: { brokerName: 'broker-a' } }),
    startBroker({ namesrvAddr: namesrv.addr, conf: { brokerName: 'broker-b' } }),
  ]);
});

afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await namesrv?.stop();
});

describe('producer failover', () => {
  it('keeps every send resolving with one of two brokers killed', async () => {
    const topic = uniqueName('Failover');
    await createTopic(a.addr, namesrv.addr, topic, 2);
    await createTopic(b.addr, namesrv.addr, topic, 2);
    const admin = new AdminClient({ namesrvAddr: namesrv.addr, logger });
    await waitForAsync(
      async () => (await admin.getTopicRoute(topic)).brokerDatas.length === 2,
      10_000,
      'both brokers in the route',
    );
    admin.close();
    const p = new Producer({ namesrvAddr: namesrv.addr, producerGroup: uniqueName('PG'), logger });
    await p.start();
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
      await b.kill();
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
