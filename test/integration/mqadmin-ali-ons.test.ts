// mqadmin's connection, progress, status, route and message queries with live ali-ons clients
// (a producer and a push consumer) and one of our SDK's push consumers connected to a real name
// server and broker: the rows name the ali-ons clients (language JAVA, as ali-ons says), the
// offsets are theirs, and the messages queried are the ones ali-ons sent. ali-ons answers no
// broker-to-client request (GET_CONSUMER_RUNNING_INFO, CONSUME_MESSAGE_DIRECTLY), so where a
// command asks a client, the ali-ons rows say N/A and our SDK's rows carry the answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushConsumer } from '../../src/client/push-consumer.js';
import {
  type AliConsumer,
  type AliProducer,
  type AliSendResult,
  aliConsumer,
  aliOns,
  aliProducer,
} from '../harness/ali-ons.js';
import { useCluster } from '../harness/cluster.js';
import { pollUntil } from '../harness/poll.js';
import { uniqueName } from '../harness/processes.js';
import { runBin } from '../harness/run-bin.js';
import { pushConsumer } from '../harness/sdk.js';

const topic = uniqueName('AliAdmin');
const aliGroup = uniqueName('AliAdminCG');
const aliPG = uniqueName('AliAdminPG');
const sdkGroup = uniqueName('SdkAdminCG');
const cluster = useCluster({ topics: [{ name: topic, queues: 2 }] });
const SENT = 4;

let producer: AliProducer;
let ali: AliConsumer;
let sdk: PushConsumer;
const sent: (AliSendResult & { queueOffset: number; key: string })[] = [];
let aliSeen = 0;
let sdkSeen = 0;

const mqadmin = (...args: string[]) =>
  runBin('mqadmin', [args[0]!, '-n', cluster.namesrvAddr, ...args.slice(1)]);
async function json<T>(...args: string[]): Promise<T> {
  const r = await mqadmin(...args, '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}
const cells = (line: string) => line.trim().split(/\s{2,}/);
type Progress = {
  queues: { queueId: number; brokerOffset: number; consumerOffset: number; clientIp?: string }[];
  diffTotal: number;
};

beforeAll(async () => {
  // ali-ons heartbeats every 30 s by default, and only to brokers it has a route to: a short
  // interval lets the broker learn of the producer group soon after the first send.
  ali = aliConsumer(cluster.namesrvAddr, { consumerGroup: aliGroup, heartbeatBrokerInterval: 500 });
  ali.subscribe(topic, '*', async () => {
    aliSeen++;
  });
  await ali.ready();
  sdk = pushConsumer(cluster.namesrvAddr, sdkGroup, {
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    persistConsumerOffsetInterval: 200,
  });
  sdk.subscribe(topic, '*').registerMessageListener((msgs) => {
    sdkSeen += msgs.length;
    return 'CONSUME_SUCCESS';
  });
  await sdk.start();
  // ali-ons starts from the last offset: its rebalance must hold the queues before the sends.
  await pollUntil(
    () => ali.processQueueTable.size,
    (n) => n === 2,
    30_000,
    100,
  );
  producer = await aliProducer(cluster.namesrvAddr, {
    producerGroup: aliPG,
    heartbeatBrokerInterval: 500,
  });
  for (let i = 0; i < SENT; i++) {
    const msg = new (aliOns().Message)(topic, 'TagAli', `ali body ${i}`);
    msg.keys = [`aliKey${i}`];
    const r = (await producer.send(msg)) as AliSendResult & { queueOffset: number };
    expect(r.sendStatus).toBe('SEND_OK');
    sent.push({ ...r, key: `aliKey${i}` });
  }
  for (const g of [aliGroup, sdkGroup]) {
    const p = await pollUntil(
      () => json<Progress>('consumerProgress', '-g', g, '-t', topic),
      (v) => v.diffTotal === 0 && v.queues.reduce((n, q) => n + q.brokerOffset, 0) === SENT,
      30_000,
      300,
    );
    expect(p.diffTotal).toBe(0);
  }
  expect(aliSeen).toBeGreaterThanOrEqual(SENT);
  expect(sdkSeen).toBeGreaterThanOrEqual(SENT);
}, 90_000);

afterAll(async () => {
  await producer?.close();
  await ali?.close();
  await sdk?.shutdown();
});

describe('mqadmin with ali-ons clients connected', () => {
  it('producerConnection and consumerConnection list the ali-ons clients', async () => {
    const pc = await pollUntil(
      () => mqadmin('producerConnection', '-g', aliPG, '-t', topic),
      (r) => r.code === 0,
      20_000,
      300,
    );
    expect(pc.code, pc.stderr).toBe(0);
    const [header, row, ...rest] = pc.stdout.trim().split('\n');
    expect(header).toMatch(/^#\s+#ClientId\s+#ClientAddr\s+#Language\s+#Version$/);
    expect(rest).toEqual([]);
    expect(cells(row!)).toEqual([
      '0001',
      expect.stringMatching(/@/),
      expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      'JAVA',
      expect.stringMatching(/^V\d_\d_\d/),
    ]);

    const cc = await mqadmin('consumerConnection', '-g', aliGroup);
    expect(cc.code, cc.stderr).toBe(0);
    const lines = cc.stdout.split('\n');
    expect(lines[0]).toMatch(/^#ClientId\s+#ClientAddr\s+#Language\s+#Version$/);
    expect(cells(lines[1]!).slice(1, 3)).toEqual([expect.stringMatching(/^127\.0\.0\.1:/), 'JAVA']);
    expect(cc.stdout).toMatch(new RegExp(`^${topic}\\s+\\*$`, 'm'));
    expect(cc.stdout).toContain('ConsumeType: CONSUME_PASSIVELY');
    expect(cc.stdout).toContain('MessageModel: CLUSTERING');
    // -b asks one broker: the same connection as that broker sees it.
    const onBroker = await json<{ connectionSet: { clientId: string; language: string }[] }>(
      'consumerConnection',
      '-g',
      aliGroup,
      '-b',
      cluster.brokerAddr,
    );
    expect(onBroker.connectionSet).toEqual([
      expect.objectContaining({ clientId: cells(lines[1]!)[0], language: 'JAVA' }),
    ]);
  });

  it('consumerProgress shows the ali-ons offsets, and with -s true who holds each queue', async () => {
    const plain = await mqadmin('consumerProgress', '-g', aliGroup, '-t', topic);
    expect(plain.code, plain.stderr).toBe(0);
    const lines = plain.stdout.split('\n');
    expect(lines[0]).toMatch(
      /^#Topic\s+#Broker Name\s+#QID\s+#Broker Offset\s+#Consumer Offset\s+#Diff\s+#Inflight\s+#LastTime$/,
    );
    const rows = lines.filter((l) => l.startsWith(`${topic} `)).map((l) => l.split(/\s+/));
    expect(rows.map((r) => r.slice(1, 3))).toEqual([
      ['broker-a', '0'],
      ['broker-a', '1'],
    ]);
    for (const r of rows) expect([r[4], r[5]]).toEqual([r[3], '0']);
    expect(rows.reduce((n, r) => n + Number(r[3]), 0)).toBe(SENT);
    expect(plain.stdout).toContain('Consume Diff Total: 0');
    const inCluster = await json<Progress>(
      'consumerProgress',
      '-g',
      aliGroup,
      '-c',
      'DefaultCluster',
    );
    expect(inCluster.queues.filter((q) => q.brokerOffset > 0)).toHaveLength(2);
    const noCluster = await mqadmin('consumerProgress', '-g', aliGroup, '-c', 'NoSuchCluster');
    expect(noCluster.code).toBe(1);
    expect(noCluster.stderr.trim()).toBe(
      'mqadmin: cluster NoSuchCluster does not exist; clusterList shows them',
    );

    // Our SDK answers GET_CONSUMER_RUNNING_INFO: its IP (the clientId before '@') per queue.
    const conn = await json<{ connectionSet: { clientId: string }[] }>(
      'consumerConnection',
      '-g',
      sdkGroup,
    );
    const ip = conn.connectionSet[0]!.clientId.split('@')[0]!;
    const held = await mqadmin('consumerProgress', '-g', sdkGroup, '-t', topic, '-s', 'true');
    expect(held.code, held.stderr).toBe(0);
    const heldLines = held.stdout.split('\n');
    expect(heldLines[0]).toMatch(
      /^#Topic\s+#Broker Name\s+#QID\s+#Broker Offset\s+#Consumer Offset\s+#Client IP\s+#Diff\s+#Inflight\s+#LastTime$/,
    );
    const heldRows = heldLines.filter((l) => l.startsWith(`${topic} `)).map((l) => l.split(/\s+/));
    expect(heldRows.map((r) => r[5])).toEqual([ip, ip]);
    const heldJson = await json<Progress>(
      'consumerProgress',
      '-g',
      sdkGroup,
      '-t',
      topic,
      '-s',
      'true',
    );
    expect(heldJson.queues.map((q) => q.clientIp)).toEqual([ip, ip]);

    // ali-ons does not answer, so its queues have no holder to show (the Java tool prints N/A).
    const aliHeld = await mqadmin('consumerProgress', '-g', aliGroup, '-t', topic, '-s', 'true');
    expect(aliHeld.code, aliHeld.stderr).toBe(0);
    const aliRows = aliHeld.stdout
      .split('\n')
      .filter((l) => l.startsWith(`${topic} `))
      .map((l) => l.split(/\s+/));
    expect(aliRows.map((r) => r[5])).toEqual(['N/A', 'N/A']);
  }, 60_000);

  it('consumerStatus reports the ali-ons client that does not answer and goes on', async () => {
    const r = await mqadmin('consumerStatus', '-g', aliGroup);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^#Index\s+#ClientId\s+#Version\s+#Queues\s+#Cached Msgs$/);
    expect(cells(lines[1]!)).toEqual(['1', expect.stringMatching(/@/), 'N/A', 'N/A', 'N/A']);
    expect(r.stdout).toContain('No client of the group answered');
    expect(r.stderr).toMatch(/did not answer/);
    const status = await json<{ clients: { clientId: string; error?: string }[] }>(
      'consumerStatus',
      '-g',
      sdkGroup,
    );
    expect(status.clients).toHaveLength(1);
    expect(status.clients[0]!.error).toBeUndefined();
  }, 60_000);

  it('topicRoute and topicStatus show the topic ali-ons writes to', async () => {
    const route = await json<{ brokerDatas: { brokerAddrs: Record<string, string> }[] }>(
      'topicRoute',
      '-t',
      topic,
    );
    expect(route.brokerDatas.map((b) => b.brokerAddrs['0'])).toEqual([cluster.brokerAddr]);
    const list = await mqadmin('topicRoute', '-t', topic, '-l');
    expect(list.code, list.stderr).toBe(0);
    const lines = list.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^#ClusterName\s+#BrokerName\s+#BrokerAddrs\s+#ReadQueue\s+#WriteQueue\s+#Perm$/,
    );
    expect(cells(lines[1]!)).toEqual([
      'DefaultCluster',
      'broker-a',
      `{0=${cluster.brokerAddr}}`,
      '2',
      '2',
      '6',
    ]);
    expect(cells(lines[2]!)).toEqual(['Total:', '1', '2', '2']);

    expect(await json<unknown[]>('topicStatus', '-t', topic, '-c', 'NoSuchCluster')).toEqual([]);
    const clusters = await json<{ cluster: string }[]>('clusterList', '-c', 'DefaultCluster');
    expect(clusters.map((c) => c.cluster)).toEqual(['DefaultCluster']);
    expect(await json<unknown[]>('clusterList', '-c', 'NoSuchCluster')).toEqual([]);
    const status = await mqadmin('topicStatus', '-t', topic);
    expect(status.code, status.stderr).toBe(0);
    const rows = status.stdout.trim().split('\n').slice(1).map(cells);
    expect(rows.reduce((n, r) => n + Number(r[3]), 0)).toBe(SENT);
    for (const r of rows.filter((x) => Number(x[3]) > 0)) {
      expect(r[4]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}$/);
    }
  });

  it('queryMsgByKey, queryMsgById and queryMsgByOffset find what ali-ons sent', async () => {
    const m = sent[1]!;
    const byKey = await pollUntil(
      () => mqadmin('queryMsgByKey', '-t', topic, '-k', m.key),
      (r) => r.code === 0 && r.stdout.trim().split('\n').length > 1,
      20_000,
      300,
    );
    expect(byKey.code, byKey.stderr).toBe(0);
    const [header, row] = byKey.stdout.trim().split('\n');
    expect(header).toMatch(/^#Message ID\s+#QID\s+#Offset$/);
    expect(cells(row!)).toEqual([m.msgId, String(m.messageQueue.queueId), String(m.queueOffset)]);

    // -e bounds the store time: nothing was stored by the epoch.
    const none = await mqadmin('queryMsgByKey', '-t', topic, '-k', m.key, '-e', '0');
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^#Message ID/)]);
    const all = await json<unknown[]>('consumeMessage', '-t', topic, '-s', '0');
    expect(all).toHaveLength(SENT);
    const future = String(Date.now() + 3_600_000);
    expect(await json<unknown[]>('consumeMessage', '-t', topic, '-s', future)).toEqual([]);

    const byId = await mqadmin('queryMsgById', '-i', m.msgId);
    expect(byId.code, byId.stderr).toBe(0);
    expect(byId.stdout).toMatch(new RegExp(`^Keys:\\s+${m.key}$`, 'm'));
    expect(byId.stdout).toMatch(/^Tags:\s+TagAli$/m);
    expect(byId.stdout).toMatch(/^Message Body:\s+ali body 1$/m);

    const byOffset = await mqadmin(
      'queryMsgByOffset',
      '-t',
      topic,
      '-b',
      'broker-a',
      '-i',
      String(m.messageQueue.queueId),
      '-o',
      String(m.queueOffset),
      '--json',
    );
    expect(byOffset.code, byOffset.stderr).toBe(0);
    expect(JSON.parse(byOffset.stdout)).toMatchObject({ offsetMsgId: m.msgId, body: 'ali body 1' });

    // Our SDK's consumer takes the ali-ons message directly (CONSUME_MESSAGE_DIRECTLY).
    const conn = await json<{ connectionSet: { clientId: string }[] }>(
      'consumerConnection',
      '-g',
      sdkGroup,
    );
    const clientId = conn.connectionSet[0]!.clientId;
    const direct = await mqadmin('queryMsgById', '-i', m.msgId, '-g', sdkGroup, '-d', clientId);
    expect(direct.code, direct.stderr).toBe(0);
    expect(direct.stdout).toMatch(/^Consume Result:\s+CR_SUCCESS$/m);
  });
});
