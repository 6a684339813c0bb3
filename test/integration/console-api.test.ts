// The console's JSON API against a real name server, broker and `kitemq console` process: logins
// (wrong password, generated admin, read-only user), CSRF and roles on writes, topics created,
// previewed and deleted through the API and seen in the broker's route, consumer groups with and
// without offsets, the audit log, broker config, and a base path behind a proxy.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../../src/client/admin.js';
import { updateSubscriptionGroup } from '../../src/client/admin-groups.js';
import type { PushConsumer } from '../../src/client/push-consumer.js';
import { silentLogger } from '../../src/common/logger.js';
import { useCluster } from '../harness/cluster.js';
import { type ConsoleHandle, startConsole } from '../harness/console.js';
import { ConsoleClient as Client } from '../harness/console-client.js';
import { pollUntil } from '../harness/poll.js';
import { spawnUntilBoot, uniqueName } from '../harness/processes.js';
import { childEnv } from '../harness/run-bin.js';
import { pushConsumer, routesTo, sendMessages } from '../harness/sdk.js';

const liveTopic = uniqueName('ConsoleLive');
const liveGroup = uniqueName('ConsoleCG');
const idleGroup = uniqueName('ConsoleIdle');
const cluster = useCluster({ topics: [{ name: liveTopic, queues: 2 }] });
const VIEWER = { name: 'viewer', password: 'viewer-pw', role: 'read-only' as const };

let web: ConsoleHandle;
let consumer: PushConsumer;
let admin: AdminClient;

beforeAll(async () => {
  web = await startConsole({ namesrvAddr: cluster.namesrvAddr, users: [VIEWER] });
  admin = new AdminClient({ namesrvAddr: cluster.namesrvAddr, logger: silentLogger() });
  await sendMessages(
    cluster.namesrvAddr,
    [1, 2, 3].map((i) => ({ topic: liveTopic, body: `m${i}` })),
  );
  consumer = pushConsumer(cluster.namesrvAddr, liveGroup, {
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    persistConsumerOffsetInterval: 200,
  });
  consumer.subscribe(liveTopic, '*').registerMessageListener(() => 'CONSUME_SUCCESS');
  await consumer.start();
  await updateSubscriptionGroup(admin, cluster.brokerAddr, { groupName: idleGroup });
});

afterAll(async () => {
  await consumer?.shutdown();
  admin?.close();
  await web?.stop();
});

describe('logins and sessions', () => {
  it('refuses a wrong password with 401 and logs in with the generated admin password', async () => {
    const c = new Client(web.url);
    const bad = await c.login('admin', `${web.adminPassword}x`);
    expect(bad.status).toBe(401);
    expect(bad.json.code).toBe('UNAUTHENTICATED');
    expect((await c.login('nobody', web.adminPassword)).status).toBe(401);
    const ok = await c.login('admin', web.adminPassword);
    expect(ok.status).toBe(200);
    expect(ok.json.user).toEqual({ name: 'admin', role: 'admin' });
    expect(ok.setCookie).toMatch(/^kitemq_console=[^;]+;/);
    expect(ok.setCookie).toMatch(/HttpOnly/);
    expect(ok.setCookie).toMatch(/SameSite=Strict/);
    expect(ok.setCookie).toMatch(/Path=\/(;|$)/);
    expect(ok.setCookie).not.toMatch(/Secure/);
    expect((await c.get('api/session')).json).toEqual(ok.json);
    expect(await c.get('api/envs')).toMatchObject({
      status: 200,
      json: [{ id: '1', namesrvAddr: cluster.namesrvAddr }],
    });
    expect((await c.write('POST', 'api/logout')).json).toEqual({ ok: true });
    expect((await c.get('api/session')).status).toBe(401);
  });

  it('marks the cookie Secure when a proxy says the browser came over https', async () => {
    const c = new Client(web.url);
    const r = await c.call(
      'POST',
      'api/login',
      { username: VIEWER.name, password: VIEWER.password },
      { 'x-forwarded-proto': 'https' },
    );
    expect(r.setCookie).toMatch(/Secure/);
  });

  it('answers 401 to every API call without a session, and the not-built page at /', async () => {
    const c = new Client(web.url);
    for (const path of ['api/session', 'api/topics', 'api/groups', 'api/audit', 'api/cluster']) {
      const r = await c.get(path);
      expect([path, r.status, r.json.code]).toEqual([path, 401, 'UNAUTHENTICATED']);
    }
    expect((await c.write('POST', 'api/topics', { topic: 'X' })).status).toBe(401);
    const page = await fetch(web.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/npm run build|<div id="root">/);
  });
});

describe('writes', () => {
  it('lets a read-only user read but not write, and audits the refusal', async () => {
    const c = new Client(web.url);
    expect((await c.login(VIEWER.name, VIEWER.password)).json.user.role).toBe('read-only');
    expect((await c.get('api/topics')).status).toBe(200);
    const r = await c.write('POST', 'api/topics', { topic: uniqueName('ViewerTopic') });
    expect(r.status).toBe(403);
    expect(r.json.code).toBe('FORBIDDEN');
    expect((await c.write('DELETE', `api/topics/${liveTopic}`)).json.code).toBe('FORBIDDEN');
  });

  it('refuses a write without the CSRF header, or with another session token', async () => {
    const c = new Client(web.url);
    await c.login('admin', web.adminPassword);
    const bare = await c.call('POST', 'api/topics', { topic: uniqueName('NoCsrf') });
    expect([bare.status, bare.json.code]).toEqual([403, 'CSRF']);
    const other = new Client(web.url);
    await other.login('admin', web.adminPassword);
    const wrong = await c.call(
      'POST',
      'api/topics',
      { topic: 'X' },
      { 'x-csrf-token': other.csrf },
    );
    expect([wrong.status, wrong.json.code]).toEqual([403, 'CSRF']);
  });

  it('creates a topic, shows it and its route, previews and deletes it', async () => {
    const c = new Client(web.url);
    await c.login('admin', web.adminPassword);
    const topic = uniqueName('ConsoleTopic');
    const bad = await c.write('POST', 'api/topics', { topic: 'bad topic' });
    expect([bad.status, bad.json.code]).toEqual([400, 'BAD_REQUEST']);
    const created = await c.write('POST', 'api/topics', {
      topic,
      readQueueNums: 3,
      writeQueueNums: 3,
      perm: 6,
      order: false,
    });
    expect(created.json).toMatchObject({ ok: true, brokers: [cluster.brokerAddr] });
    const listed = await pollUntil(
      async () => (await c.get(`api/topics?q=${topic}`)).json.topics,
      (t: unknown[]) => t.length === 1,
      30_000,
    );
    expect(listed).toEqual([
      {
        topic,
        kind: 'normal',
        messageType: 'NORMAL',
        perm: 6,
        readQueueNums: 3,
        writeQueueNums: 3,
        order: false,
        brokers: [cluster.broker.brokerName],
      },
    ]);
    expect(await routesTo(cluster.namesrvAddr, topic, cluster.brokerAddr)).toBe(true);
    const normal = (await c.get('api/topics?kind=normal')).json.topics.map(
      (t: { topic: string }) => t.topic,
    );
    expect(normal).toContain(topic);
    const retry = (await c.get('api/topics?kind=retry&kind=dlq')).json.topics;
    expect(retry.every((t: { kind: string }) => t.kind === 'retry' || t.kind === 'dlq')).toBe(true);
    expect(retry.map((t: { topic: string }) => t.topic)).toContain(`%RETRY%${liveGroup}`);

    const sent = await c.write('POST', `api/topics/${topic}/messages`, {
      body: 'hi',
      tag: 'T',
      keys: 'k1',
    });
    expect(sent.json).toMatchObject({
      sendStatus: 'SEND_OK',
      queue: { brokerName: cluster.broker.brokerName },
    });
    const detail = (await c.get(`api/topics/${topic}`)).json;
    expect(detail.queues).toHaveLength(3);
    expect(detail.route.brokerDatas[0].brokerAddrs['0']).toBe(cluster.brokerAddr);
    const preview = (await c.get(`api/topics/${topic}/delete-preview`)).json;
    expect(preview).toEqual({
      topic,
      brokers: [cluster.broker.brokerName],
      queues: 3,
      messages: 1,
      groups: [],
    });

    expect((await c.write('DELETE', `api/topics/${topic}`)).json).toMatchObject({ ok: true });
    const after = await pollUntil(
      async () => (await c.get(`api/topics?q=${topic}`)).json.topics,
      (t: unknown[]) => t.length === 0,
      30_000,
    );
    expect(after).toEqual([]);
    expect(await routesTo(cluster.namesrvAddr, topic, cluster.brokerAddr)).toBe(false);
    expect((await c.get(`api/topics/${topic}`)).json.code).toBe('NOT_FOUND');
  });
});

describe('reads', () => {
  it('shows the broker up in api/cluster', async () => {
    const c = new Client(web.url);
    await c.login(VIEWER.name, VIEWER.password);
    const r = (await c.get('api/cluster')).json;
    expect(r.namesrvs).toEqual(cluster.namesrvAddr.split(';'));
    const broker = r.clusters.flatMap((k: { brokers: unknown[] }) => k.brokers)[0];
    expect(broker).toMatchObject({ addr: cluster.brokerAddr, brokerId: 0, up: true });
    expect((await c.get('api/cluster?env=nope')).json.code).toBe('NOT_FOUND');
  });

  it('lists a live consumer group with its diff and a group without offsets as unknown', async () => {
    const c = new Client(web.url);
    await c.login(VIEWER.name, VIEWER.password);
    type Row = { group: string; diffTotal: number | null; onlineClients: number | null };
    const groups = await pollUntil(
      async () => (await c.get('api/groups')).json.groups as Row[],
      (g) =>
        g.find((r) => r.group === liveGroup)?.diffTotal === 0 &&
        g.find((r) => r.group === liveGroup)?.onlineClients === 1 &&
        g.some((r) => r.group === idleGroup),
      60_000,
    );
    // The list is the console's last snapshot: every group's online count comes from the
    // broker's one-call summary, and so do the model and consume type of a group with consumers.
    expect(groups.find((g) => g.group === liveGroup)).toMatchObject({
      diffTotal: 0,
      onlineClients: 1,
      messageModel: 'CLUSTERING',
      consumeType: 'CONSUME_PASSIVELY',
    });
    expect(groups.find((g) => g.group === idleGroup)).toMatchObject({
      diffTotal: null,
      onlineClients: 0,
      messageModel: null,
      consumeType: null,
    });
    const detail = (await c.get(`api/groups/${liveGroup}`)).json;
    const own = detail.queues.filter((q: { topic: string }) => q.topic === liveTopic);
    expect(own).toHaveLength(2);
    expect(own.reduce((n: number, q: { consumerOffset: number }) => n + q.consumerOffset, 0)).toBe(
      3,
    );
    expect(detail.connections).toHaveLength(1);
  });

  it('reads broker config and changes only the keys a running broker honours', async () => {
    const c = new Client(web.url);
    await c.login('admin', web.adminPassword);
    const r = (await c.get(`api/brokers/config?addr=${cluster.brokerAddr}`)).json;
    expect(r.config.brokerName).toBe(cluster.broker.brokerName);
    expect(r.liveKeys).toContain('slaveReadEnable');
    const body = { addr: cluster.brokerAddr, changes: { flushDiskType: 'SYNC_FLUSH' } };
    const refused = await c.write('PUT', 'api/brokers/config', body);
    expect([refused.status, refused.json.code]).toEqual([400, 'BAD_REQUEST']);
    expect(refused.json.error).toMatch(/flushDiskType.*restart/);
    const changes = { slaveReadEnable: 'true' };
    const ok = await c.write('PUT', 'api/brokers/config', { addr: cluster.brokerAddr, changes });
    expect(ok.json).toEqual({ ok: true });
    const foreign = await c.write('PUT', 'api/brokers/config', { addr: '127.0.0.1:1', changes });
    expect(foreign.json.code).toBe('NOT_FOUND');
  });

  it('lists the writes in api/audit, newest first, with who made them', async () => {
    const c = new Client(web.url);
    await c.login(VIEWER.name, VIEWER.password);
    const { entries } = (await c.get('api/audit?limit=1000')).json;
    const brief = entries.map((e: { user: string; action: string; ok: boolean }) => [
      e.user,
      e.action,
      e.ok,
    ]);
    expect(brief).toContainEqual(['admin', 'topic.create', true]);
    expect(brief).toContainEqual(['admin', 'topic.delete', true]);
    expect(brief).toContainEqual(['admin', 'message.send', true]);
    expect(brief).toContainEqual(['viewer', 'topic.create', false]);
    expect(brief).toContainEqual(['admin', 'broker.config.update', false]);
    const times = entries.map((e: { at: string }) => Date.parse(e.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });
});

describe('behind a reverse proxy', () => {
  let proxied: ConsoleHandle;
  beforeAll(async () => {
    // Two environments (the same cluster twice), as with kitemq console -n … -n ….
    proxied = await startConsole({
      namesrvAddr: [cluster.namesrvAddr, cluster.namesrvAddr],
      basePath: '/rocketmq/',
      users: [{ name: 'ops', password: 'ops-pw', role: 'admin' }],
    });
  });
  afterAll(async () => {
    await proxied?.stop();
  });

  it('serves everything under the base path and takes a foreign Origin', async () => {
    expect(new URL(proxied.url).pathname).toBe('/rocketmq/');
    expect(proxied.adminPassword).toBe('ops-pw');
    const root = new URL('/', proxied.url).href;
    expect((await new Client(root).get('api/session')).status).toBe(404);
    const c = new Client(proxied.url);
    expect((await c.get('api/session')).status).toBe(401);
    const origin = { origin: 'https://proxy.example.com' };
    const login = await c.call(
      'POST',
      'api/login',
      { username: 'ops', password: 'ops-pw' },
      origin,
    );
    expect(login.status).toBe(200);
    expect(login.setCookie).toMatch(/Path=\/rocketmq\//);
    c.csrf = login.json.csrfToken;
    expect((await c.call('GET', 'api/session', undefined, origin)).status).toBe(200);
    const topic = uniqueName('ProxyTopic');
    const created = await c.call(
      'POST',
      'api/topics',
      { topic },
      { ...origin, 'x-csrf-token': c.csrf },
    );
    expect(created.json).toMatchObject({ ok: true });
    const envs = (await c.get('api/envs')).json.map((e: { id: string }) => e.id);
    expect(envs).toEqual(['1', '2']);
    const second = await c.get(`api/topics?env=2&q=${topic}`);
    expect(second.json.topics.map((t: { topic: string }) => t.topic)).toEqual([topic]);
    const page = await fetch(new URL('/rocketmq', proxied.url), { redirect: 'manual' });
    expect([page.status, page.headers.get('location')]).toEqual([302, '/rocketmq/']);
  });
});

describe('npm start (kitemq standalone)', () => {
  it('starts the console too, printing its URL and the generated admin password once', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'kitemq-console-standalone-'));
    const args = ['standalone', '--namesrv-port', '0', '--broker-port', '0', '--store', tmp];
    const boot = /KiteMQ standalone is running/;
    const run = () => spawnUntilBoot('kitemq', args, childEnv({ HOME: tmp }), boot, 30_000);
    const stop = async (proc: Awaited<ReturnType<typeof run>>['proc']) => {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    };
    try {
      const first = await run();
      const out = await pollUntil(first.output, (o) => /Create a topic/.test(o), 10_000);
      const url = /^ {2}console {6}(http:\S+)$/m.exec(out)?.[1];
      const password = /log in as admin with password (\S+)/.exec(out)?.[1];
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const c = new Client(url!);
      expect((await c.login('admin', password!)).status).toBe(200);
      expect((await c.get('api/cluster')).json.clusters[0].brokers[0].up).toBe(true);
      await stop(first.proc);
      const second = await run();
      const again = await pollUntil(second.output, (o) => /Create a topic/.test(o), 10_000);
      expect(again).toMatch(/^ {2}console {6}http:/m);
      expect(again).not.toContain('password');
      await stop(second.proc);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
