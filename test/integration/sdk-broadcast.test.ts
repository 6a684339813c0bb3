// Our push consumer in BROADCASTING mode: every member gets every message; offsets live in a
// local file per instance, so a member restarted with the same instanceName carries on without
// getting old messages again.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Producer } from '../../src/client/producer.js';
import { PushConsumer } from '../../src/client/push-consumer.js';
import { silentLogger } from '../../src/common/logger.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import { waitFor } from '../harness/topics.js';

const logger = silentLogger();
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kitemq-offsets-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cluster = useCluster();

async function send(topic: string, from: number, n: number): Promise<void> {
  const p = new Producer({
    namesrvAddr: cluster.namesrvAddr,
    producerGroup: uniqueName('PG'),
    logger,
  });
  await p.start();
  for (let i = from; i < from + n; i++) await p.send({ topic, body: `m${i}` });
  await p.shutdown();
}

describe('broadcasting push consumer', () => {
  it('gives every member every message and resumes from its local offsets', async () => {
    const topic = uniqueName('Broadcast');
    const group = uniqueName('BroadcastGroup');
    await cluster.createTopic(topic, 4);
    await send(topic, 0, 20);
    const member = (instanceName: string, got: string[]) => {
      const c = new PushConsumer({
        namesrvAddr: cluster.namesrvAddr,
        consumerGroup: group,
        messageModel: 'BROADCASTING',
        consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
        instanceName,
        offsetStoreDir: dir,
        logger,
      });
      c.on('error', () => {});
      c.subscribe(topic, '*').registerMessageListener((msgs) => {
        for (const m of msgs) got.push(m.body.toString());
        return 'CONSUME_SUCCESS';
      });
      return c;
    };
    const a: string[] = [];
    const b: string[] = [];
    let ca = member('A', a);
    const cb = member('B', b);
    await Promise.all([ca.start(), cb.start()]);
    const all = Array.from({ length: 20 }, (_, i) => `m${i}`).sort();
    await waitFor(() => a.length >= 20 && b.length >= 20, 30_000, 'both members to get 20');
    expect([...a].sort()).toEqual(all);
    expect([...b].sort()).toEqual(all);
    await ca.shutdown();
    expect(existsSync(join(dir, `${hostname()}@A`, group, 'offsets.json'))).toBe(true);

    await send(topic, 20, 5);
    const a2: string[] = [];
    ca = member('A', a2);
    await ca.start();
    await waitFor(() => a2.length >= 5 && b.length >= 25, 30_000, 'the five new messages');
    await new Promise((r) => setTimeout(r, 500));
    expect([...a2].sort()).toEqual(['m20', 'm21', 'm22', 'm23', 'm24']);
    await Promise.all([ca.shutdown(), cb.shutdown()]);
  }, 60_000);
});
