// A send given an AbortSignal rejects with the signal's reason once it aborts, whether before the
// first attempt or while the request is on the wire; the broker's late answer changes nothing
// and the producer goes on sending.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Producer } from '../../src/client/producer.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import { startProducer } from '../harness/sdk.js';

const topic = uniqueName('Abort');
const cluster = useCluster({ topics: [{ name: topic, queues: 2 }] });
let producer: Producer;

beforeAll(async () => {
  producer = await startProducer(cluster.namesrvAddr);
  await producer.send({ topic, body: 'warm' }); // route cached, connection open
}, 60_000);
afterAll(() => producer.shutdown());

describe('send with an AbortSignal', () => {
  it('rejects with the reason of a signal aborted before the send', async () => {
    const reason = new Error('aborted before');
    await expect(
      producer.send({ topic, body: 'x' }, { signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason);
  });

  it('rejects with the reason of a signal aborted while the request is out', async () => {
    const ac = new AbortController();
    const sent = producer.send({ topic, body: 'y' }, { signal: ac.signal });
    const reason = new Error('aborted in flight');
    ac.abort(reason);
    await expect(sent).rejects.toBe(reason);
    const after = await producer.send(
      { topic, body: 'z' },
      { signal: new AbortController().signal },
    );
    expect(after.sendStatus).toBe('SEND_OK');
  });
});
