// Rebalance strategies on a real broker: two members with allocateByCircle deal the four queues
// out in turn, and allocateByConfig pins a member to the queues it was given.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allocateByCircle,
  allocateByConfig,
  PushConsumer,
} from '../../src/client/push-consumer.js';
import { silentLogger } from '../../src/common/logger.js';
import {
  type BrokerHandle,
  type NamesrvHandle,
  startBroker,
  startNamesrv,
  uniqueName,
} from '../harness/processes.js';
import { createTopic, waitFor } from '../harness/topics.js';

const logger = silentLogger();
let namesrv: NamesrvHandle;
let broker: BrokerHandle;

beforeAll(async () => {
  namesrv = await startNamesrv();
  broker = await startBroker({ namesrvAddr: namesrv.addr });
});

afterAll(async () => {
  await broker?.stop();
  await namesrv?.stop();
});

describe('allocation strategies', () => {
  it('by circle and by config', async () => {
    const topic = uniqueName('Alloc');
    const group = uniqueName('AllocGroup');
    await createTopic(broker.addr, namesrv.addr, topic, 4);
    const make = (opts: Partial<ConstructorParameters<typeof PushConsumer>[0]>) => {
      const c = new PushConsumer({
        namesrvAddr: namesrv.addr,
        consumerGroup: group,
        logger,
        ...opts,
      });
      c.on('error', () => {});
      c.subscribe(topic, '*').registerMessageListener(() => 'CONSUME_SUCCESS');
      return c;
    };
    const a = make({ allocateStrategy: allocateByCircle });
    const b = make({ allocateStrategy: allocateByCircle });
    await a.start();
    await b.start();
    const ids = (c: PushConsumer) => c.assignedQueues.map((q) => q.queueId).sort();
    try {
      await waitFor(
        () => ids(a).length === 2 && ids(b).length === 2,
        30_000,
        'a 2/2 split by circle',
      );
      expect([ids(a), ids(b)].sort()).toEqual([
        [0, 2],
        [1, 3],
      ]);
    } finally {
      await Promise.all([a.shutdown(), b.shutdown()]);
    }
    const pinned = make({
      allocateStrategy: allocateByConfig([{ topic, brokerName: broker.brokerName, queueId: 3 }]),
    });
    await pinned.start();
    try {
      await waitFor(() => ids(pinned).length === 1, 10_000, 'the configured queue');
      expect(ids(pinned)).toEqual([3]);
    } finally {
      await pinned.shutdown();
    }
  }, 60_000);
});
