// The console's back end against real processes: a name server, two brokers, our producer and a
// push consumer group. One snapshot shows both brokers' TPS and the group's lag and clients, in a
// number of calls that follows the brokers and not the topics; the poller feeds the alert rules,
// which fire "no online consumer" when the group stops (one webhook POST to a real HTTP server)
// and "broker down" when a broker is killed.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../../src/client/admin.js';
import type { Producer } from '../../src/client/producer.js';
import type { PushConsumer } from '../../src/client/push-consumer.js';
import { silentLogger } from '../../src/common/logger.js';
import { AlertEvaluator } from '../../src/console/alerts/evaluate.js';
import { loadAlertRules, saveAlertRules } from '../../src/console/alerts/rules.js';
import { WebhookNotifier } from '../../src/console/alerts/webhook.js';
import { TpsHistory } from '../../src/console/collect/history.js';
import { SnapshotPoller } from '../../src/console/collect/poller.js';
import { collectSnapshot } from '../../src/console/collect/snapshot.js';
import type { Snapshot } from '../../src/console/collect/snapshot-types.js';
import { useCluster } from '../harness/cluster.js';
import { pollUntil } from '../harness/poll.js';
import { uniqueName } from '../harness/processes.js';
import { numbered, pushConsumer, startProducer } from '../harness/sdk.js';

const cluster = useCluster({ brokers: 2 });
const topic = uniqueName('ConsoleTopic');
const group = uniqueName('ConsoleGroup');
const BOUND_MS = 60_000;

let admin: AdminClient;
let producer: Producer;
let consumer: PushConsumer;
let poller: SnapshotPoller | undefined;
let server: Server;
let dataDir: string;
const posts: Record<string, unknown>[] = [];

beforeAll(async () => {
  admin = new AdminClient({ namesrvAddr: cluster.namesrvAddr, logger: silentLogger() });
  dataDir = mkdtempSync(join(tmpdir(), 'kite-console-'));
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      posts.push(JSON.parse(body) as Record<string, unknown>);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});

afterAll(async () => {
  await poller?.stop();
  await consumer?.shutdown().catch(() => {});
  await producer?.shutdown().catch(() => {});
  admin?.close();
  await new Promise((r) => server.close(r));
  rmSync(dataDir, { recursive: true, force: true });
});

const snapshot = (prev?: Snapshot) =>
  collectSnapshot(admin, cluster.namesrv.addr, {
    watchGroups: [group],
    ...(prev ? { prev } : {}),
  });

describe('console snapshot, history and alerts', () => {
  it('shows both brokers with TPS and the group with its lag and online clients', async () => {
    await cluster.createTopic(topic);
    producer = await startProducer(cluster.namesrvAddr);
    consumer = pushConsumer(cluster.namesrvAddr, group, {
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    });
    let consumed = 0;
    consumer.subscribe(topic, '*').registerMessageListener((msgs) => {
      consumed += msgs.length;
      return 'CONSUME_SUCCESS';
    });
    await consumer.start();
    for (const m of numbered(topic, 0, 40)) await producer.send(m);
    const s = await pollUntil(
      () => snapshot(),
      (x) => {
        const g = x.groups.find((y) => y.group === group);
        return (
          x.brokers.length === 2 &&
          x.brokers.every((b) => b.up && b.inTps > 0) &&
          g?.onlineClients === 1 &&
          g.diff === 0 &&
          g.topics.includes(topic)
        );
      },
      BOUND_MS,
      200,
    );
    expect(consumed).toBeGreaterThanOrEqual(40);
    expect(s.brokers.map((b) => [b.brokerName, b.brokerId, b.up])).toEqual([
      ['broker-a', 0, true],
      ['broker-b', 0, true],
    ]);
    for (const b of s.brokers) {
      expect(b.inTps).toBeGreaterThan(0);
      expect(b.putTotalToday).toBeGreaterThan(0);
      expect(b.diskRatio).toBeGreaterThanOrEqual(0);
      expect(b.diskRatio).toBeLessThanOrEqual(1);
    }
    expect(s.groups.find((g) => g.group === group)).toMatchObject({
      onlineClients: 1,
      diff: 0,
      lagSeconds: 0,
    });
    expect(s.topics.find((t) => t.topic === topic)?.maxOffset).toBe(40);
    expect(s.errors).toEqual([]);
  });

  it('makes as many calls with 20 topics as with 2: they follow the brokers', async () => {
    const other = uniqueName('ConsoleOther');
    await cluster.createTopic(other);
    const before = await snapshot();
    const extra = Array.from({ length: 18 }, (_, i) => `${other}_${i}`);
    for (const t of extra) await cluster.createTopic(t, 1);
    const after = await snapshot(before);
    for (const t of [topic, other, ...extra]) expect(after.topics.map((x) => x.topic)).toContain(t);
    // cluster info + topic list, runtime info per broker, consume stats and the console summary
    // per master; the watched group's online clients are in the summary, not asked apart
    expect(before.calls).toBe(2 + 2 + 2 + 2);
    expect(after.calls).toBe(before.calls);
  });

  it('fires "no online consumer" when the group stops, with one webhook POST', async () => {
    const { port } = server.address() as AddressInfo;
    saveAlertRules(dataDir, {
      webhook: { url: `http://127.0.0.1:${port}/alerts`, timeoutMs: 5000, retries: 2 },
      rules: [
        { id: 'offline', type: 'noOnlineConsumer', target: group, forMs: 300 },
        { id: 'lag', type: 'consumerLag', target: group, unit: 'messages', threshold: 3 },
        { id: 'down', type: 'brokerDown', target: '*' },
      ],
    });
    const doc = loadAlertRules(dataDir);
    const notifier = new WebhookNotifier(doc.webhook!);
    const alerts = new AlertEvaluator(doc.rules, notifier.notify);
    const history = new TpsHistory({ dataDir, diskIntervalMs: 1000 });
    poller = new SnapshotPoller({
      admin,
      namesrvAddr: cluster.namesrv.addr,
      refreshIntervalMs: 200,
      history,
      alerts,
    });
    poller.start();
    await pollUntil(
      () => poller!.latest?.groups.find((g) => g.group === group)?.onlineClients,
      (n) => n === 1,
      BOUND_MS,
    );
    expect(alerts.active()).toEqual([]);

    await consumer.shutdown();
    for (const m of numbered(topic, 40, 5)) await producer.send(m);
    const firing = await pollUntil(
      () => alerts.active().filter((a) => a.state === 'firing'),
      (a) => a.some((x) => x.rule === 'offline') && a.some((x) => x.rule === 'lag'),
      BOUND_MS,
    );
    expect(firing.find((a) => a.rule === 'offline')).toMatchObject({ target: group, value: 0 });
    expect(firing.find((a) => a.rule === 'lag')?.value).toBeGreaterThanOrEqual(5);
    const offline = await pollUntil(
      () => posts.filter((p) => p.rule === 'offline'),
      (p) => p.length > 0,
      BOUND_MS,
    );
    await notifier.idle();
    expect(offline).toHaveLength(1);
    expect(offline[0]).toMatchObject({
      rule: 'offline',
      type: 'noOnlineConsumer',
      state: 'firing',
      value: 0,
      threshold: 0,
      target: group,
    });
    expect(typeof offline[0]!.at).toBe('number');
    expect(history.series({ key: 'cluster.in' }).length).toBeGreaterThan(0);
  });

  it('fires "broker down" when a broker is killed, and goes on with the other', async () => {
    await cluster.brokers[1]!.kill();
    const down = await pollUntil(
      () => posts.filter((p) => p.rule === 'down'),
      (p) => p.length > 0,
      BOUND_MS,
    );
    expect(down[0]).toMatchObject({ state: 'firing', target: 'broker-b/0', value: 1 });
    const latest = poller!.latest!;
    expect(latest.brokers.find((b) => b.brokerName === 'broker-a')?.up).toBe(true);
    expect(latest.brokers.find((b) => b.brokerName === 'broker-b')?.up ?? false).toBe(false);
    expect(poller!.failures).toBe(0);
  });
});
