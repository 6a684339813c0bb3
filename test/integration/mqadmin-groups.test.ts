// mqadmin's group and offset subcommands against a real name server and broker, with our SDK's
// producer, a push consumer and an ali-ons consumer connected: updateSubGroup / deleteSubGroup reach
// subscriptionGroup.json, consumerProgress (every group, and one group per queue),
// consumerConnection and producerConnection list the live clients, cloneGroupOffset copies
// offsets, skipAccumulatedMessage moves them to the end; tables and --json both checked.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Producer } from '../../src/client/producer.js';
import type { PushConsumer } from '../../src/client/push-consumer.js';
import { type AliConsumer, aliConsumer } from '../harness/ali-ons.js';
import { useCluster } from '../harness/cluster.js';
import { pollUntil } from '../harness/poll.js';
import { uniqueName } from '../harness/processes.js';
import { runBin } from '../harness/run-bin.js';
import { pushConsumer, startProducer } from '../harness/sdk.js';

const topic = uniqueName('GroupsTopic');
const group = uniqueName('GroupsCG');
const producerGroup = uniqueName('GroupsPG');
const aliGroup = uniqueName('GroupsAli');
const cluster = useCluster({ topics: [{ name: topic, queues: 2 }] });

let producer: Producer;
let consumer: PushConsumer;
let ali: AliConsumer;
let consumed = 0;

const mqadmin = (...args: string[]) =>
  runBin('mqadmin', [args[0]!, '-n', cluster.namesrvAddr, ...args.slice(1)]);
const json = async (...args: string[]) => {
  const r = await mqadmin(...args, '--json');
  expect(r.stderr.includes('mqadmin:'), r.stderr).toBe(false);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};
const groupsFile = () =>
  JSON.parse(readFileSync(join(cluster.storeDir, 'config', 'subscriptionGroup.json'), 'utf8'))
    .subscriptionGroupTable as Record<string, Record<string, unknown>>;
type Progress = { queues: { queueId: number; consumerOffset: number }[]; diffTotal: number };

beforeAll(async () => {
  producer = await startProducer(cluster.namesrvAddr, {
    producerGroup,
    heartbeatBrokerInterval: 300,
  });
  for (let i = 0; i < 10; i++) await producer.send({ topic, body: `m${i}` });
  consumer = pushConsumer(cluster.namesrvAddr, group, {
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    persistConsumerOffsetInterval: 200,
  });
  consumer.subscribe(topic, '*').registerMessageListener((msgs) => {
    consumed += msgs.length;
    return 'CONSUME_SUCCESS';
  });
  await consumer.start();
  ali = aliConsumer(cluster.namesrvAddr, { consumerGroup: aliGroup });
  ali.subscribe(topic, '*', async () => {});
  await ali.ready();
  const p = await pollUntil(
    () => json('consumerProgress', '-g', group, '-t', topic) as Promise<Progress>,
    (v) => consumed >= 10 && v.diffTotal === 0,
    30_000,
    250,
  );
  expect(p.diffTotal).toBe(0);
}, 60_000);

afterAll(async () => {
  await ali?.close();
  await consumer?.shutdown();
  await producer?.shutdown();
});

describe('mqadmin group subcommands', () => {
  it('updateSubGroup writes every flag given and deleteSubGroup removes the group', async () => {
    const g = uniqueName('AdminGroup');
    const r = await mqadmin(
      'updateSubGroup',
      '-b',
      cluster.brokerAddr,
      '-g',
      g,
      '-s',
      'false',
      '-m',
      'false',
      '-d',
      'false',
      '-o',
      'true',
      '-q',
      '2',
      '-r',
      '5',
      '-i',
      '1',
      '-w',
      '0',
      '-a',
      'false',
      '--groupSysFlag',
      '3',
      '--consumeTimeoutMinute',
      '20',
      '--attributes',
      '+owner=billing',
      '-p',
      '{"type":"EXPONENTIAL","exponentialRetryPolicy":{"initial":1000,"max":60000,"multiplier":2}}',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`create subscription group to ${cluster.brokerAddr} success.`);
    const want = {
      consumeEnable: false,
      consumeFromMinEnable: false,
      consumeBroadcastEnable: false,
      consumeMessageOrderly: true,
      retryQueueNums: 2,
      retryMaxTimes: 5,
      brokerId: 1,
      whichBrokerWhenConsumeSlowly: 0,
      notifyConsumerIdsChangedEnable: false,
      groupSysFlag: 3,
      consumeTimeoutMinute: 20,
      attributes: { owner: 'billing' },
      groupRetryPolicy: { type: 'EXPONENTIAL', exponentialRetryPolicy: { initial: 1000 } },
    };
    expect(groupsFile()[g]).toMatchObject(want);
    const again = await json('updateSubGroup', '-c', 'DefaultCluster', '-g', g, '-r', '7');
    expect(again).toMatchObject({ brokers: [cluster.brokerAddr], config: { retryMaxTimes: 7 } });
    const del = await mqadmin('deleteSubGroup', '-c', 'DefaultCluster', '-g', g, '-r', 'true');
    expect(del.stdout.trim()).toBe(
      `delete subscription group [${g}] from broker [${cluster.brokerAddr}] success.`,
    );
    expect(Object.keys(groupsFile())).not.toContain(g);
    const bad = await mqadmin('updateSubGroup', '-g', g);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.trim()).toBe(
      'mqadmin: updateSubGroup needs -b <brokerAddr> or -c <clusterName>',
    );
  });

  it('consumerProgress lists every group, and one group per queue with totals', async () => {
    const all = await mqadmin('consumerProgress');
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout.split('\n')[0]).toMatch(
      /^#Group\s+#Count\s+#Version\s+#Type\s+#Model\s+#TPS\s+#Diff Total$/,
    );
    const row = all.stdout.split('\n').find((l) => l.startsWith(`${group} `));
    expect(row?.split(/\s+/)).toEqual([
      group,
      '1',
      expect.stringMatching(/^V\d_/),
      'PUSH',
      'CLUSTERING',
      expect.stringMatching(/^\d+$/), // the last minute's pulls, whole messages per second
      '0',
    ]);
    const allJson = (await json('consumerProgress')) as { group: string; count: number }[];
    expect(allJson.find((g) => g.group === group)).toMatchObject({
      count: 1,
      diffTotal: 0,
      type: 'PUSH',
    });

    const one = await mqadmin('consumerProgress', '-g', group);
    expect(one.code, one.stderr).toBe(0);
    const lines = one.stdout.split('\n');
    expect(lines[0]).toMatch(
      /^#Topic\s+#Broker Name\s+#QID\s+#Broker Offset\s+#Consumer Offset\s+#Diff\s+#Inflight\s+#LastTime$/,
    );
    const queueRows = lines.filter((l) => l.startsWith(`${topic} `)).map((l) => l.split(/\s+/));
    expect(queueRows.map((r) => r[2])).toEqual(['0', '1']);
    for (const r of queueRows) expect(r[3]).toBe(r[4]);
    expect(queueRows.reduce((n, r) => n + Number(r[3]), 0)).toBe(10);
    expect(one.stdout).toContain('Consume Diff Total: 0');
    expect(one.stdout).toMatch(/Consume TPS: \d+\.\d\d/);
  });

  it('consumerConnection and producerConnection list the connected clients', async () => {
    const cc = await mqadmin('consumerConnection', '-g', group);
    expect(cc.code, cc.stderr).toBe(0);
    expect(cc.stdout).toMatch(/#ClientId\s+#ClientAddr\s+#Language\s+#Version/);
    expect(cc.stdout).toMatch(new RegExp(`\\n${topic}\\s+\\*`));
    expect(cc.stdout).toContain('MessageModel: CLUSTERING');
    const ccJson = await json('consumerConnection', '-g', group);
    expect(ccJson.connectionSet).toHaveLength(1);
    expect(ccJson.connectionSet[0].clientAddr).toMatch(/^127\.0\.0\.1:\d+$/);

    const aliConn = await pollUntil(
      () => mqadmin('consumerConnection', '-g', aliGroup, '--json'),
      (r) => r.code === 0,
      20_000,
      300,
    );
    expect(aliConn.code, aliConn.stderr).toBe(0);
    expect(JSON.parse(aliConn.stdout)).toMatchObject({
      connectionSet: [{ clientAddr: expect.stringMatching(/^127\.0\.0\.1:/) }],
      subscriptionTable: { [topic]: { subString: '*' } },
    });
    const all = (await json('consumerProgress')) as { group: string }[];
    expect(all.find((g) => g.group === aliGroup)).toMatchObject({ count: 1, type: 'PUSH' });

    const pg = producerGroup;
    // The producer is known to the broker from its first heartbeat after the route was found.
    const pc = await pollUntil(
      () => mqadmin('producerConnection', '-g', pg, '-t', topic),
      (r) => r.code === 0,
      20_000,
      300,
    );
    expect(pc.code, pc.stderr).toBe(0);
    expect(pc.stdout.split('\n')[1]).toMatch(/^0001\s+\S+@\S+\s+127\.0\.0\.1:\d+\s+\S+\s+V\d_/);
    expect(await json('producerConnection', '-g', pg, '-t', topic)).toHaveLength(1);
    const none = await mqadmin('producerConnection', '-g', 'NoSuchProducers', '-t', topic);
    expect(none.code).not.toBe(0);
    expect(none.stderr.trim().split('\n')).toHaveLength(1);
    expect(none.stderr).toContain('the producer group[NoSuchProducers] not exist');
  });

  it('cloneGroupOffset copies offsets; skipAccumulatedMessage moves them to the end', async () => {
    const dest = uniqueName('CloneCG');
    const clone = await mqadmin(
      'cloneGroupOffset',
      '-s',
      group,
      '-d',
      dest,
      '-t',
      topic,
      '-o',
      'true',
    );
    expect(clone.code, clone.stderr).toBe(0);
    expect(clone.stdout).toContain(`clone group offset success. srcGroup[${group}]`);
    const copied = (await json('consumerProgress', '-g', dest, '-t', topic)) as Progress;
    expect(copied.queues.reduce((n, q) => n + q.consumerOffset, 0)).toBe(10);

    for (let i = 10; i < 14; i++) await producer.send({ topic, body: `m${i}` });
    const behind = (await json('consumerProgress', '-g', dest, '-t', topic)) as Progress;
    expect(behind.diffTotal).toBe(4);
    const skip = await mqadmin('skipAccumulatedMessage', '-g', dest, '-t', topic);
    expect(skip.code, skip.stderr).toBe(0);
    expect(skip.stderr).toContain(`reset 2 queue(s) of ${topic} on ${cluster.brokerAddr}`);
    expect(skip.stdout.split('\n')[0]).toMatch(/^#brokerName\s+#queueId\s+#offset$/);
    const after = (await json('consumerProgress', '-g', dest, '-t', topic)) as Progress;
    expect(after.diffTotal).toBe(0);
  });
});
