// Replica sets of a master (id 0) and its slave (id 1, brokerRole=SLAVE) holding the same
// records, seeded by copying the master's cleanly stopped store into the slave's dir (the
// replication link is not needed for this).
// - Told to: with slaveReadEnable and a broker that sees the pull as far behind (its RAM made
//   tiny through KITEMQ_TEST_TOTAL_MEMORY_BYTES), a consumer reads from the slave while the
//   master is up.
// - Master lost: a push consumer in the middle of the topic has its master killed under it
//   (kill -9); once the name server drops the master from the route, the consumer goes on from
//   the slave at the offset it had (no reset, nothing replayed), commits its offsets to the
//   slave, and a producer's sends go to broker-b's master.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../../src/client/admin.js';
import type { Producer } from '../../src/client/producer.js';
import type { PushConsumer } from '../../src/client/push-consumer.js';
import { silentLogger } from '../../src/common/logger.js';
import { createRequest } from '../../src/protocol/remoting-command.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { RemotingClient } from '../../src/remoting/remoting-client.js';
import { pollUntil } from '../harness/poll.js';
import {
  type BrokerHandle,
  type ConfValues,
  type NamesrvHandle,
  startBroker,
  startNamesrv,
  uniqueName,
} from '../harness/processes.js';
import { numbered, pushConsumer, startProducer } from '../harness/sdk.js';
import { createTopic } from '../harness/topics.js';

const TOLD = uniqueName('SlaveReadsTold');
const LOST = uniqueName('SlaveReadsLost');
const OTHER = uniqueName('SlaveReadsSend');
const N = 20;
const BLOCK_AT = 'm5';
const DEADLINE_MS = 30_000;
/** Small client intervals so the route loss and the offset commits show up fast. */
const FAST = { pollNameServerInterval: 200, heartbeatBrokerInterval: 300 };

const dirs: string[] = [];
const started: { stop(): Promise<unknown> }[] = [];
let ns: NamesrvHandle;
let brokerB: BrokerHandle;
let admin: AdminClient;
const remoting = new RemotingClient(silentLogger());

const tempDir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};
const track = <T extends { stop(): Promise<unknown> }>(h: T): T => {
  started.push(h);
  return h;
};

interface ReplicaSet {
  master: BrokerHandle;
  slave: BrokerHandle;
}

/** brokerName's master and slave, both holding m0..m<N-1> in one queue of topic. */
async function startReplicaSet(
  topic: string,
  brokerName: string,
  conf: ConfValues = {},
  env: Record<string, string> = {},
): Promise<ReplicaSet> {
  const masterDir = join(tempDir('kitemq-slave-reads-m-'), 'store');
  const a = { brokerName, ...conf };
  const seed = await startBroker({ namesrvAddr: ns.addr, storeDir: masterDir, conf: a });
  await createTopic(seed.addr, ns.addr, topic, 1);
  const p = await startProducer(ns.addr);
  for (const m of numbered(topic, 0, N)) await p.send(m);
  await p.shutdown();
  await seed.stop();
  const slaveDir = join(tempDir('kitemq-slave-reads-s-'), 'store');
  cpSync(masterDir, slaveDir, { recursive: true });
  const at = (storeDir: string, more: ConfValues) =>
    startBroker({ namesrvAddr: ns.addr, storeDir, conf: { ...a, ...more }, env });
  const master = track(await at(masterDir, {}));
  const slave = track(await at(slaveDir, { brokerId: 1, brokerRole: 'SLAVE' }));
  const both = `0=${master.addr},1=${slave.addr}`;
  expect(
    await pollUntil(
      () => routeMembers(topic, brokerName),
      (m) => m === both,
      DEADLINE_MS,
    ),
  ).toBe(both);
  return { master, slave };
}

beforeAll(async () => {
  ns = track(await startNamesrv());
  admin = new AdminClient({ namesrvAddr: ns.addr, logger: silentLogger() });
}, 30_000);

afterAll(async () => {
  admin?.close();
  remoting.close();
  for (const h of started.reverse()) await h.stop().catch(() => {});
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function routeMembers(topic: string, brokerName: string): Promise<string> {
  const route = await admin.getTopicRoute(topic).catch(() => undefined);
  const bd = route?.brokerDatas.find((b) => b.brokerName === brokerName);
  return Object.entries(bd?.brokerAddrs ?? {})
    .sort(([x], [y]) => Number(x) - Number(y))
    .map(([id, addr]) => `${id}=${addr}`)
    .join(',');
}

/** msgGetTotalTodayNow of a broker's runtime info: messages its pulls returned. */
async function messagesServed(b: BrokerHandle): Promise<number> {
  const r = await remoting.invoke(b.addr, createRequest(RequestCode.GET_BROKER_RUNTIME_INFO, 0));
  const table = JSON.parse(r.body?.toString() ?? '{}').table as Record<string, string>;
  return Number(table.msgGetTotalTodayNow);
}

/** A push consumer from the first offset that records the bodies it got. */
function recordingConsumer(
  topic: string,
  group: string,
  seen: string[],
  gate?: Promise<void>,
): PushConsumer {
  const c = pushConsumer(ns.addr, group, {
    ...FAST,
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    persistConsumerOffsetInterval: 200,
    // One message in memory at a time: every later one is pulled on its own.
    pullBatchSize: 1,
    pullThresholdForQueue: 1,
  });
  c.subscribe(topic, '*').registerMessageListener(async (msgs) => {
    for (const m of msgs) {
      const body = m.body.toString();
      seen.push(body);
      if (body === BLOCK_AT && gate) await gate;
    }
    return 'CONSUME_SUCCESS' as const;
  });
  return c;
}

const ALL = numbered('any', 0, N).map((m) => String(m.body));
const allSeen = (seen: string[]) =>
  pollUntil(
    () => new Set(seen),
    (s) => ALL.every((b) => s.has(b)),
    DEADLINE_MS,
  );

describe('a consumer told to read from the slave', () => {
  let consumer: PushConsumer | undefined;
  afterAll(() => consumer?.shutdown());

  it('reads there while the master is up (slaveReadEnable, consuming slowly)', async () => {
    const tiny = { KITEMQ_TEST_TOTAL_MEMORY_BYTES: '2' };
    const set = await startReplicaSet(TOLD, 'broker-r', { slaveReadEnable: true }, tiny);
    const seen: string[] = [];
    consumer = recordingConsumer(TOLD, uniqueName('SlaveReadsTold'), seen);
    await consumer.start();
    const got = await allSeen(seen);
    expect([...got].sort()).toEqual([...ALL].sort());
    expect(await messagesServed(set.slave)).toBeGreaterThan(0);
    await consumer.shutdown();
    consumer = undefined;
    for (const b of [set.master, set.slave]) await b.stop();
  }, 60_000);
});

describe('a consumer and a producer losing a master', () => {
  let master: BrokerHandle;
  let slave: BrokerHandle;
  let consumer: PushConsumer | undefined;
  let producer: Producer | undefined;
  afterAll(async () => {
    await consumer?.shutdown();
    await producer?.shutdown();
  });

  it('reads the rest from the slave, commits there, and sends go to the other master', async () => {
    ({ master, slave } = await startReplicaSet(LOST, 'broker-a'));
    brokerB = track(await startBroker({ namesrvAddr: ns.addr, conf: { brokerName: 'broker-b' } }));
    await createTopic(master.addr, ns.addr, OTHER, 2);
    await createTopic(brokerB.addr, ns.addr, OTHER, 2);
    const seen: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const group = uniqueName('SlaveReadsLost');
    consumer = recordingConsumer(LOST, group, seen, gate);
    await consumer.start();
    producer = await startProducer(ns.addr, FAST);
    await pollUntil(
      () => seen.includes(BLOCK_AT),
      (v) => v,
      DEADLINE_MS,
    );
    await master.kill();
    const left = await pollUntil(
      () => routeMembers(LOST, 'broker-a'),
      (m) => m === `1=${slave.addr}`,
      DEADLINE_MS,
    );
    expect(left).toBe(`1=${slave.addr}`);
    release();
    const got = await allSeen(seen);
    expect([...got].sort()).toEqual([...ALL].sort());
    // The offsets stayed where they were: nothing before the switch came again.
    expect(seen.filter((b) => b === 'm0')).toHaveLength(1);
    const committed = await pollUntil(
      () => admin.queryConsumerOffset(slave.addr, group, LOST, 0).catch(() => -2),
      (o) => o === N,
      DEADLINE_MS,
    );
    expect(committed).toBe(N);
    const sentTo = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const r = await producer.send({ topic: OTHER, body: `after-${i}` });
      expect(r.sendStatus).toBe('SEND_OK');
      sentTo.add(r.messageQueue.brokerName);
    }
    expect([...sentTo]).toEqual(['broker-b']);
  }, 90_000);
});
