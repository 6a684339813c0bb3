// SYSTEM_BUSY (2) from a broker whose disk cannot keep up, and the SDK producer's handling of it.
// broker-a runs SYNC_FLUSH on a disk made slow with the store's fdatasync seam (as in
// sdk-flush-timeout.test.ts), with syncFlushTimeout longer than the test, so its sends stay
// parked on the group commit; sendThreadPoolQueueCapacity is lowered from 10000 so a few of them
// fill the broker's send backlog. A further send must then be refused before it reaches the
// store: code 2, a remark naming the bound, nothing stored. The SDK retries code 2 on another
// broker (Java 5.3's retryResponseCodes), and surfaces it with code 2 when every attempt is
// refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../../src/client/admin.js';
import { MQClientError } from '../../src/client/errors.js';
import { Producer } from '../../src/client/producer.js';
import { silentLogger } from '../../src/common/logger.js';
import { encodeProperties } from '../../src/message/properties-codec.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { RemotingClient } from '../../src/remoting/remoting-client.js';
import { useCluster } from '../harness/cluster.js';
import { type BrokerHandle, uniqueName } from '../harness/processes.js';
import { RawBroker, sendV2Header } from '../harness/raw-protocol.js';
import { waitForAsync } from '../harness/topics.js';

const logger = silentLogger();
const CAPACITY = 4;
/** Longer than the whole file runs: the parked sends hold broker-a's backlog full throughout. */
const STUCK_MS = 600_000;
const client = new RemotingClient(logger);
let a: BrokerHandle;
let admin: AdminClient;
let rawA: RawBroker;
/** A topic on broker-a only, holding the parked sends. */
let parkedTopic: string;
let parked: Promise<unknown>[] = [];

const cluster = useCluster({
  brokers: [
    {
      conf: {
        flushDiskType: 'SYNC_FLUSH',
        syncFlushTimeout: STUCK_MS,
        sendThreadPoolQueueCapacity: CAPACITY,
      },
      env: { KITEMQ_TEST_FDATASYNC_DELAY_MS: String(STUCK_MS) },
      killOnStop: true, // a clean stop would wait out the slow fdatasync
    },
    {},
  ],
});

beforeAll(async () => {
  a = cluster.brokers[0]!;
  admin = new AdminClient({ namesrvAddr: cluster.namesrvAddr, logger });
  rawA = new RawBroker(client, () => a.addr);
  parkedTopic = uniqueName('Parked');
  await cluster.createTopic(parkedTopic, 1, [0]);
  // Stored, then waiting for an fdatasync that does not end while the test runs.
  parked = Array.from(
    { length: CAPACITY },
    (_, i) =>
      rawA
        .call(
          RequestCode.SEND_MESSAGE_V2,
          sendV2Header(parkedTopic, 0, encodeProperties({ KEYS: `parked-${i}` }), {
            reconsumeTimes: 0,
          }),
          Buffer.from(`parked-${i}`),
          STUCK_MS,
        )
        .catch(() => undefined), // never answered; rejected when the client closes
  );
  await waitForAsync(
    async () => Number((await runtimeInfo(rawA)).sendThreadPoolQueueSize) === CAPACITY,
    30_000,
    `${CAPACITY} sends waiting in broker-a`,
  );
});

afterAll(async () => {
  admin?.close();
  client.close();
  await Promise.all(parked);
});

async function runtimeInfo(raw: RawBroker): Promise<Record<string, string>> {
  const r = await raw.call(RequestCode.GET_BROKER_RUNTIME_INFO, {});
  expect(r.code, r.remark).toBe(ResponseCode.SUCCESS);
  return (JSON.parse(r.body!.toString('utf8')) as { table: Record<string, string> }).table;
}

async function busyRefusals(): Promise<number> {
  return Number((await runtimeInfo(rawA)).sendBusyRejectedTotal);
}

async function storedOnA(topic: string, queues: number): Promise<number> {
  let n = 0;
  for (let q = 0; q < queues; q++) n += await admin.getMaxOffset(a.addr, topic, q);
  return n;
}

function newProducer(): Producer {
  return new Producer({
    namesrvAddr: cluster.namesrvAddr,
    producerGroup: uniqueName('PG'),
    sendMsgTimeout: 30_000, // broker-a answers at once; a client timeout would be another path
    logger,
  });
}

describe('SYSTEM_BUSY when the store is backed up', () => {
  it('refuses a send past sendThreadPoolQueueCapacity before it reaches the store', async () => {
    const before = await busyRefusals();
    const key = uniqueName('refused');
    const r = await rawA.send(parkedTopic, 0, 'refused', { KEYS: key });
    expect(r.code, r.remark).toBe(ResponseCode.SYSTEM_BUSY);
    expect(r.remark).toContain('[OVERLOAD]system busy');
    expect(r.remark).toContain(`sendThreadPoolQueueCapacity=${CAPACITY}`);
    expect(r.extFields.msgId ?? '').toBe('');
    // Nothing half-stored: the queue holds the parked sends only, no record has the key.
    expect(await storedOnA(parkedTopic, 1)).toBe(CAPACITY);
    expect(await admin.queryMessageByKey(parkedTopic, key)).toEqual([]);
    expect(await admin.queryMessageByKey(parkedTopic, 'parked-0')).toHaveLength(1);
    expect(await busyRefusals()).toBe(before + 1);
    const info = await runtimeInfo(rawA);
    expect(Number(info.sendThreadPoolQueueSize)).toBe(CAPACITY);
    expect(Number(info.sendThreadPoolQueueCapacity)).toBe(CAPACITY);
  });

  it('the SDK producer retries a SYSTEM_BUSY send on another broker', async () => {
    const topic = uniqueName('Busy');
    await cluster.createTopic(topic, 2);
    const before = await busyRefusals();
    const p = newProducer();
    await p.start();
    try {
      // Round robin puts a first attempt on broker-a within a few sends.
      for (let i = 0; i < 20 && (await busyRefusals()) === before; i++) {
        const r = await p.send({ topic, body: `m${i}` });
        expect(r.sendStatus).toBe('SEND_OK');
        expect(r.messageQueue.brokerName).toBe('broker-b');
      }
      expect(await busyRefusals()).toBeGreaterThan(before);
      expect(await storedOnA(topic, 2)).toBe(0);
    } finally {
      await p.shutdown();
    }
  });

  it('the SDK producer surfaces code 2 when every attempt is refused', async () => {
    const topic = uniqueName('BusyOnly');
    await cluster.createTopic(topic, 2, [0]);
    const before = await busyRefusals();
    const p = newProducer();
    await p.start();
    try {
      const err = await p.send({ topic, body: 'refused' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(MQClientError);
      expect((err as MQClientError).responseCode).toBe(ResponseCode.SYSTEM_BUSY);
      expect((err as Error).message).toContain('sendThreadPoolQueueCapacity');
      // 1 + retryTimesWhenSendFailed attempts, all refused, none stored.
      expect(await busyRefusals()).toBe(before + 3);
      expect(await storedOnA(topic, 2)).toBe(0);
    } finally {
      await p.shutdown();
    }
  });
});
