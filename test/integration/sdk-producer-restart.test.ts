// One SDK producer keeps sending while its only broker is SIGKILLed and started again: sends fail
// while the broker is down, the same producer's sends succeed again once it is back (it reconnects
// on its own), and every send it acknowledged, before or after, is in the store.
import { describe, expect, it } from 'vitest';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import { startProducer } from '../harness/sdk.js';
import { waitFor } from '../harness/topics.js';

const cluster = useCluster();

async function storedBodies(topic: string, queues: number): Promise<string[]> {
  const raw = cluster.raw;
  const group = uniqueName('Check');
  const out: string[] = [];
  for (let q = 0; q < queues; q++) {
    let offset = 0;
    for (;;) {
      const r = await raw.pull(topic, group, q, offset, { subscription: '*' });
      if (r.code !== ResponseCode.SUCCESS) break;
      for (const m of r.msgs) out.push(m.body.toString());
      offset = r.next;
    }
  }
  return out;
}

describe('SDK producer across a broker restart', () => {
  it('fails while the broker is down, resumes after, and loses nothing it acknowledged', async () => {
    const topic = uniqueName('ProdRestart');
    await cluster.createTopic(topic, 4);
    const producer = await startProducer(cluster.namesrvAddr, { sendMsgTimeout: 2_000 });
    const acked: string[] = [];
    const notOk: string[] = [];
    let failed = 0;
    let running = true;
    let n = 0;
    const loop = (async () => {
      while (running) {
        const body = `m-${n++}`;
        try {
          const r = await producer.send({ topic, body });
          if (r.sendStatus !== 'SEND_OK') notOk.push(`${body}: ${r.sendStatus}`);
          acked.push(body);
        } catch {
          failed++;
          await new Promise((r) => setTimeout(r, 20)); // back off while the broker is down
        }
      }
    })();
    try {
      await waitFor(() => acked.length >= 30, 30_000, '30 sends before the kill');
      await cluster.broker.kill();
      await waitFor(() => failed >= 1, 30_000, 'a send to fail while the broker is down');
      const ackedWhileDown = acked.length;
      await cluster.broker.restart();
      await waitFor(
        () => acked.length >= ackedWhileDown + 30,
        30_000,
        '30 sends after the restart',
      );
    } finally {
      running = false;
      await loop;
      await producer.shutdown();
    }
    const stored = new Set(await storedBodies(topic, 4));
    const missing = acked.filter((b) => !stored.has(b));
    expect(missing).toEqual([]);
    expect(notOk).toEqual([]);
  });
});
