// mqadmin's name-server and topic subcommands run as a child process against a real name server
// and two brokers, with our SDK's producer and consumer connected; the output (table and --json)
// is checked, and wipeWritePerm/addWritePerm are shown to steer where a new producer sends.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../../src/client/admin.js';
import { getKvConfig } from '../../src/client/admin-namesrv.js';
import { silentLogger } from '../../src/common/logger.js';
import { useCluster } from '../harness/cluster.js';
import { pollUntil } from '../harness/poll.js';
import { uniqueName } from '../harness/processes.js';
import { runBin } from '../harness/run-bin.js';
import { pushConsumer, startProducer } from '../harness/sdk.js';

const topic = uniqueName('NsAdmin');
const cluster = useCluster({ brokers: 2, topics: [{ name: topic, queues: 2 }] });
const dir = mkdtempSync(join(tmpdir(), 'kitemq-nsadmin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mqadmin = (...args: string[]) => runBin('mqadmin', [...args, '-n', cluster.namesrvAddr]);

async function ok(...args: string[]): Promise<string> {
  const r = await mqadmin(...args);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

async function json<T>(...args: string[]): Promise<T> {
  return JSON.parse(await ok(...args, '--json')) as T;
}

/** Brokers a fresh producer's sends land on (it reads the route the name server has now). */
async function sendTargets(n: number): Promise<Set<string>> {
  const p = await startProducer(cluster.namesrvAddr);
  try {
    const names = new Set<string>();
    for (let i = 0; i < n; i++)
      names.add((await p.send({ topic, body: `m${i}` })).messageQueue.brokerName);
    return names;
  } finally {
    await p.shutdown();
  }
}

async function routePerm(brokerName: string): Promise<number | undefined> {
  const admin = new AdminClient({ namesrvAddr: cluster.namesrvAddr, logger: silentLogger() });
  try {
    const route = await admin.getTopicRoute(topic);
    return route.queueDatas.find((q) => q.brokerName === brokerName)?.perm;
  } finally {
    admin.close();
  }
}

describe('mqadmin name-server subcommands', () => {
  it('getNamesrvConfig / updateNamesrvConfig change a run-time key and refuse the others', async () => {
    const ns = cluster.namesrv.addr;
    expect(await ok('getNamesrvConfig')).toMatch(
      new RegExp(`^============${ns}============\\nlistenPort +=  \\d+\\n`),
    );
    expect(await ok('updateNamesrvConfig', '-k', 'brokerChannelExpiredTime', '-v', '90000')).toBe(
      `update name server config success![${ns}]\nbrokerChannelExpiredTime : 90000\n`,
    );
    const cfg = await json<Record<string, Record<string, string>>>('getNamesrvConfig');
    expect(cfg[ns]).toMatchObject({ brokerChannelExpiredTime: '90000', bindAddress: '127.0.0.1' });
    const refused = await mqadmin('updateNamesrvConfig', '-k', 'listenPort', '-v', '1');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^mqadmin: .*listenPort cannot change at run time.*restart/);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('updateKvConfig / deleteKvConfig and updateOrderConf put, get, delete', async () => {
    const key = uniqueName('key');
    expect(await ok('updateKvConfig', '-s', 'NS_TEST', '-k', key, '-v', 'v1')).toBe(
      'create or update kv config to namespace success.\n',
    );
    const admin = new AdminClient({ namesrvAddr: cluster.namesrvAddr, logger: silentLogger() });
    try {
      expect(await getKvConfig(admin, 'NS_TEST', key)).toBe('v1');
      expect(await ok('deleteKvConfig', '-s', 'NS_TEST', '-k', key)).toBe(
        'delete kv config from namespace success.\n',
      );
      expect(await getKvConfig(admin, 'NS_TEST', key)).toBeUndefined();
      await ok('updateOrderConf', '-t', topic, '-m', 'put', '-v', 'broker-a:2;broker-b:2');
      expect(await getKvConfig(admin, 'ORDER_TOPIC_CONFIG', topic)).toBe('broker-a:2;broker-b:2');
    } finally {
      admin.close();
    }
    expect(await ok('updateOrderConf', '-t', topic, '-m', 'get')).toBe(
      `get orderConf success. topic=[${topic}], orderConf=[broker-a:2;broker-b:2]\n`,
    );
    expect(await json('updateOrderConf', '-t', topic, '-m', 'get')).toEqual({
      topic,
      orderConf: 'broker-a:2;broker-b:2',
    });
    await ok('updateOrderConf', '-t', topic, '-m', 'delete');
    const gone = await mqadmin('updateOrderConf', '-t', topic, '-m', 'get');
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(`no orderConf for topic ${topic}`);
    const bad = await mqadmin('updateOrderConf', '-t', topic, '-m', 'put', '-v', 'broker-a');
    expect(bad.stderr).toContain('-v must be brokerName:queueNum');
  });

  it('wipeWritePerm sends new producers to the other broker; addWritePerm brings it back', async () => {
    const ns = cluster.namesrv.addr;
    expect(await sendTargets(8)).toEqual(new Set(['broker-a', 'broker-b']));
    const wiped = await ok('wipeWritePerm', '-b', 'broker-a');
    expect(wiped).toMatch(
      new RegExp(
        `^wipe write perm of broker\\[broker-a\\] in name server\\[${ns}\\] OK, [1-9]\\d*\\n$`,
      ),
    );
    expect(await routePerm('broker-a')).toBe(4);
    expect(await sendTargets(8)).toEqual(new Set(['broker-b']));
    const added = await json<{ namesrv: string; ok: boolean; value: number }[]>(
      'addWritePerm',
      '-b',
      'broker-a',
    );
    expect(added).toEqual([{ namesrv: ns, ok: true, value: expect.any(Number) }]);
    expect(added[0]!.value).toBeGreaterThan(0);
    expect(await routePerm('broker-a')).toBe(6);
    expect(await sendTargets(8)).toEqual(new Set(['broker-a', 'broker-b']));
  });
});

describe('mqadmin topic subcommands', () => {
  it('topicClusterList and topicList -c (cluster view) with a consumer connected', async () => {
    expect(await ok('topicClusterList', '-t', topic)).toBe('DefaultCluster\n');
    const group = uniqueName('NsAdminGroup');
    const consumer = pushConsumer(cluster.namesrvAddr, group);
    consumer.subscribe(topic, '*').registerMessageListener(() => 'CONSUME_SUCCESS');
    await consumer.start();
    try {
      // -c is a switch (TopicListSubCommand's clusterModel): every cluster's topics.
      const text = await ok('topicList', '-c');
      expect(text.split('\n')[0]).toMatch(/^#Cluster Name +#Topic +#Consumer Group$/);
      expect(text).toMatch(new RegExp(`^DefaultCluster +${topic}( |$)`, 'm'));
      // The group column is filled once the brokers know the consumer (QUERY_TOPIC_CONSUME_BY_WHO).
      const rows = await pollUntil(
        () =>
          json<{ clusterName: string; topic: string; consumerGroup: string }[]>('topicList', '-c'),
        (all) => all.some((r) => r.topic === topic && r.consumerGroup === group),
        30_000,
        300,
      );
      expect(rows.filter((r) => r.topic === topic)).toEqual([
        { clusterName: 'DefaultCluster', topic, consumerGroup: group },
      ]);
      expect(rows.some((r) => r.topic.startsWith('%RETRY%'))).toBe(false);
      const stray = await mqadmin('topicList', '-c', 'DefaultCluster');
      expect(stray.code).toBe(1);
      expect(stray.stderr.trim()).toBe(
        'mqadmin: unexpected argument DefaultCluster; run mqadmin topicList -h for help',
      );
    } finally {
      await consumer.shutdown();
    }
  });

  it('allocateMQ splits the readable queues averagely over the ips', async () => {
    const text = await ok('allocateMQ', '-t', topic, '-i', '10.0.0.1,10.0.0.2');
    expect(text.split('\n')[0]).toMatch(/^#Client IP +#Broker Name +#QID$/);
    const r = await json<{ result: Record<string, { brokerName: string; queueId: number }[]> }>(
      'allocateMQ',
      '-t',
      topic,
      '-i',
      '10.0.0.1,10.0.0.2',
    );
    expect(r.result).toEqual({
      '10.0.0.1': [
        { brokerName: 'broker-a', queueId: 0, topic },
        { brokerName: 'broker-a', queueId: 1, topic },
      ],
      '10.0.0.2': [
        { brokerName: 'broker-b', queueId: 0, topic },
        { brokerName: 'broker-b', queueId: 1, topic },
      ],
    });
  });

  it('updateTopicPerm makes one broker read-only; updateTopicList creates topics from a file', async () => {
    const addr = cluster.brokers[1]!.addr;
    expect(await ok('updateTopicPerm', '-t', topic, '-p', '4', '-b', addr)).toBe(
      `update topic perm from 6 to 4 in ${addr} success.\n`,
    );
    expect(
      await pollUntil(
        () => routePerm('broker-b'),
        (p) => p === 4,
        30_000,
      ),
    ).toBe(4);
    expect(await sendTargets(6)).toEqual(new Set(['broker-a']));
    await ok('updateTopicPerm', '-t', topic, '-p', '6', '-c', 'DefaultCluster');
    expect(
      await pollUntil(
        () => routePerm('broker-b'),
        (p) => p === 6,
        30_000,
      ),
    ).toBe(6);
    const bad = await mqadmin('updateTopicPerm', '-t', topic, '-p', '5', '-b', addr);
    expect(bad.stderr).toContain('-p must be 2 (W), 4 (R) or 6 (RW)');

    const [t1, t2] = [uniqueName('Listed'), uniqueName('Listed')];
    const file = join(dir, 'topics.json');
    writeFileSync(
      file,
      JSON.stringify([
        { topicName: t1, readQueueNums: 2, writeQueueNums: 2, perm: 6 },
        { topicName: t2, readQueueNums: 1, writeQueueNums: 1, perm: 6 },
      ]),
    );
    const rows = await json<{ topic: string; result: string }[]>(
      'updateTopicList',
      '-c',
      'DefaultCluster',
      '-f',
      file,
    );
    expect(rows.map((r) => r.topic).sort()).toEqual([t1, t1, t2, t2].sort());
    const listed = await pollUntil(
      async () => (await ok('topicList')).split('\n'),
      (l) => l.includes(t1) && l.includes(t2),
      30_000,
    );
    expect(listed).toEqual(expect.arrayContaining([t1, t2]));
  });
});
