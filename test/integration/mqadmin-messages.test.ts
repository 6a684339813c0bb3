// mqadmin's consumer-status and message subcommands against a real name server and broker, with
// our SDK's push consumer connected: the broker forwards 307/309 to it and relays its answers.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushConsumer } from '../../src/client/push-consumer.js';
import { useCluster } from '../harness/cluster.js';
import { pollUntil } from '../harness/poll.js';
import { uniqueName } from '../harness/processes.js';
import { runBin } from '../harness/run-bin.js';
import { numbered, pushConsumer, sendMessages } from '../harness/sdk.js';

const topic = uniqueName('AdminMsgs');
const group = uniqueName('AdminMsgsGroup');
const cluster = useCluster({ topics: [{ name: topic, queues: 2 }] });
const seen: string[] = [];
let consumer: PushConsumer;

beforeAll(async () => {
  consumer = pushConsumer(cluster.namesrvAddr, group)
    .subscribe(topic, '*')
    .registerMessageListener((msgs) => {
      for (const m of msgs) seen.push(m.body.toString());
      return 'CONSUME_SUCCESS';
    });
  await consumer.start();
  await pollUntil(
    () => consumer.assignedQueues.length,
    (n) => n === 2,
    30_000,
  );
});

afterAll(async () => {
  await consumer?.shutdown();
});

const mqadmin = (...args: string[]) =>
  runBin('mqadmin', [args[0]!, '-n', cluster.namesrvAddr, ...args.slice(1)]);

function json<T>(r: { code: number | null; stdout: string; stderr: string }): T {
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}

describe('mqadmin consumers and messages', () => {
  it('sendMessage sends (table and --json), queryMsgByOffset and queryMsgByUniqueKey find it', async () => {
    const table = await mqadmin(
      'sendMessage',
      '-t',
      topic,
      '-p',
      'hello',
      '-k',
      'k1',
      '-c',
      'TagA',
    );
    expect(table.code).toBe(0);
    expect(table.stdout.trim()).toMatch(
      /^#Broker Name\s+#QID\s+#Send Result\s+#MsgId\n\S+\s+\d\s+SEND_OK\s+\w+$/,
    );
    const sent = json<{
      msgId: string;
      queueOffset: number;
      messageQueue: { brokerName: string; queueId: number };
    }>(
      await mqadmin(
        'sendMessage',
        '-t',
        topic,
        '-p',
        'pinned',
        '-b',
        'broker-a',
        '-i',
        '1',
        '--json',
      ),
    );
    expect(sent.messageQueue).toEqual({ topic, brokerName: 'broker-a', queueId: 1 });

    const byOffset = await pollUntil(
      () =>
        mqadmin(
          'queryMsgByOffset',
          '-t',
          topic,
          '-b',
          'broker-a',
          '-i',
          '1',
          '-o',
          String(sent.queueOffset),
        ),
      (r) => r.code === 0,
      20_000,
    );
    expect(byOffset.code).toBe(0);
    expect(byOffset.stdout).toMatch(/Message Body:\s+pinned/);

    const byKey = await pollUntil(
      () => mqadmin('queryMsgByUniqueKey', '-i', sent.msgId, '-t', topic, '--json'),
      (r) => r.code === 0,
      20_000,
    );
    expect(json<{ body: string; queueId: number }>(byKey)).toMatchObject({
      body: 'pinned',
      queueId: 1,
    });

    const { offsetMsgId } = json<{ offsetMsgId: string }>(byKey);
    const byId = await mqadmin('queryMsgById', '-i', offsetMsgId);
    expect(byId.code, byId.stderr).toBe(0);
    expect(byId.stdout).toMatch(new RegExp(`OffsetID:\\s+${offsetMsgId}\n`));
    expect(byId.stdout).toMatch(/Message Body:\s+pinned/);
    expect(byId.stdout).toMatch(/System Flag:\s+\d+/);
    expect(
      json<{ topic: string }>(await mqadmin('queryMsgById', '-i', offsetMsgId, '--json')).topic,
    ).toBe(topic);
  });

  it('topicRoute, topicStatus and queryMsgByKey show the topic and its messages', async () => {
    const route = json<{ brokerDatas: { brokerName: string }[]; queueDatas: unknown[] }>(
      await mqadmin('topicRoute', '-t', topic),
    );
    expect(route.brokerDatas.map((b) => b.brokerName)).toEqual(['broker-a']);
    const status = await mqadmin('topicStatus', '-t', topic);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(
      /^#Broker Name\s+#QID\s+#Min Offset\s+#Max Offset\s+#Last Updated\n/,
    );
    const queues = json<{ qid: number; maxOffset: number }[]>(
      await mqadmin('topicStatus', '-t', topic, '--json'),
    );
    expect(queues.map((q) => q.qid)).toEqual([0, 1]);
    expect(queues.reduce((n, q) => n + q.maxOffset, 0)).toBeGreaterThanOrEqual(2);
    const byKey = await pollUntil(
      () => mqadmin('queryMsgByKey', '-t', topic, '-k', 'k1', '--json'),
      (r) => r.code === 0 && (JSON.parse(r.stdout) as unknown[]).length > 0,
      20_000,
    );
    expect(json<{ messageId: string }[]>(byKey)[0]!.messageId).toMatch(/^[0-9A-F]{32}$/);
  });

  it('consumerStatus lists the client, shows it in full with -i, and consumes a message directly', async () => {
    const status = json<{
      sameSubscription: boolean;
      clients: { clientId: string; mqTable: unknown[]; properties: Record<string, string> }[];
    }>(await mqadmin('consumerStatus', '-g', group, '--json'));
    expect(status.sameSubscription).toBe(true);
    expect(status.clients).toHaveLength(1);
    const client = status.clients[0]!;
    expect(client.properties.consumerGroup).toBe(group);
    expect(client.mqTable.length).toBeGreaterThanOrEqual(2);

    const table = await mqadmin('consumerStatus', '-g', group);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('#Index  #ClientId');
    expect(table.stdout).toContain(client.clientId);
    expect(table.stdout).toContain('Same subscription in the same group of consumer');

    const full = await mqadmin('consumerStatus', '-g', group, '-i', client.clientId);
    expect(full.code).toBe(0);
    expect(full.stdout).toContain('#Consumer Properties#');
    expect(full.stdout).toMatch(new RegExp(`${topic}\\s+broker-a\\s+0\\s+\\d+`));

    const sent = json<{ msgId: string }>(
      await mqadmin('sendMessage', '-t', topic, '-p', 'direct', '--json'),
    );
    await pollUntil(
      () => seen.filter((b) => b === 'direct').length,
      (n) => n === 1,
      20_000,
    );
    const direct = await pollUntil(
      () =>
        mqadmin(
          'queryMsgByUniqueKey',
          '-i',
          sent.msgId,
          '-t',
          topic,
          '-g',
          group,
          '-d',
          client.clientId,
        ),
      (r) => r.code === 0,
      20_000,
    );
    expect(direct.stderr).toBe('');
    expect(direct.stdout).toMatch(/Consume Result:\s+CR_SUCCESS/);
    expect(seen.filter((b) => b === 'direct')).toHaveLength(2);
  });

  it('checkMsgSendRT prints one row per send and the average', async () => {
    const r = await mqadmin('checkMsgSendRT', '-t', topic, '-a', '3', '-s', '16');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^#Broker Name\s+#QID\s+#Send Result\s+#RT$/);
    expect(lines.slice(1, 4).every((l) => /^broker-a\s+\d\s+true\s+\d+$/.test(l))).toBe(true);
    expect(lines[4]).toMatch(/^Avg RT: \d+\.\d\d$/);
    const j = json<{ sends: unknown[] }>(
      await mqadmin('checkMsgSendRT', '-t', topic, '-a', '2', '--json'),
    );
    expect(j.sends).toHaveLength(2);
  });

  it('printMsg, printMsgByQueue and consumeMessage read messages; getConsumerConfig shows the group', async () => {
    const other = uniqueName('AdminPrint');
    await cluster.createTopic(other, 2);
    const tag = (i: number) => ({ tags: i % 2 === 0 ? 'Even' : 'Odd' });
    await sendMessages(cluster.namesrvAddr, numbered(other, 0, 6, tag));
    // The consume queues are written just after the send is answered: wait until all six show.
    const all = await pollUntil(
      () => mqadmin('printMsg', '-t', other, '-d', 'true'),
      (r) => (r.stdout.match(/BODY: m\d/g) ?? []).length === 6,
      20_000,
    );
    expect(all.code, all.stderr).toBe(0);
    const lines = all.stdout.trim().split('\n');
    expect(lines.map((l) => /BODY: (m\d)$/.exec(l)?.[1]).sort()).toEqual([
      'm0',
      'm1',
      'm2',
      'm3',
      'm4',
      'm5',
    ]);
    expect(all.stderr.match(/minOffset=0, maxOffset=\d+/g)).toHaveLength(2);
    const even = await mqadmin('printMsg', '-t', other, '-s', 'Even');
    expect(
      even.stdout
        .trim()
        .split('\n')
        .every((l) => /TAGS: Even .*BODY: NOT PRINT BODY$/.test(l)),
    ).toBe(true);
    expect(even.stdout.trim().split('\n')).toHaveLength(3);

    const q0 = json<{ queueId: number; body: string }[]>(
      await mqadmin(
        'printMsgByQueue',
        '-t',
        other,
        '-a',
        'broker-a',
        '-i',
        '0',
        '-d',
        'true',
        '--json',
      ),
    );
    expect(q0.length).toBeGreaterThan(0);
    expect(q0.every((m) => m.queueId === 0 && /^m\d$/.test(m.body))).toBe(true);

    const two = await mqadmin('consumeMessage', '-t', other, '-c', '2');
    expect(two.code, two.stderr).toBe(0);
    expect(two.stdout.trim().split('\n')).toHaveLength(2);

    const config = await mqadmin('getConsumerConfig', '-g', group);
    expect(config.code, config.stderr).toBe(0);
    expect(config.stdout).toMatch(/^=+DefaultCluster:broker-a=+$/m);
    expect(config.stdout).toMatch(new RegExp(`^groupName\\s+=  ${group}$`, 'm'));
    const cj = json<Record<string, { groupName: string }>>(
      await mqadmin('getConsumerConfig', '-g', group, '--json'),
    );
    expect(cj['DefaultCluster:broker-a']?.groupName).toBe(group);
  });

  it('exportMetadata writes the user topics and groups (or only topics); exportConfigs the configs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kitemq-export-'));
    try {
      const r = await mqadmin('exportMetadata', '-c', 'DefaultCluster', '-f', dir);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe(`export ${join(dir, 'metadata.json')} success`);
      expect(r.stderr).toMatch(/^export metadata of 127\.0\.0\.1:\d+$/m);
      const meta = JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8'));
      expect(meta.topicConfigTable[topic]).toMatchObject({ topicName: topic, readQueueNums: 2 });
      expect(meta.topicConfigTable.TBW102).toBeUndefined();
      expect(meta.topicConfigTable.DefaultCluster_REPLY_TOPIC).toBeUndefined();
      expect(meta.topicConfigTable[`%RETRY%${group}`]).toBeUndefined();
      expect(meta.subscriptionGroupTable[group]).toMatchObject({ groupName: group });
      expect(meta.subscriptionGroupTable.TOOLS_CONSUMER).toBeUndefined();
      const only = json<{ path: string }>(
        await mqadmin('exportMetadata', '-c', 'DefaultCluster', '-f', dir, '--topicOnly', '--json'),
      );
      expect(only.path).toBe(join(dir, 'topic.json'));
      const t = JSON.parse(readFileSync(only.path, 'utf8'));
      expect(t.subscriptionGroupTable).toBeUndefined();
      expect(t.topicConfigTable[topic]).toBeDefined();

      const configs = await mqadmin('exportConfigs', '-c', 'DefaultCluster', '-f', dir);
      expect(configs.code, configs.stderr).toBe(0);
      expect(configs.stdout.trim()).toBe(`export ${join(dir, 'configs.json')} success`);
      expect(configs.stderr).toMatch(/^export config of broker-a \(127\.0\.0\.1:\d+\)$/m);
      const c = JSON.parse(readFileSync(join(dir, 'configs.json'), 'utf8'));
      expect(c.clusterScale).toEqual({ namesrvSize: 1, masterBrokerSize: 1, slaveBrokerSize: 0 });
      expect(c.brokerConfigs['broker-a']).toMatchObject({
        brokerName: 'broker-a',
        brokerClusterName: 'DefaultCluster',
        brokerId: '0',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says what to do, on one line with a non-zero exit, for a group nobody consumes', async () => {
    const r = await mqadmin('consumerStatus', '-g', uniqueName('Nobody'));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/no consumer of group \S+ has ever connected/);
  });
});
