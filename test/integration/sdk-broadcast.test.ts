// Our push consumer in BROADCASTING mode: every member gets every message; offsets live in a
// local file per instance, so a member restarted with the same instanceName carries on without
// getting old messages again.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import { numbered, quietPushConsumer, sendMessages } from '../harness/sdk.js';
import { waitFor } from '../harness/topics.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kitemq-offsets-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cluster = useCluster();

const send = (topic: string, from: number, n: number) =>
  sendMessages(cluster.namesrvAddr, numbered(topic, from, n));

describe('broadcasting push consumer', () => {
  it('gives every member every message and resumes from its local offsets', async () => {
    const topic = uniqueName('Broadcast');
    const group = uniqueName('BroadcastGroup');
    await cluster.createTopic(topic, 4);
    await send(topic, 0, 20);
    const member = (instanceName: string, got: string[]) => {
      const c = quietPushConsumer(cluster.namesrvAddr, group, {
        messageModel: 'BROADCASTING',
        consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
        instanceName,
        offsetStoreDir: dir,
      });
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
