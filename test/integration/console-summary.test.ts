// The console's one-call broker summary (KITEMQ_GET_BROKER_CONSOLE_SNAPSHOT) end to end: a real
// name server, broker and `kitemq console` refreshing every 200 ms. A group with an online SDK
// consumer and no alert rule shows its clients, model and consume type in api/groups; a topic
// nobody consumes shows its intake in the dashboard's top topics; and a refresh costs the same
// calls with more groups.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../../src/client/admin.js';
import type { Producer } from '../../src/client/producer.js';
import type { PushConsumer } from '../../src/client/push-consumer.js';
import { silentLogger } from '../../src/common/logger.js';
import { collectSnapshot } from '../../src/console/collect/snapshot.js';
import { useCluster } from '../harness/cluster.js';
import { type ConsoleHandle, startConsole } from '../harness/console.js';
import { ConsoleClient as Client } from '../harness/console-client.js';
import { pollUntil } from '../harness/poll.js';
import { uniqueName } from '../harness/processes.js';
import { pushConsumer, startProducer } from '../harness/sdk.js';

const consumed = uniqueName('SummaryRead');
const unread = uniqueName('SummaryUnread');
const group = uniqueName('SummaryCG');
const cluster = useCluster({
  topics: [
    { name: consumed, queues: 2 },
    { name: unread, queues: 4 },
  ],
});
const VIEWER = { name: 'viewer', password: 'viewer-pw', role: 'read-only' as const };
const BOUND_MS = 60_000;

let web: ConsoleHandle;
let producer: Producer;
let consumer: PushConsumer;
let admin: AdminClient;

beforeAll(async () => {
  web = await startConsole({
    namesrvAddr: cluster.namesrvAddr,
    users: [VIEWER],
    conf: { 'console.refreshIntervalMs': 200 },
  });
  producer = await startProducer(cluster.namesrvAddr);
  consumer = pushConsumer(cluster.namesrvAddr, group, {
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
  });
  consumer.subscribe(consumed, '*').registerMessageListener(() => 'CONSUME_SUCCESS');
  await consumer.start();
  admin = new AdminClient({ namesrvAddr: cluster.namesrvAddr, logger: silentLogger() });
});

afterAll(async () => {
  admin?.close();
  await consumer?.shutdown();
  await producer?.shutdown();
  await web?.stop();
});

type Row = {
  group: string;
  onlineClients: number | null;
  diffTotal: number | null;
  messageModel: string | null;
  consumeType: string | null;
};
type Dashboard = { topTopics: { topic: string; inTps: number }[]; notes: string[] };

describe('console summary call', () => {
  it('lists an unwatched group with its online consumer in api/groups', async () => {
    const c = await Client.as(web.url, VIEWER);
    expect((await c.getJson('api/alerts/rules')).rules).toEqual([]);
    const groups = await pollUntil(
      async () => (await c.getJson('api/groups')).groups as Row[],
      (g) => (g.find((r) => r.group === group)?.onlineClients ?? 0) >= 1,
      BOUND_MS,
    );
    const row = groups.find((r) => r.group === group);
    expect(row?.onlineClients).toBeGreaterThanOrEqual(1);
    // The SDK's push consumer registers as RocketMQ's DefaultMQPushConsumer does.
    expect([row?.messageModel, row?.consumeType]).toEqual(['CLUSTERING', 'CONSUME_PASSIVELY']);
  });

  it('shows a topic no group consumes among the top topics once it takes messages', async () => {
    const c = await Client.as(web.url, VIEWER);
    const d = await pollUntil(
      async () => {
        for (let i = 0; i < 5; i++) await producer.send({ topic: unread, body: `u${i}` });
        return (await c.getJson('api/dashboard')) as Dashboard;
      },
      (x) => (x.topTopics?.find((t) => t.topic === unread)?.inTps ?? 0) > 0,
      BOUND_MS,
    );
    expect(d.topTopics.find((t) => t.topic === unread)?.inTps).toBeGreaterThan(0);
    expect(d.notes).toEqual([]);
    const topics = (await c.getJson('api/topics')).topics as { topic: string }[];
    expect(topics.map((t) => t.topic)).toContain(unread);
  });

  it('asks each master once per refresh, however many groups there are', async () => {
    const s = await collectSnapshot(admin, cluster.namesrv.addr, {
      watchGroups: [group, uniqueName('Watched'), uniqueName('Watched')],
    });
    // cluster info + topic list, then the one broker's runtime info, consume stats and summary
    expect(s.calls).toBe(2 + 3);
    expect(s.groups.find((g) => g.group === group)?.onlineClients).toBeGreaterThanOrEqual(1);
    expect(s.topics.find((t) => t.topic === unread)?.maxOffset).toBeGreaterThanOrEqual(5);
    expect([s.errors, s.notes]).toEqual([[], []]);
  });
});
