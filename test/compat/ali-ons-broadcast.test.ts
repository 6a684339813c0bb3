// ali-ons in BROADCASTING mode (isBroadcast) against KiteMQ: two members of one group each get
// every message, and a member restarted from its local offset file (ali-ons keeps it under
// $HOME/.rocketmq_offsets_node) carries on without receiving the old messages again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AliConsumer,
  type AliMessage,
  aliConsumer,
  aliOns,
  aliProducer,
} from '../harness/ali-ons.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import { waitFor } from '../harness/topics.js';

let home: string;
const savedHome = process.env.HOME;

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'kitemq-alihome-'));
  process.env.HOME = home; // ali-ons writes broadcast offsets under $HOME
});
afterAll(() => {
  process.env.HOME = savedHome;
  rmSync(home, { recursive: true, force: true });
});
const cluster = useCluster();

async function send(topic: string, from: number, n: number): Promise<void> {
  const p = await aliProducer(cluster.namesrvAddr);
  for (let i = from; i < from + n; i++)
    await p.send(new (aliOns().Message)(topic, 'TagA', `b${i}`));
  await p.close();
}

function member(group: string, instanceName: string, topic: string, got: string[]): AliConsumer {
  const c = aliConsumer(cluster.namesrvAddr, {
    consumerGroup: group,
    isBroadcast: true,
    instanceName,
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    persistent: true,
  });
  c.subscribe(topic, '*', async (m: AliMessage) => {
    got.push(m.body.toString());
  });
  return c;
}

describe('ali-ons broadcasting', () => {
  it('delivers every message to every member, and resumes from the local offsets', async () => {
    const topic = uniqueName('Broadcast');
    const group = uniqueName('BroadcastGroup');
    await cluster.createTopic(topic, 4);
    await send(topic, 0, 20);
    const a: string[] = [];
    const b: string[] = [];
    let ca = member(group, 'bcA', topic, a);
    const cb = member(group, 'bcB', topic, b);
    await Promise.all([ca.ready(), cb.ready()]);
    const all = Array.from({ length: 20 }, (_, i) => `b${i}`).sort();
    await waitFor(() => a.length >= 20 && b.length >= 20, 30_000, 'both members to get all 20');
    expect([...a].sort()).toEqual(all);
    expect([...b].sort()).toEqual(all);

    await ca.close(); // persists its offsets to the local file
    await send(topic, 20, 5);
    const a2: string[] = [];
    ca = member(group, 'bcA', topic, a2);
    await ca.ready();
    await waitFor(() => a2.length >= 5 && b.length >= 25, 30_000, 'the 5 new messages');
    await new Promise((r) => setTimeout(r, 500));
    expect([...a2].sort()).toEqual(['b20', 'b21', 'b22', 'b23', 'b24']);
    await Promise.all([ca.close(), cb.close()]);
  }, 90_000);
});
