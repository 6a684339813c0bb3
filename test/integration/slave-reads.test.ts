// A replica set losing its master: broker-a (master, id 0) and its slave (id 1, brokerRole=SLAVE)
// hold the same records, seeded by copying the master's cleanly stopped store into the slave's
// dir (replication is not needed for this). A push consumer in the middle of the topic has
// broker-a's master killed under it (kill -9); once the name server drops the master from the
// route, the consumer goes on from the slave at the offset it had (no reset, nothing replayed),
// commits its offsets to the slave, and a producer's sends go to broker-b's master.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../../src/client/admin.js';
import type { Producer } from '../../src/client/producer.js';
import type { PushConsumer } from '../../src/client/push-consumer.js';
import { silentLogger } from '../../src/common/logger.js';
import { pollUntil } from '../harness/poll.js';
import {
  type BrokerHandle,
  type NamesrvHandle,
  startBroker,
  startNamesrv,
  uniqueName,
} from '../harness/processes.js';
import { numbered, pushConsumer, startProducer } from '../harness/sdk.js';
import { createTopic } from '../harness/topics.js';

const TOPIC = uniqueName('SlaveReads');
const OTHER = uniqueName('SlaveReadsSend');
const GROUP = uniqueName('SlaveReadsGroup');
const N = 20;
const BLOCK_AT = 'm5';
const DEADLINE_MS = 30_000;
/** Small client intervals so the route loss and the offset commits show up fast. */
const FAST = { pollNameServerInterval: 200, heartbeatBrokerInterval: 300 };

const dirs: string[] = [];
const started: { stop(): Promise<unknown> }[] = [];
let ns: NamesrvHandle;
let master: BrokerHandle;
let slave: BrokerHandle;
let admin: AdminClient;

const tempDir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};
const track = <T extends { stop(): Promise<unknown> }>(h: T): T => {
  started.push(h);
  return h;
};

beforeAll(async () => {
  ns = track(await startNamesrv());
  track(await startBroker({ namesrvAddr: ns.addr, conf: { brokerName: 'broker-b' } }));
  const masterDir = join(tempDir('kitemq-slave-reads-a-'), 'store');
  const a = { brokerName: 'broker-a' };
  const seed = await startBroker({ namesrvAddr: ns.addr, storeDir: masterDir, conf: a });
  await createTopic(seed.addr, ns.addr, TOPIC, 1);
  const p = await startProducer(ns.addr);
  for (const m of numbered(TOPIC, 0, N)) await p.send(m);
  await p.shutdown();
  await seed.stop();
  const slaveDir = join(tempDir('kitemq-slave-reads-s-'), 'store');
  cpSync(masterDir, slaveDir, { recursive: true });
  master = track(await startBroker({ namesrvAddr: ns.addr, storeDir: masterDir, conf: a }));
  const slaveConf = { ...a, brokerId: 1, brokerRole: 'SLAVE' };
  slave = track(await startBroker({ namesrvAddr: ns.addr, storeDir: slaveDir, conf: slaveConf }));
  await createTopic(master.addr, ns.addr, OTHER, 2);
  const brokerB = started[1] as BrokerHandle;
  await createTopic(brokerB.addr, ns.addr, OTHER, 2);
  admin = new AdminClient({ namesrvAddr: ns.addr, logger: silentLogger() });
  const members = await pollUntil(
    () => routeMembers(TOPIC),
    (m) => m === `0=${master.addr},1=${slave.addr}`,
    DEADLINE_MS,
  );
  expect(members).toBe(`0=${master.addr},1=${slave.addr}`);
}, 90_000);

afterAll(async () => {
  admin?.close();
  for (const h of started.reverse()) await h.stop().catch(() => {});
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function routeMembers(topic: string): Promise<string> {
  const route = await admin.getTopicRoute(topic).catch(() => undefined);
  const bd = route?.brokerDatas.find((b) => b.brokerName === 'broker-a');
  return Object.entries(bd?.brokerAddrs ?? {})
    .sort(([x], [y]) => Number(x) - Number(y))
    .map(([id, addr]) => `${id}=${addr}`)
    .join(',');
}

describe('a consumer and a producer losing a master', () => {
  let consumer: PushConsumer | undefined;
  let producer: Producer | undefined;
  afterAll(async () => {
    await consumer?.shutdown();
    await producer?.shutdown();
  });

  it('reads the rest from the slave, commits there, and sends go to the other master', async () => {
    const seen: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    consumer = pushConsumer(ns.addr, GROUP, {
      ...FAST,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      persistConsumerOffsetInterval: 200,
      // One message in memory at a time: what follows the blocked one must be pulled later.
      pullBatchSize: 1,
      pullThresholdForQueue: 1,
    });
    consumer.subscribe(TOPIC, '*').registerMessageListener(async (msgs) => {
      for (const m of msgs) {
        const body = m.body.toString();
        seen.push(body);
        if (body === BLOCK_AT) await gate;
      }
      return 'CONSUME_SUCCESS' as const;
    });
    await consumer.start();
    producer = await startProducer(ns.addr, FAST);
    await pollUntil(
      () => seen.includes(BLOCK_AT),
      (v) => v,
      DEADLINE_MS,
    );
    await master.kill();
    const left = await pollUntil(
      () => routeMembers(TOPIC),
      (m) => m === `1=${slave.addr}`,
      DEADLINE_MS,
    );
    expect(left).toBe(`1=${slave.addr}`);
    release();
    const all = numbered(TOPIC, 0, N).map((m) => String(m.body));
    const got = await pollUntil(
      () => new Set(seen),
      (s) => all.every((b) => s.has(b)),
      DEADLINE_MS,
    );
    expect([...got].sort()).toEqual([...all].sort());
    // The offsets stayed where they were: nothing before the switch came again.
    expect(seen.filter((b) => b === 'm0')).toHaveLength(1);
    const committed = await pollUntil(
      () => admin.queryConsumerOffset(slave.addr, GROUP, TOPIC, 0).catch(() => -2),
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
