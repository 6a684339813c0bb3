// Reading a queue back from one broker of a replica pair, to compare a slave with its master or
// with what a producer was told was stored.
import type { RawBroker } from './raw-protocol.js';

/** Every message of topic/queueId on the broker, by queue offset (body as text). */
export async function readQueue(
  raw: RawBroker,
  topic: string,
  queueId: number,
): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  let offset = 0;
  for (;;) {
    const p = await raw.pull(topic, 'replica-verify', queueId, offset, { subscription: '*' });
    if (p.code !== 0 || p.msgs.length === 0) return out;
    for (const m of p.msgs) out.set(m.queueOffset, m.body.toString());
    offset = p.next;
  }
}

/** readQueue over queues 0..queues-1, as one list of "q:offset=body" lines, sorted. */
export async function queueLines(raw: RawBroker, topic: string, queues: number): Promise<string[]> {
  const lines: string[] = [];
  for (let q = 0; q < queues; q++) {
    for (const [o, b] of await readQueue(raw, topic, q)) lines.push(`${q}:${o}=${b}`);
  }
  return lines.sort();
}
