// The SDK producer and FLUSH_DISK_TIMEOUT (10: stored, durability unconfirmed). broker-a runs
// SYNC_FLUSH on a disk slower than its syncFlushTimeout (the store's fdatasync test seam, as in
// flush-disk-timeout.test.ts: a real disk's speed, tmpfs or ext4, must not decide the test), so
// its sends are answered 10; broker-b flushes asynchronously and answers 0. As Java's sendDefaultImpl: without retryAnotherBrokerWhenNotStoreOK the send
// resolves with sendStatus FLUSH_DISK_TIMEOUT and is not sent again; with it the producer tries
// another broker and resolves with that broker's SEND_OK (the message then exists on both).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../../src/client/admin.js';
import { Producer, type SendResult } from '../../src/client/producer.js';
import { silentLogger } from '../../src/common/logger.js';
import { useCluster } from '../harness/cluster.js';
import { type BrokerHandle, uniqueName } from '../harness/processes.js';

const logger = silentLogger();
const BODY_BYTES = 4 * 1024;
const PER_ROUND = 16;
/** Round robin sends about half of each round to broker-a; 20 rounds without one is a bug. */
const MAX_ROUNDS = 20;
let a: BrokerHandle;
let b: BrokerHandle;
let admin: AdminClient;

const cluster = useCluster({
  brokers: [
    {
      conf: { flushDiskType: 'SYNC_FLUSH', syncFlushTimeout: 100 },
      env: { KITEMQ_TEST_FDATASYNC_DELAY_MS: '400' },
      killOnStop: true, // a clean stop would wait out the slow fdatasync of every file
    },
    {},
  ],
});

beforeAll(() => {
  [a, b] = cluster.brokers as [BrokerHandle, BrokerHandle];
  admin = new AdminClient({ namesrvAddr: cluster.namesrvAddr, logger });
});
afterAll(() => admin?.close());

async function topicOnBoth(): Promise<string> {
  const topic = uniqueName('FlushTimeout');
  await cluster.createTopic(topic, 2);
  return topic;
}

function newProducer(retryAnotherBrokerWhenNotStoreOK: boolean): Producer {
  return new Producer({
    namesrvAddr: cluster.namesrvAddr,
    producerGroup: uniqueName('PG'),
    retryAnotherBrokerWhenNotStoreOK,
    sendLatencyFaultEnable: false, // plain round robin: about half the first attempts go to broker-a
    compressMsgBodyOverHowmuch: 8 * 1024 * 1024, // random bodies, sent as they are
    sendMsgTimeout: 30_000, // broker-a answers; a client timeout would be a different retry
    logger,
  });
}

interface Sent {
  key: string;
  result: SendResult;
}

/** Rounds of concurrent large sends until `done` holds for what was sent (at most MAX_ROUNDS). */
async function sendUntil(
  p: Producer,
  topic: string,
  what: string,
  done: (sent: Sent[], round: Sent[]) => Promise<boolean> | boolean,
): Promise<Sent[]> {
  const sent: Sent[] = [];
  for (let i = 0; i < MAX_ROUNDS; i++) {
    const round = await Promise.all(
      Array.from({ length: PER_ROUND }, async () => {
        const key = uniqueName('k');
        const result = await p.send({ topic, keys: key, body: randomBytes(BODY_BYTES) });
        return { key, result };
      }),
    );
    sent.push(...round);
    if (await done(sent, round)) return sent;
  }
  throw new Error(`no ${what} after ${MAX_ROUNDS} rounds of ${PER_ROUND} sends`);
}

/** Which brokers store the message with this key (each copy once). */
async function storedOn(topic: string, key: string): Promise<string[]> {
  const found = await admin.queryMessageByKey(topic, key);
  const byHost = new Map([
    [a.addr, 'broker-a'],
    [b.addr, 'broker-b'],
  ]);
  return found.map((m) => byHost.get(m.storeHost) ?? m.storeHost).sort();
}

describe('SDK producer and FLUSH_DISK_TIMEOUT', () => {
  it('reports FLUSH_DISK_TIMEOUT as the send status and does not send again by default', async () => {
    const topic = await topicOnBoth();
    const p = newProducer(false);
    await p.start();
    try {
      const sent = await sendUntil(p, topic, 'FLUSH_DISK_TIMEOUT answer', (s) =>
        s.some((x) => x.result.sendStatus === 'FLUSH_DISK_TIMEOUT'),
      );
      const timedOut = sent.filter((x) => x.result.sendStatus === 'FLUSH_DISK_TIMEOUT');
      for (const x of timedOut) {
        expect(x.result.messageQueue.brokerName).toBe('broker-a');
        // Stored (offsets in the result) and not retried: one copy, on broker-a.
        expect(x.result.queueOffset).toBeGreaterThanOrEqual(0);
        expect(await storedOn(topic, x.key)).toEqual(['broker-a']);
      }
      for (const x of sent.filter((s) => s.result.messageQueue.brokerName === 'broker-b')) {
        expect(x.result.sendStatus).toBe('SEND_OK');
      }
    } finally {
      await p.shutdown();
    }
  });

  it('with retryAnotherBrokerWhenNotStoreOK, sends again to the other broker and returns its SEND_OK', async () => {
    const topic = await topicOnBoth();
    const p = newProducer(true);
    await p.start();
    try {
      const copies = new Map<string, string[]>();
      // Until a message is stored on both: broker-a answered it 10, broker-b took it again.
      const sent = await sendUntil(p, topic, 'message sent again', async (_all, round) => {
        for (const x of round) copies.set(x.key, await storedOn(topic, x.key));
        return round.some((x) => copies.get(x.key)!.length === 2);
      });
      const retried = sent.filter((x) => copies.get(x.key)!.length === 2);
      for (const x of retried) {
        expect(copies.get(x.key)).toEqual(['broker-a', 'broker-b']);
        expect(x.result.messageQueue.brokerName).toBe('broker-b');
      }
      for (const x of sent) expect(x.result.sendStatus).toBe('SEND_OK');
    } finally {
      await p.shutdown();
    }
  });
});
