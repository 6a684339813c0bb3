// Shared by the kill -9 tests: senders run flat out against a real broker, which is SIGKILLed
// mid-stream and restarted on the same store (the abort-marker recovery path); after each restart
// every acknowledged message must be at the queue offset it was acknowledged with, each queue
// offset exactly once.
import { expect } from 'vitest';
import { silentLogger } from '../../src/common/logger.js';
import { encodeProperties } from '../../src/message/properties-codec.js';
import { decodeRecords } from '../../src/message/record-codec.js';
import { createRequest } from '../../src/protocol/remoting-command.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { RemotingClient } from '../../src/remoting/remoting-client.js';
import type { BrokerHandle } from '../harness/processes.js';
import { pullHeader, sendV2Header } from '../harness/raw-protocol.js';
import { waitFor } from '../harness/topics.js';

async function readQueue(
  broker: BrokerHandle,
  c: RemotingClient,
  topic: string,
  queueId: number,
): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  let offset = 0;
  for (;;) {
    const p = await c.invoke(
      broker.addr,
      createRequest(RequestCode.PULL_MESSAGE, 0, pullHeader('verify', topic, queueId, offset)),
      10_000,
    );
    if (p.code !== 0) return out;
    for (const m of decodeRecords(p.body!)) out.set(m.queueOffset, m.body.toString());
    offset = Number(p.extFields.nextBeginOffset);
  }
}

/** Runs `rounds` of send / kill -9 / restart / verify on a two-queue topic; returns acks. */
export async function killWhileSending(
  broker: BrokerHandle,
  topic: string,
  opts: { rounds: number; senders: number; acksPerRound: number },
): Promise<number> {
  const acked = new Map<string, { queueId: number; queueOffset: number }>();
  let seq = 0;
  for (let round = 0; round < opts.rounds; round++) {
    const client = new RemotingClient(silentLogger());
    let stop = false;
    const sender = async () => {
      while (!stop) {
        const body = `r${round}-m${seq++}`;
        try {
          const r = await client.invoke(
            broker.addr,
            createRequest(
              RequestCode.SEND_MESSAGE_V2,
              0,
              sendV2Header(topic, seq % 2, encodeProperties({ WAIT: 'true' })),
              Buffer.from(body),
            ),
            5_000,
          );
          if (r.code === 0)
            acked.set(body, {
              queueId: Number(r.extFields.queueId),
              queueOffset: Number(r.extFields.queueOffset),
            });
        } catch {
          return; // the broker died under us: this send was never acknowledged
        }
      }
    };
    const target = acked.size + opts.acksPerRound;
    const senders = Array.from({ length: opts.senders }, sender);
    await waitFor(() => acked.size >= target, 60_000, 'acknowledged sends');
    await broker.kill();
    stop = true;
    await Promise.all(senders);
    client.close();
    await broker.restart();
    const verify = new RemotingClient(silentLogger());
    const queues = [
      await readQueue(broker, verify, topic, 0),
      await readQueue(broker, verify, topic, 1),
    ];
    verify.close();
    for (const [body, at] of acked) {
      expect(
        queues[at.queueId]!.get(at.queueOffset),
        `${body} at ${at.queueId}/${at.queueOffset}`,
      ).toBe(body);
    }
    // Exactly once per queue offset, in order: dense offsets and no body twice.
    for (const q of queues) {
      expect([...q.keys()].sort((x, y) => x - y)).toEqual([...q.keys()].map((_, i) => i));
      expect(new Set(q.values()).size).toBe(q.size);
    }
  }
  return acked.size;
}
