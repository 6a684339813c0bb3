// The console's message, dead-letter and transaction API against a real name server, broker and
// `kitemq console` process, with our SDK's producers and consumers: a time-range query paged and
// sorted newest first with its scanned-queue counts, lookups by key, unique key and offset msgId,
// each group's consume status before and after a consumer has run (and a tag it filters), a
// message handed again to a client; dead letters listed, resent to their group (a consumer gets
// them under their original topic) and exported; a transaction left UNKNOWN listed as pending
// and committed through the API. Read-only users are refused every write, and writes are audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushConsumer } from '../../src/client/push-consumer.js';
import { TransactionProducer } from '../../src/client/transaction-producer.js';
import { silentLogger } from '../../src/common/logger.js';
import { useCluster } from '../harness/cluster.js';
import { type ConsoleHandle, startConsole } from '../harness/console.js';
import { ConsoleClient as Client, type Json } from '../harness/console-client.js';
import { pollUntil } from '../harness/poll.js';
import { uniqueName } from '../harness/processes.js';
import { pushConsumer, quietPushConsumer, sendMessages } from '../harness/sdk.js';

const topic = uniqueName('ConsoleMsgs');
const dlqTopic = uniqueName('ConsoleDlq');
const txTopic = uniqueName('ConsoleTx');
const cluster = useCluster({
  brokerConfig: { messageDelayLevel: '1s 1s 1s 1s 1s 1s' },
  topics: [
    { name: topic, queues: 2 },
    { name: dlqTopic, queues: 1 },
    { name: txTopic, queues: 1 },
  ],
});
const VIEWER = { name: 'viewer', password: 'viewer-pw', role: 'read-only' as const };
const POLL_MS = 30_000;

let web: ConsoleHandle;
let admin: Client;
let viewer: Client;
const started: PushConsumer[] = [];

async function startTracked(c: PushConsumer): Promise<PushConsumer> {
  await c.start();
  started.push(c);
  return c;
}

beforeAll(async () => {
  web = await startConsole({ namesrvAddr: cluster.namesrvAddr, users: [VIEWER] });
  admin = new Client(web.url);
  await admin.login('admin', web.adminPassword);
  viewer = new Client(web.url);
  await viewer.login(VIEWER.name, VIEWER.password);
});

afterAll(async () => {
  for (const c of started) await c.shutdown();
  await web?.stop();
});

interface Summary {
  msgId: string;
  offsetMsgId: string;
  tags: string | null;
  keys: string | null;
  queueId: number;
  storeTimestamp: number;
}

const statusOf = (detail: { consumeStatus: { group: string; status: string }[] }, g: string) =>
  detail.consumeStatus.find((s) => s.group === g)?.status;

describe('messages', () => {
  const group = uniqueName('ConsoleMsgCG');
  const t0 = Date.now() - 1_000;
  const bodies = ['plain 0', '{"order":1}', 'plain 2', '{"order":3}', 'plain 4'];

  it('queries a time range in pages, newest first, saying how many queues it read', async () => {
    await sendMessages(
      cluster.namesrvAddr,
      bodies.map((body, i) => ({ topic, body, keys: [`k${i}`], tags: i % 2 ? 'TagB' : 'TagA' })),
    );
    const range = (extra: string) =>
      `api/messages?topic=${topic}&begin=${t0}&end=${Date.now() + 60_000}${extra}`;
    const all = await pollUntil(
      async () => (await admin.get(range('&pageSize=100'))).json,
      (j) => j.total === 5,
      POLL_MS,
    );
    expect(all).toMatchObject({ total: 5, scannedQueues: 2, totalQueues: 2, truncated: false });
    const stamps = all.messages.map((m: Summary) => m.storeTimestamp);
    expect(stamps).toEqual([...stamps].sort((a, b) => b - a));
    const pages = [];
    for (const page of [1, 2, 3]) {
      pages.push((await admin.get(range(`&page=${page}&pageSize=2`))).json);
    }
    expect(pages.map((p) => p.messages.length)).toEqual([2, 2, 1]);
    expect(pages.map((p) => [p.page, p.pageSize, p.total])).toEqual([
      [1, 2, 5],
      [2, 2, 5],
      [3, 2, 5],
    ]);
    const paged = pages.flatMap((p) => p.messages.map((m: Summary) => m.msgId));
    expect(paged).toEqual(all.messages.map((m: Summary) => m.msgId));
    expect(new Set(paged).size).toBe(5);

    const before = await admin.get(
      `api/messages?topic=${topic}&begin=${t0 - 120_000}&end=${t0 - 60_000}`,
    );
    expect(before.json).toMatchObject({ total: 0, messages: [], scannedQueues: 2 });
    const wide = await admin.get(`api/messages?topic=${topic}&begin=0&end=${8 * 86_400_000}`);
    expect([wide.status, wide.json.code]).toEqual([400, 'BAD_REQUEST']);
    const big = await admin.get(range('&pageSize=101'));
    expect(big.status).toBe(400);
  }, 90_000);

  it('finds a message by key, by unique key and by offset msgId, body as text and JSON', async () => {
    const byKey = await pollUntil(
      async () => (await admin.get(`api/messages/by-key?topic=${topic}&key=k1`)).json.messages,
      (m: Json) => m.length === 1,
      POLL_MS,
    );
    expect(byKey[0]).toMatchObject({ keys: 'k1', tags: 'TagB', topic, bodySize: 11 });
    const byUniq = (await admin.get(`api/messages/detail?topic=${topic}&id=${byKey[0].msgId}`))
      .json;
    expect(byUniq.message).toMatchObject({
      msgId: byKey[0].msgId,
      offsetMsgId: byKey[0].offsetMsgId,
      bodyText: '{"order":1}',
      bodyJson: true,
      bodyBase64: Buffer.from('{"order":1}').toString('base64'),
      reconsumeTimes: 0,
    });
    expect(byUniq.message.properties).toMatchObject({ KEYS: 'k1', TAGS: 'TagB' });
    const id = byKey[0].offsetMsgId;
    const byOffset = (await admin.get(`api/messages/detail?topic=${topic}&id=${id}`)).json;
    expect(byOffset.message).toEqual(byUniq.message);
    const plain = (await admin.get(`api/messages/by-key?topic=${topic}&key=k0`)).json.messages;
    const k0 = (await admin.get(`api/messages/detail?topic=${topic}&id=${plain[0].msgId}`)).json;
    expect([k0.message.bodyText, k0.message.bodyJson]).toEqual(['plain 0', false]);
    const none = await admin.get(`api/messages/detail?topic=${topic}&id=${'0'.repeat(32)}`);
    expect([none.status, none.json.code]).toEqual([404, 'NOT_FOUND']);
  }, 60_000);

  it('tells each group NOT_CONSUMED until its consumer has run, then CONSUMED', async () => {
    const ids = (await admin.get(`api/messages?topic=${topic}&begin=${t0}&end=${Date.now()}`)).json
      .messages as Summary[];
    const tagA = ids.find((m) => m.tags === 'TagA')!;
    const tagB = ids.find((m) => m.tags === 'TagB')!;
    let release = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const seen: string[] = [];
    const c = pushConsumer(cluster.namesrvAddr, group, {
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      persistConsumerOffsetInterval: 200,
    });
    c.subscribe(topic, 'TagA').registerMessageListener(async (msgs) => {
      await gate;
      for (const m of msgs) seen.push(m.body.toString());
      return 'CONSUME_SUCCESS' as const;
    });
    await startTracked(c);
    const detail = (id: string) =>
      admin.get(`api/messages/detail?topic=${topic}&id=${id}`).then((r) => r.json);
    const waiting = await pollUntil(
      () => detail(tagA.msgId),
      (d) => statusOf(d, group) === 'NOT_CONSUMED',
      POLL_MS,
    );
    expect(statusOf(waiting, group)).toBe('NOT_CONSUMED');
    release();
    const done = await pollUntil(
      () => detail(tagA.msgId),
      (d) => statusOf(d, group) === 'CONSUMED',
      POLL_MS,
    );
    expect(statusOf(done, group)).toBe('CONSUMED');
    const filtered = await pollUntil(
      () => detail(tagB.msgId),
      (d) => statusOf(d, group) === 'CONSUMED_BUT_FILTERED',
      POLL_MS,
    );
    expect(statusOf(filtered, group)).toBe('CONSUMED_BUT_FILTERED');
    expect(seen.sort()).toEqual(['plain 0', 'plain 2', 'plain 4']);

    const resend = { topic, id: tagA.msgId, group };
    const refused = await viewer.post('api/messages/resend', resend);
    expect([refused.status, refused.json.code]).toEqual([403, 'FORBIDDEN']);
    const before = seen.length;
    const r = await admin.post('api/messages/resend', resend);
    expect(r.json).toMatchObject({ ok: true, result: { consumeResult: 'CR_SUCCESS' } });
    // The client's listener ran on it once more, as ConsumeMessageDirectly does.
    expect(seen.slice(before)).toHaveLength(1);
  }, 90_000);
});

describe('dead letters', () => {
  const group = uniqueName('ConsoleDlqCG');

  it('lists a group, resends to it, and exports JSON lines', async () => {
    const failing = quietPushConsumer(cluster.namesrvAddr, group, {
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      maxReconsumeTimes: 1,
    });
    failing.subscribe(dlqTopic, '*').registerMessageListener(() => 'RECONSUME_LATER');
    await startTracked(failing);
    await sendMessages(cluster.namesrvAddr, [
      { topic: dlqTopic, body: 'poison 1', keys: ['p1'] },
      { topic: dlqTopic, body: 'poison 2', keys: ['p2'] },
    ]);
    const listed = await pollUntil(
      async () => (await admin.get('api/dlq')).json.groups,
      (gs: Json) => gs.some((g: Json) => g.group === group && g.count === 2),
      60_000,
    );
    const entry = listed.find((g: Json) => g.group === group);
    expect(entry).toMatchObject({ topic: `%DLQ%${group}`, count: 2 });
    expect(entry.lastStoreTimestamp).toBeGreaterThan(0);
    await failing.shutdown();

    const page = (await admin.get(`api/dlq/messages?group=${group}&page=1&pageSize=10`)).json;
    expect(page).toMatchObject({ page: 1, pageSize: 10, total: 2 });
    expect(page.messages.map((m: { originTopic: string }) => m.originTopic)).toEqual([
      dlqTopic,
      dlqTopic,
    ]);
    expect(
      page.messages.every((m: { originMsgId: string }) => /^[0-9A-F]{32}$/.test(m.originMsgId)),
    ).toBe(true);

    const seen: { topic: string; body: string }[] = [];
    const healed = pushConsumer(cluster.namesrvAddr, group, {
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    });
    healed.subscribe(dlqTopic, '*').registerMessageListener((msgs) => {
      for (const m of msgs) seen.push({ topic: m.topic, body: m.body.toString() });
      return 'CONSUME_SUCCESS';
    });
    await startTracked(healed);
    const one = { group, ids: [page.messages[0].msgId, 'NOT-A-DEAD-LETTER'] };
    expect((await viewer.post('api/dlq/resend', one)).status).toBe(403);
    const r1 = await admin.post('api/dlq/resend', one);
    expect(r1.json.resent).toBe(1);
    expect(r1.json.failed).toEqual([
      { id: 'NOT-A-DEAD-LETTER', error: expect.stringContaining('not among') },
    ]);
    await pollUntil(
      () => seen,
      (s) => s.length >= 1,
      POLL_MS,
    );
    expect(seen).toEqual([{ topic: dlqTopic, body: expect.stringMatching(/^poison [12]$/) }]);
    const r2 = await admin.post('api/dlq/resend', { group, all: true });
    expect(r2.json).toEqual({ resent: 2, failed: [] });
    await pollUntil(
      () => seen,
      (s) => s.length >= 3,
      POLL_MS,
    );
    expect(seen.map((s) => s.body).sort()).toEqual([seen[0]!.body, 'poison 1', 'poison 2'].sort());

    const res = await admin.raw('GET', `api/dlq/export?group=${group}`);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename=".+\.jsonl"$/);
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines.map((l) => Buffer.from(l.bodyBase64, 'base64').toString()).sort()).toEqual([
      'poison 1',
      'poison 2',
    ]);
    expect(lines[0].properties.RETRY_TOPIC).toBe(dlqTopic);
  }, 120_000);
});

describe('transactions', () => {
  it('lists a half message left UNKNOWN and commits it through the API', async () => {
    const tx = new TransactionProducer({
      namesrvAddr: cluster.namesrvAddr,
      producerGroup: uniqueName('ConsoleTxPG'),
      logger: silentLogger(),
      transactionListener: {
        executeLocalTransaction: () => 'UNKNOWN',
        checkLocalTransaction: () => 'UNKNOWN',
      },
    });
    await tx.start();
    try {
      const sent = await tx.send({ topic: txTopic, body: 'transfer 7', keys: 'tx-7' }, null);
      const pending = await pollUntil(
        async () => (await admin.get('api/transactions')).json.pending,
        (p: Json) => p.some((h: Json) => h.msgId === sent.transactionId),
        POLL_MS,
      );
      expect((await admin.get('api/transactions')).json.unreachable).toEqual([]);
      const half = pending.find((h: { msgId: string }) => h.msgId === sent.transactionId);
      expect(half).toMatchObject({
        brokerName: cluster.broker.brokerName,
        topic: txTopic,
        transactionId: sent.transactionId,
      });
      const seen: string[] = [];
      const c = pushConsumer(cluster.namesrvAddr, uniqueName('ConsoleTxCG'), {
        consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      });
      c.subscribe(txTopic, '*').registerMessageListener((msgs) => {
        for (const m of msgs) seen.push(m.body.toString());
        return 'CONSUME_SUCCESS';
      });
      await startTracked(c);
      const resolve = { brokerName: half.brokerName, msgId: half.msgId, action: 'commit' };
      expect((await viewer.post('api/transactions/resolve', resolve)).status).toBe(403);
      expect((await admin.post('api/transactions/resolve', resolve)).json).toMatchObject({
        ok: true,
      });
      await pollUntil(
        () => seen,
        (s) => s.length > 0,
        POLL_MS,
      );
      expect(seen).toEqual(['transfer 7']);
      const after = (await admin.get('api/transactions')).json.pending;
      expect(after.some((h: { msgId: string }) => h.msgId === sent.transactionId)).toBe(false);

      const undone = await tx.send({ topic: txTopic, body: 'transfer 8' }, null);
      const listed = await pollUntil(
        async () => (await admin.get('api/transactions')).json.pending,
        (p: Json) => p.some((h: Json) => h.msgId === undone.transactionId),
        POLL_MS,
      );
      const back = listed.find((h: Json) => h.msgId === undone.transactionId);
      const rollback = { brokerName: back.brokerName, msgId: back.offsetMsgId, action: 'rollback' };
      expect((await admin.post('api/transactions/resolve', rollback)).json).toEqual({ ok: true });
      const gone = (await admin.get('api/transactions')).json.pending;
      expect(gone.some((h: Json) => h.msgId === undone.transactionId)).toBe(false);
      const twice = await admin.post('api/transactions/resolve', rollback);
      expect([twice.status, twice.json.code]).toEqual([404, 'NOT_FOUND']);
    } finally {
      await tx.shutdown();
    }
  }, 90_000);
});

describe('audit', () => {
  it('records every write of these pages, refused ones too', async () => {
    const entries = (await admin.get('api/audit?limit=1000')).json.entries as {
      user: string;
      action: string;
      ok: boolean;
    }[];
    const seen = (action: string, user: string, ok: boolean) =>
      entries.some((e) => e.action === action && e.user === user && e.ok === ok);
    for (const action of ['message.resend', 'dlq.resend', 'transaction.resolve']) {
      expect([action, seen(action, 'admin', true), seen(action, 'viewer', false)]).toEqual([
        action,
        true,
        true,
      ]);
    }
  });
});
