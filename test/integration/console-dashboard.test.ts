// The console's dashboard and alerts against a real name server, broker and `kitemq console`
// (refreshing every 200 ms through console.refreshIntervalMs): a producer's traffic in
// api/dashboard and its series, a "no online consumer" rule put through the API firing in
// api/alerts and posting once to a webhook served by this test, and the rules' write guards
// (read-only, CSRF, validation problems), each audited.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Producer } from '../../src/client/producer.js';
import type { PushConsumer } from '../../src/client/push-consumer.js';
import { useCluster } from '../harness/cluster.js';
import { type ConsoleHandle, startConsole } from '../harness/console.js';
import { ConsoleClient as Client } from '../harness/console-client.js';
import { pollUntil } from '../harness/poll.js';
import { uniqueName } from '../harness/processes.js';
import { pushConsumer, startProducer } from '../harness/sdk.js';

const topic = uniqueName('DashTopic');
const liveGroup = uniqueName('DashCG');
const idleGroup = uniqueName('DashIdle');
const cluster = useCluster({ topics: [{ name: topic, queues: 2 }] });
const VIEWER = { name: 'viewer', password: 'viewer-pw', role: 'read-only' as const };
const ADMIN = { name: 'ops', password: 'ops-pw', role: 'admin' as const };

let web: ConsoleHandle;
let producer: Producer;
let consumer: PushConsumer;
let hook: Server;
let hookUrl: string;
const posts: Record<string, unknown>[] = [];

beforeAll(async () => {
  hook = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => {
      text += c.toString('utf8');
    });
    req.on('end', () => {
      if (req.method === 'POST') posts.push(JSON.parse(text) as Record<string, unknown>);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(hook.address() as { port: number }).port}/alerts`;
  web = await startConsole({
    namesrvAddr: cluster.namesrvAddr,
    users: [ADMIN, VIEWER],
    conf: { 'console.refreshIntervalMs': 200 },
  });
  producer = await startProducer(cluster.namesrvAddr);
  consumer = pushConsumer(cluster.namesrvAddr, liveGroup, {
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    persistConsumerOffsetInterval: 200,
  });
  consumer.subscribe(topic, '*').registerMessageListener(() => 'CONSUME_SUCCESS');
  await consumer.start();
});

afterAll(async () => {
  await consumer?.shutdown();
  await producer?.shutdown();
  await web?.stop();
  await new Promise((r) => hook?.close(r));
});

type Dashboard = {
  at: number;
  refreshIntervalMs: number;
  brokers: { brokerName: string; up: boolean; diskRatio: number | null; inTps: number }[];
  totals: { inTps: number; outTps: number };
  topTopics: { topic: string; inTps: number }[];
  topGroups: { group: string; diff: number; lagSeconds: number | null; consumeTps: number }[];
  alerts: { ruleId: string; state: string }[];
};

describe('dashboard', () => {
  it('shows a producer’s traffic in the totals, the top topics and the series', async () => {
    const c = await Client.as(web.url, VIEWER);
    const d = await pollUntil(
      async () => {
        for (let i = 0; i < 5; i++) await producer.send({ topic, body: `m${i}` });
        return (await c.getJson('api/dashboard')) as Dashboard;
      },
      (x) => x.totals?.inTps > 0 && x.topTopics?.some((t) => t.topic === topic),
      60_000,
    );
    expect(d.refreshIntervalMs).toBe(200);
    expect(d.totals.inTps).toBeGreaterThan(0);
    expect(d.topTopics.find((t) => t.topic === topic)?.inTps).toBeGreaterThan(0);
    expect(d.brokers).toEqual([
      expect.objectContaining({
        brokerName: cluster.broker.brokerName,
        brokerId: 0,
        addr: cluster.brokerAddr,
        up: true,
        diskRatio: expect.any(Number),
      }),
    ]);
    expect(d.topGroups.map((g) => g.group)).toContain(liveGroup);
    expect(d.alerts).toEqual([]);

    const series = await pollUntil(
      async () => c.getJson(`api/dashboard/series?key=cluster.in&from=${d.at - 60_000}`),
      (s: { key: string; points: [number, number][] }) => s.points.some(([, v]) => v > 0),
      30_000,
    );
    expect(series.key).toBe('cluster.in');
    expect(series.points.length).toBeGreaterThan(0);
    const broker = await c.getJson(
      `api/dashboard/series?key=broker.in:${cluster.broker.brokerName}`,
    );
    expect(broker.points.length).toBeGreaterThan(0);
    const few = await c.getJson('api/dashboard/series?key=cluster.in&maxPoints=1');
    expect(few.points).toHaveLength(1);
    const timed = await c.call('GET', 'api/dashboard');
    expect(timed.headers.get('server-timing')).toMatch(/^app;dur=\d+(\.\d)?$/);
    expect(timed.json).toMatchObject({ errors: [], refreshError: null });
    const bad = await c.call('GET', 'api/dashboard/series?key=nonsense');
    expect([bad.status, bad.json.code]).toEqual([400, 'BAD_REQUEST']);
  });
});

describe('alerts', () => {
  const rule = { id: 'no-consumer', type: 'noOnlineConsumer', target: idleGroup, forMs: 0 };

  it('fires a no-online-consumer rule put through the API and posts it to the webhook once', async () => {
    const admin = await Client.as(web.url, ADMIN);
    const put = await admin.put('api/alerts/rules', { rules: [rule], webhook: { url: hookUrl } });
    expect([put.status, put.json]).toEqual([200, { ok: true }]);
    expect(await admin.getJson('api/alerts/rules')).toEqual({
      rules: [{ ...rule, threshold: 0, enabled: true }],
      webhook: { url: hookUrl },
    });
    type Alerts = { alerts: { ruleId: string; state: string; at: number }[] };
    const firing = await pollUntil(
      async () => (await admin.getJson('api/alerts')) as Alerts,
      (a) => a.alerts.some((x) => x.ruleId === rule.id && x.state === 'firing'),
      30_000,
    );
    const alert = firing.alerts.find((x) => x.ruleId === rule.id);
    expect(alert).toMatchObject({
      type: 'noOnlineConsumer',
      target: idleGroup,
      state: 'firing',
      value: 0,
      threshold: 0,
    });
    await pollUntil(
      () => posts.length,
      (n) => n > 0,
      30_000,
    );
    // Two more refreshes that still see it firing: they must not post again.
    await pollUntil(
      async () => (await admin.getJson('api/alerts')) as Alerts,
      (a) => a.alerts.some((x) => x.ruleId === rule.id && x.at > alert!.at + 200),
      30_000,
    );
    expect(posts).toEqual([
      expect.objectContaining({
        rule: rule.id,
        type: 'noOnlineConsumer',
        state: 'firing',
        target: idleGroup,
      }),
    ]);
    const d = (await admin.getJson('api/dashboard')) as Dashboard;
    expect(d.alerts.map((a) => [a.ruleId, a.state])).toEqual([[rule.id, 'firing']]);
    // The watched group's clients are asked, so the group list knows it has none online.
    const groups = (await admin.getJson('api/groups')).groups as { group: string }[];
    expect(groups.find((g) => g.group === idleGroup)).toMatchObject({ onlineClients: 0 });
  });

  it('refuses rules from a read-only user, without CSRF, or with bad fields, and audits it', async () => {
    const viewer = await Client.as(web.url, VIEWER);
    const denied = await viewer.put('api/alerts/rules', { rules: [] });
    expect([denied.status, denied.json.code]).toEqual([403, 'FORBIDDEN']);
    const admin = await Client.as(web.url, ADMIN);
    const bare = await admin.call('PUT', 'api/alerts/rules', { rules: [] });
    expect([bare.status, bare.json.code]).toEqual([403, 'CSRF']);
    const bad = await admin.put('api/alerts/rules', {
      rules: [{ id: 'lag', type: 'consumerLag', target: liveGroup, threshold: -1, forMs: 0 }],
      webhook: { url: 'ftp://nope' },
    });
    expect([bad.status, bad.json.code]).toEqual([400, 'BAD_REQUEST']);
    expect(bad.json.problems).toEqual([
      expect.stringMatching(/^webhook\.url: /),
      expect.stringMatching(/^rules\[0\]\.unit: /),
      expect.stringMatching(/^rules\[0\]\.threshold: /),
    ]);
    const kept = await admin.getJson('api/alerts/rules');
    expect(kept.rules.map((r: { id: string }) => r.id)).toEqual([rule.id]);
    const { entries } = await admin.getJson('api/audit?limit=1000');
    const brief = entries
      .filter((e: { action: string }) => e.action === 'alert.rules.update')
      .map((e: { user: string; ok: boolean }) => [e.user, e.ok]);
    expect(brief).toEqual([
      [ADMIN.name, false],
      [ADMIN.name, false],
      [VIEWER.name, false],
      [ADMIN.name, true],
    ]);
  });
});
