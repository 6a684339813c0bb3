// mqadmin's broker subcommands against a real name server and broker, with our SDK's producer
// and push consumer running: brokerStatus (sorted key : value, -c and --json), getBrokerConfig,
// updateBrokerConfig (a live key changes and lands in the broker's -c file; a restart-only key is
// refused by name with a non-zero exit), brokerConsumeStats (the consumer's group and its diff),
// clusterRT (one round per broker) and clusterList's stats columns.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Producer } from '../../src/client/producer.js';
import type { PushConsumer } from '../../src/client/push-consumer.js';
import { useCluster } from '../harness/cluster.js';
import { pollUntil } from '../harness/poll.js';
import { uniqueName } from '../harness/processes.js';
import { runBin } from '../harness/run-bin.js';
import { numbered, pushConsumer, startProducer } from '../harness/sdk.js';

const topic = uniqueName('BrokerAdmin');
const group = uniqueName('BrokerAdminGroup');
const cluster = useCluster({ topics: [{ name: topic, queues: 2 }] });

let producer: Producer;
let consumer: PushConsumer;
const received = new Set<string>();

beforeAll(async () => {
  producer = await startProducer(cluster.namesrvAddr);
  for (const m of numbered(topic, 0, 6)) await producer.send(m);
  consumer = pushConsumer(cluster.namesrvAddr, group, {
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
  });
  consumer.subscribe(topic, '*').registerMessageListener((msgs) => {
    for (const m of msgs) received.add(m.body.toString());
    return 'CONSUME_SUCCESS';
  });
  await consumer.start();
  await pollUntil(
    () => received.size,
    (n) => n === 6,
    30_000,
  );
});

afterAll(async () => {
  await consumer?.shutdown();
  await producer?.shutdown();
});

const mqadmin = (...args: string[]) => runBin('mqadmin', [...args, '-n', cluster.namesrvAddr]);

describe('mqadmin broker subcommands', () => {
  it('brokerStatus prints every runtime key sorted as key : value, and --json the table', async () => {
    const r = await mqadmin('brokerStatus', '-b', cluster.brokerAddr);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const keys = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(/\s*: /)[0]!);
    expect(keys).toEqual([...keys].sort());
    expect(r.stdout).toMatch(/^msgPutTotalTodayNow\s+: 6$/m);
    expect(r.stdout).toMatch(/^bootTimestamp\s+: \d+$/m);
    const json = await mqadmin('brokerStatus', '-b', cluster.brokerAddr, '--json');
    const table = JSON.parse(json.stdout) as Record<string, string>;
    expect(table.msgPutTotalTodayNow).toBe('6');
    expect(table.brokerVersionDesc).toMatch(/^V\d/);
    const byCluster = await mqadmin('brokerStatus', '-c', 'DefaultCluster');
    expect(byCluster.code).toBe(0);
    expect(byCluster.stdout).toContain(`${cluster.brokerAddr} `);
  });

  it('getBrokerConfig lists the configuration; updateBrokerConfig changes a live key', async () => {
    const before = await mqadmin('getBrokerConfig', '-b', cluster.brokerAddr);
    expect(before.code).toBe(0);
    expect(before.stdout).toContain(`============${cluster.brokerAddr}============`);
    expect(before.stdout).toMatch(/^enablePropertyFilter\s+= {2}false$/m);
    const up = await mqadmin(
      'updateBrokerConfig',
      '-b',
      cluster.brokerAddr,
      '-k',
      'enablePropertyFilter',
      '-v',
      'true',
    );
    expect(up.stderr).toBe('');
    expect(up.stdout.trim()).toBe(`update broker config success, ${cluster.brokerAddr}`);
    const after = await mqadmin('getBrokerConfig', '-b', cluster.brokerAddr, '--json');
    const configs = JSON.parse(after.stdout) as Record<string, Record<string, string>>;
    expect(configs[cluster.brokerAddr]!.enablePropertyFilter).toBe('true');
    expect(readFileSync(cluster.broker.confPath, 'utf8')).toMatch(/^enablePropertyFilter=true$/m);
  });

  it('updateBrokerConfig refuses a restart-only key by name and exits non-zero', async () => {
    const r = await mqadmin(
      'updateBrokerConfig',
      '-c',
      'DefaultCluster',
      '-k',
      'flushDiskType',
      '-v',
      'SYNC_FLUSH',
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('flushDiskType cannot change at run time and needs a restart');
    expect(readFileSync(cluster.broker.confPath, 'utf8')).not.toContain('flushDiskType');
  });

  it('brokerConsumeStats shows the running group per queue with its diff total', async () => {
    // The consumer commits its offsets on an interval: wait until the broker has them all.
    const r = await pollUntil(
      () => mqadmin('brokerConsumeStats', '-b', cluster.brokerAddr),
      (res) => /Diff Total: 0$/m.test(res.stdout) && res.stdout.includes(group),
      30_000,
      500,
    );
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^#Topic\s+#Group\s+#Broker Name\s+#QID\s+#Broker Offset/);
    const rows = lines.filter((l) => l.startsWith(`${topic} `));
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toContain(group);
    const json = await mqadmin('brokerConsumeStats', '-b', cluster.brokerAddr, '--json');
    const data = JSON.parse(json.stdout) as {
      totalDiff: number;
      rows: { topic: string; group: string; brokerOffset: number; diff: number }[];
    };
    const mine = data.rows.filter((row) => row.group === group);
    expect(mine.map((row) => row.brokerOffset).reduce((a, b) => a + b, 0)).toBe(6);
    expect(mine.every((row) => row.diff === 0)).toBe(true);
    expect(data.totalDiff).toBe(0);
  });

  it('clusterRT sends to each broker and prints its round trip, once by default', async () => {
    const r = await mqadmin('clusterRT', '-c', 'DefaultCluster', '-a', '3', '-s', '16');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [header, row, ...rest] = r.stdout.trim().split('\n');
    expect(header).toMatch(/^#Cluster Name\s+#Broker Name\s+#RT\s+#successCount\s+#failCount$/);
    expect(row).toMatch(/^DefaultCluster\s+broker-a\s+\d+\.\d\d\s+3\s+0$/);
    expect(rest).toEqual([]);
    const json = await mqadmin('clusterRT', '-a', '2', '--json');
    const rows = JSON.parse(json.stdout) as { brokerName: string; successCount: number }[];
    expect(rows.map((x) => [x.brokerName, x.successCount])).toEqual([['broker-a', 2]]);
    const missing = await mqadmin('clusterRT', '-c', 'NoSuchCluster');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('cluster [NoSuchCluster] not exist');
  });

  it("clusterList shows the version, TPS, today's totals and disk use of the broker", async () => {
    const r = await mqadmin('clusterList');
    expect(r.code).toBe(0);
    const [header, row] = r.stdout.trim().split('\n');
    expect(header!.split(/\s{2,}/)).toEqual([
      '#Cluster Name',
      '#Broker Name',
      '#BID',
      '#Addr',
      '#Version',
      '#InTPS(LOAD)',
      '#OutTPS',
      '#InTotalToday',
      '#OutTotalToday',
      '#SPACE',
      '#Replica Lag',
    ]);
    const cells = row!.split(/\s{2,}/);
    expect(cells.slice(0, 5)).toEqual([
      'DefaultCluster',
      'broker-a',
      '0',
      cluster.brokerAddr,
      'V5_3_3',
    ]);
    expect(cells[5]).toMatch(/^\d+\.\d\d\(\d+,\d+ms\)$/);
    expect(Number(cells[7])).toBeGreaterThanOrEqual(6);
    expect(Number(cells[8])).toBeGreaterThanOrEqual(6);
    expect(Number(cells[9])).toBeGreaterThan(0);
  });

  it('statsAll shows the topic with its group, 24-hour in and out counts and accumulation', async () => {
    const r = await mqadmin('statsAll', '-t', topic);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [header, ...rows] = r.stdout.trim().split('\n');
    expect(header!.split(/\s{2,}/)).toEqual([
      '#Topic',
      '#Consumer Group',
      '#Accumulation',
      '#InTPS',
      '#OutTPS',
      '#InMsg24Hour',
      '#OutMsg24Hour',
    ]);
    expect(rows).toHaveLength(1);
    const cells = rows[0]!.split(/\s{2,}/);
    expect([cells[0], cells[1], cells[2], cells[5], cells[6]]).toEqual([
      topic,
      group,
      '0',
      '6',
      '6',
    ]);
    const json = await mqadmin('statsAll', '-t', topic, '-a', 'true', '--json');
    const data = JSON.parse(json.stdout) as { consumerGroup: string; inMsg24Hour: number }[];
    expect(data.map((d) => [d.consumerGroup, d.inMsg24Hour])).toEqual([[group, 6]]);
  });

  it('says what to do when neither -b nor -c is given', async () => {
    const r = await mqadmin('brokerStatus');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('brokerStatus needs -b <brokerAddr> or -c <clusterName>');
  });
});
