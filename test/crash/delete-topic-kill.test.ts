// A topic deleted just before a crash stays deleted: its records are still in the commit log
// (they go with retention), and recovery after kill -9 re-dispatches the last segments, which
// must not bring the deleted topic's consume queues back. A topic made again under the same name
// after the delete keeps what was sent to it then, and only that.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../../src/client/admin.js';
import type { Producer } from '../../src/client/producer.js';
import { silentLogger } from '../../src/common/logger.js';
import { createRequest } from '../../src/protocol/remoting-command.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { RemotingClient } from '../../src/remoting/remoting-client.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import { startProducer } from '../harness/sdk.js';

const logger = silentLogger();
let admin: AdminClient;
let producer: Producer;

const cluster = useCluster();

beforeAll(async () => {
  admin = new AdminClient({ namesrvAddr: cluster.namesrvAddr, logger });
  producer = await startProducer(cluster.namesrvAddr);
});
afterAll(async () => {
  await producer?.shutdown();
  admin?.close();
});

async function topicConfigs(): Promise<string[]> {
  const c = new RemotingClient(logger);
  try {
    const r = await c.invoke(
      cluster.brokerAddr,
      createRequest(RequestCode.GET_ALL_TOPIC_CONFIG, 0, {}),
    );
    expect(r.code).toBe(0);
    const body = JSON.parse(r.body!.toString()) as { topicConfigTable: Record<string, unknown> };
    return Object.keys(body.topicConfigTable);
  } finally {
    c.close();
  }
}

describe('deleteTopic then kill -9', () => {
  it('the deleted topic stays deleted after recovery, on disk too', async () => {
    const gone = uniqueName('Deleted');
    const again = uniqueName('Reborn');
    await cluster.createTopic(gone, 2);
    await cluster.createTopic(again, 2);
    for (let i = 0; i < 20; i++) {
      await producer.send({ topic: gone, body: `gone ${i}` });
      await producer.send({ topic: again, body: `old ${i}` });
    }
    await admin.deleteTopic(gone, 'DefaultCluster');
    await admin.deleteTopic(again, 'DefaultCluster');
    // Made again after its delete: only what is sent from now on belongs to it.
    await cluster.createTopic(again, 2);
    const r = await producer.send({ topic: again, body: 'new 0' });
    expect(r.queueOffset).toBe(0);
    const goneDir = join(cluster.storeDir, 'consumequeue', gone);
    expect(existsSync(goneDir)).toBe(false);

    await cluster.broker.kill();
    await cluster.broker.restart();

    expect(existsSync(goneDir)).toBe(false);
    expect(await topicConfigs()).not.toContain(gone);
    for (const q of [0, 1]) expect(await admin.getMaxOffset(cluster.brokerAddr, gone, q)).toBe(0);
    const reborn = await Promise.all(
      [0, 1].map((q) => admin.getMaxOffset(cluster.brokerAddr, again, q)),
    );
    expect(reborn[0]! + reborn[1]!).toBe(1);
    expect(reborn[r.messageQueue.queueId]).toBe(1);
  });
});
