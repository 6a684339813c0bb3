// The console's group writes against a real name server, broker and `kitemq console` process,
// with our SDK's push consumer: a group created with its config and read back (through the API
// and from the broker's own subscription-group table), a reset previewed (nothing moves), reset
// to an earlier time (the consumer gets the messages again), accumulated messages skipped (diff
// 0), a live client's running info; bad input refused with problems and nothing changed; failed
// logins throttled; read-only users refused every write; every write audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../../src/client/admin.js';
import { allSubscriptionGroups } from '../../src/client/admin-messages.js';
import type { PushConsumer } from '../../src/client/push-consumer.js';
import { silentLogger } from '../../src/common/logger.js';
import { useCluster } from '../harness/cluster.js';
import { type ConsoleHandle, startConsole } from '../harness/console.js';
import { ConsoleClient as Client, type Json } from '../harness/console-client.js';
import { pollUntil } from '../harness/poll.js';
import { uniqueName } from '../harness/processes.js';
import { numbered, pushConsumer, sendMessages } from '../harness/sdk.js';

const topic = uniqueName('ConsoleGroupT');
const group = uniqueName('ConsoleGroupCG');
const cluster = useCluster({ topics: [{ name: topic, queues: 2 }] });
const VIEWER = { name: 'viewer', password: 'viewer-pw', role: 'read-only' as const };
const LOCKED = { name: 'locked', password: 'locked-pw', role: 'read-only' as const };
const POLL_MS = 60_000;

let web: ConsoleHandle;
let admin: Client;
let viewer: Client;
let mq: AdminClient;
let consumer: PushConsumer | undefined;
const seen: string[] = [];
const t0 = Date.now() - 1_000;

beforeAll(async () => {
  web = await startConsole({ namesrvAddr: cluster.namesrvAddr, users: [VIEWER, LOCKED] });
  admin = new Client(web.url);
  await admin.login('admin', web.adminPassword);
  viewer = new Client(web.url);
  await viewer.login(VIEWER.name, VIEWER.password);
  mq = new AdminClient({ namesrvAddr: cluster.namesrvAddr, logger: silentLogger() });
});

afterAll(async () => {
  await consumer?.shutdown();
  mq?.close();
  await web?.stop();
});

/** The group's committed offsets of the topic as the broker holds them, queue by queue. */
async function committed(): Promise<number[]> {
  const route = await mq.getTopicRoute(topic);
  const n = route.queueDatas[0]!.writeQueueNums;
  const out: number[] = [];
  for (let q = 0; q < n; q++)
    out.push(await mq.queryConsumerOffset(cluster.brokerAddr, group, topic, q));
  return out;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const groupDiff = async () => (await admin.get(`api/groups/${group}`)).json?.diffTotal;

describe('group writes', () => {
  it('creates a group with its config, read back through the API and from the broker', async () => {
    const config = { retryMaxTimes: 3, consumeBroadcastEnable: false, retryQueueNums: 1 };
    const r = await admin.post('api/groups', { group, config });
    expect(r.status).toBe(200);
    expect(r.json.ok).toBe(true);
    expect(r.json.brokers).toHaveLength(1);
    const read = (await admin.get(`api/groups/${group}/config`)).json;
    expect(read.configs).toHaveLength(1);
    expect(read.configs[0]).toMatchObject({
      brokerName: r.json.brokers[0],
      addr: cluster.brokerAddr,
      config: { groupName: group, retryMaxTimes: 3, consumeBroadcastEnable: false },
    });
    // Fields left out get RocketMQ's defaults.
    expect(read.configs[0].config).toMatchObject({ consumeEnable: true, brokerId: 0 });
    const onBroker = (await allSubscriptionGroups(mq, cluster.brokerAddr))[group];
    expect(onBroker).toMatchObject({ retryMaxTimes: 3, consumeBroadcastEnable: false });
  }, 60_000);

  it("shows a live consumer's running info: its queues and consume status", async () => {
    await sendMessages(cluster.namesrvAddr, numbered(topic, 0, 4));
    consumer = pushConsumer(cluster.namesrvAddr, group, {
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      persistConsumerOffsetInterval: 200,
    });
    consumer.subscribe(topic, '*').registerMessageListener(async (msgs) => {
      for (const m of msgs) seen.push(m.body.toString());
      return 'CONSUME_SUCCESS' as const;
    });
    await consumer.start();
    await pollUntil(
      () => seen.length,
      (n) => n >= 4,
      POLL_MS,
    );
    const offsets = await pollUntil(committed, (o) => sum(o) === 4, POLL_MS);
    expect(sum(offsets)).toBe(4);
    const detail = await pollUntil(
      async () => (await admin.get(`api/groups/${group}`)).json,
      (j) => j.connections?.length === 1,
      POLL_MS,
    );
    const clientId = detail.connections[0].clientId as string;
    const info = await pollUntil(
      // A client id holds '#' (ip@pid#n#time): it must be escaped in the query.
      async () => {
        const q = encodeURIComponent(clientId);
        return (await admin.get(`api/groups/${group}/running-info?clientId=${q}`)).json;
      },
      (j) => j.queues?.filter((q: Json) => q.topic === topic).length === 2,
      POLL_MS,
    );
    expect(info.clientId).toBe(clientId);
    expect(info.subscriptions).toContainEqual({ topic, expression: '*' });
    const queues = info.queues.filter((q: Json) => q.topic === topic);
    expect(queues.map((q: Json) => q.queueId).sort()).toEqual([0, 1]);
    expect(queues[0]).toHaveProperty('cachedMsgCount');
    expect(info.status.map((s: Json) => s.topic)).toContain(topic);
    expect(info.status[0]).toHaveProperty('consumeOKTPS');
    const absent = await admin.get(`api/groups/${group}/running-info?clientId=nobody@1`);
    expect(absent.status).toBe(404);
  }, 120_000);

  it('previews a reset per queue and changes nothing, then resets: the messages come again', async () => {
    const before = await committed();
    const preview = await admin.post(`api/groups/${group}/reset-preview`, { topic, timestamp: t0 });
    expect(preview.status).toBe(200);
    const rows = preview.json.queues as Json[];
    expect(rows.map((q) => q.queueId)).toEqual([0, 1]);
    expect(rows.map((q) => q.currentOffset)).toEqual(before);
    expect(rows.map((q) => q.newOffset)).toEqual([0, 0]);
    // A viewer may preview too: it is a read.
    expect(
      (await viewer.post(`api/groups/${group}/reset-preview`, { topic, timestamp: t0 })).status,
    ).toBe(200);
    expect(await committed()).toEqual(before);

    const seenBefore = seen.length;
    const reset = await admin.post(`api/groups/${group}/reset`, { topic, timestamp: t0 });
    expect(reset.status).toBe(200);
    expect(reset.json.queues).toEqual(
      rows.map(({ brokerName, queueId, currentOffset, newOffset }) => ({
        brokerName,
        queueId,
        currentOffset,
        newOffset,
      })),
    );
    await pollUntil(
      () => seen.length,
      (n) => n >= seenBefore + 4,
      POLL_MS,
    );
    expect(seen.slice(seenBefore).sort()).toEqual(['m0', 'm1', 'm2', 'm3']);
  }, 120_000);

  it('skips the accumulated messages: every queue to its max offset, diff 0', async () => {
    await pollUntil(committed, (o) => sum(o) === 4, POLL_MS);
    await consumer!.shutdown();
    consumer = undefined;
    await sendMessages(cluster.namesrvAddr, numbered(topic, 4, 3));
    expect(await pollUntil(groupDiff, (d) => d === 3, POLL_MS)).toBe(3);
    const r = await admin.post(`api/groups/${group}/skip`, { topic });
    expect(r.status).toBe(200);
    expect(sum(r.json.queues.map((q: Json) => q.newOffset))).toBe(7);
    expect(sum(r.json.queues.map((q: Json) => q.currentOffset))).toBe(4);
    expect(await groupDiff()).toBe(0);
    expect(sum(await committed())).toBe(7);
  }, 120_000);
});

describe('bad input', () => {
  it('refuses a future reset time with a problem line, and no offset moves', async () => {
    const before = await committed();
    const future = Date.now() + 3_600_000;
    for (const path of ['reset', 'reset-preview']) {
      const r = await admin.post(`api/groups/${group}/${path}`, { topic, timestamp: future });
      expect([r.status, r.json.code]).toEqual([400, 'BAD_REQUEST']);
      expect(r.json.problems).toHaveLength(1);
      expect(r.json.problems[0]).toMatch(/^timestamp: .* in the future/);
    }
    expect(await committed()).toEqual(before);
  }, 60_000);

  it('refuses an illegal topic name and 0 / -1 queues, and creates no topic', async () => {
    const bad = await admin.post('api/topics', { topic: 'bad topic!' });
    expect([bad.status, bad.json.code]).toEqual([400, 'BAD_REQUEST']);
    expect(bad.json.problems).toEqual([
      `topic: 'bad topic!' has the illegal character " "; only letters, digits and % | _ - are allowed`,
    ]);
    const fresh = uniqueName('ConsoleBadQ');
    for (const n of [0, -1]) {
      const r = await admin.post('api/topics', {
        topic: fresh,
        readQueueNums: n,
        writeQueueNums: n,
      });
      expect([r.status, r.json.code]).toEqual([400, 'BAD_REQUEST']);
      expect(r.json.problems).toHaveLength(2);
      expect(r.json.problems[0]).toMatch(/^readQueueNums: -?\d+ is outside 1…1024/);
    }
    const stored = async () => {
      const { queues } = (await admin.get(`api/topics/${topic}`)).json;
      return sum(queues.map((q: Json) => q.maxOffset));
    };
    const storedBefore = await stored();
    const past = Date.now() - 3_600_000;
    for (const [body, line] of [
      [{ body: 'x', delayLevel: 19 }, /^delayLevel: 19 is outside 1…18/],
      [{ body: 'x', delayLevel: 0 }, /^delayLevel: 0 is outside 1…18/],
      [{ body: 'x', deliverTimeMs: past }, /^deliverTimeMs: .* in the past/],
    ] as const) {
      const r = await admin.post(`api/topics/${topic}/messages`, body);
      expect([r.status, r.json.problems?.length]).toEqual([400, 1]);
      expect(r.json.problems[0]).toMatch(line);
    }
    expect(await stored()).toBe(storedBefore);
    const groupBad = await admin.post('api/groups', { group: 'bad group!' });
    expect(groupBad.json.problems?.[0]).toMatch(/^group: .*illegal character " "/);
    const topics = await mq.getAllTopics();
    expect(topics).not.toContain(fresh);
    expect(topics).not.toContain('bad topic!');
    expect(Object.keys(await allSubscriptionGroups(mq, cluster.brokerAddr))).not.toContain(
      'bad group!',
    );
  }, 60_000);
});

describe('logins and roles', () => {
  it('answers 429 after 5 failed logins, and refuses even the right password then', async () => {
    const c = new Client(web.url);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await c.login(LOCKED.name, 'wrong')).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const right = await c.login(LOCKED.name, LOCKED.password);
    expect([right.status, right.json.code]).toEqual([429, 'RATE_LIMITED']);
    expect(right.json.error).toMatch(/^too many failed logins for locked; try again in \d+ s$/);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another user from the same address is not locked.
    expect((await new Client(web.url).login(VIEWER.name, VIEWER.password)).status).toBe(200);
    const { entries } = (await admin.get('api/audit?limit=1000')).json;
    const trips = entries.filter(
      (e: Json) => e.action === 'session.throttle' && e.user === 'locked',
    );
    expect(trips).toHaveLength(1);
  }, 60_000);

  it('refuses every group write to a read-only user, and audits each write', async () => {
    const writes: [string, unknown][] = [
      ['api/groups', { group }],
      [`api/groups/${group}/reset`, { topic, timestamp: t0 }],
      [`api/groups/${group}/skip`, { topic }],
    ];
    for (const [path, body] of writes) {
      const r = await viewer.post(path, body);
      expect([path, r.status, r.json.code]).toEqual([path, 403, 'FORBIDDEN']);
    }
    const { entries } = (await admin.get('api/audit?limit=1000')).json;
    const mine = entries.filter((e: Json) => e.target === group);
    const done = (action: string, user: string, ok: boolean) =>
      mine.some((e: Json) => e.action === action && e.user === user && e.ok === ok);
    for (const action of ['group.update', 'group.offset.reset', 'group.offset.skip']) {
      expect([action, done(action, 'admin', true), done(action, 'viewer', false)]).toEqual([
        action,
        true,
        true,
      ]);
    }
    // The refused future reset is there too, with its reason.
    expect(
      mine.some((e: Json) => e.action === 'group.offset.reset' && /future/.test(e.error)),
    ).toBe(true);
  }, 60_000);
});
