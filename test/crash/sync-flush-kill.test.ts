// With flushDiskType=SYNC_FLUSH an acknowledged message survives kill -9: senders run flat out,
// the broker is SIGKILLed mid-stream, restarted on the same store (the abort-marker recovery
// path), and every acknowledged message must be found at the queue offset it was acknowledged
// with. Repeated a few times. kill -9 leaves the kernel's page cache intact, so this proves the
// recovery and consume-queue rebuild, not the fdatasync; that acknowledgements wait for
// fdatasync is proven by the store's group-commit test through the FileIO seam.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/common/logger.js';
import { encodeProperties } from '../../src/message/properties-codec.js';
import { decodeRecords } from '../../src/message/record-codec.js';
import { createRequest } from '../../src/protocol/remoting-command.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { RemotingClient } from '../../src/remoting/remoting-client.js';
import {
  type BrokerHandle,
  type NamesrvHandle,
  startBroker,
  startNamesrv,
  uniqueName,
} from '../harness/processes.js';
import { createTopic, waitFor } from '../harness/topics.js';

let namesrv: NamesrvHandle;
let broker: BrokerHandle;
const topic = uniqueName('Durable');
const ROUNDS = 5;
const SENDERS = 16;

beforeAll(async () => {
  namesrv = await startNamesrv();
  broker = await startBroker({
    namesrvAddr: namesrv.addr,
    conf: { flushDiskType: 'SYNC_FLUSH', mapedFileSizeCommitLog: 256 * 1024 },
  });
  await createTopic(broker.addr, namesrv.addr, topic, 2);
});

afterAll(async () => {
  await broker?.stop();
  await namesrv?.stop();
});

async function readQueue(c: RemotingClient, queueId: number): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  let offset = 0;
  for (;;) {
    const p = await c.invoke(
      broker.addr,
      createRequest(RequestCode.PULL_MESSAGE, 0, {
        consumerGroup: 'verify',
        topic,
        queueId,
        queueOffset: offset,
        maxMsgNums: 32,
        sysFlag: 4,
        commitOffset: 0,
        suspendTimeoutMillis: 0,
        subscription: '*',
        subVersion: 0,
      }),
      10_000,
    );
    if (p.code !== 0) return out;
    for (const m of decodeRecords(p.body!)) out.set(m.queueOffset, m.body.toString());
    offset = Number(p.extFields.nextBeginOffset);
  }
}

describe('SYNC_FLUSH durability under kill -9', () => {
  it(`keeps every acknowledged message across ${ROUNDS} crashes`, async () => {
    const acked = new Map<string, { queueId: number; queueOffset: number }>();
    let seq = 0;
    for (let round = 0; round < ROUNDS; round++) {
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
                {
                  a: 'PG',
                  b: topic,
                  c: 'TBW102',
                  d: 4,
                  e: seq % 2,
                  f: 0,
                  g: Date.now(),
                  h: 0,
                  i: encodeProperties({ WAIT: 'true' }),
                },
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
      const target = acked.size + 300;
      const senders = Array.from({ length: SENDERS }, sender);
      await waitFor(() => acked.size >= target, 60_000, 'acknowledged sends');
      await broker.kill();
      stop = true;
      await Promise.all(senders);
      client.close();
      await broker.restart();
      const verify = new RemotingClient(silentLogger());
      const queues = [await readQueue(verify, 0), await readQueue(verify, 1)];
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
    expect(acked.size).toBeGreaterThanOrEqual(ROUNDS * 300);
  });
});
