// SQL92 property filters on a real broker, driven with raw PULL_MESSAGE / HEART_BEAT /
// CHECK_CLIENT_CONFIG and with our SDK: with enablePropertyFilter=true a SQL92 pull returns
// exactly the matching messages (the seed example age <= 20 AND sex = '女' included), whether
// the pull posts the expression or the broker holds it from a heartbeat; a bad expression is
// answered SUBSCRIPTION_PARSE_FAILED (posted) or FILTER_DATA_NOT_EXIST (held), naming the
// column; with the default (false) RocketMQ's refusal. ali-ons: test/compat/ali-ons-sql92.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { PushConsumer } from '../../src/client/push-consumer.js';
import { silentLogger } from '../../src/common/logger.js';
import type { MessageExt } from '../../src/message/message.js';
import { decodeRecords } from '../../src/message/record-codec.js';
import { buildPullSysFlag } from '../../src/protocol/headers/pull.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import type { RawBroker } from '../harness/raw-protocol.js';
import { pullHeader } from '../harness/raw-protocol.js';
import { waitFor } from '../harness/topics.js';

const SEED = "age <= 20 AND sex = '女'";
/** brokers[0] filters by SQL92, brokers[1] does not. */
const SQL = 0;
const PLAIN = 1;
const cluster = useCluster({ brokers: [{ conf: { enablePropertyFilter: true } }, {}] });

interface SqlPull {
  offset?: number;
  suspendMs?: number;
  group?: string;
  /** false: no expression in the pull, the broker uses the group's heartbeat subscription. */
  posted?: boolean;
}

/** One SQL92 pull of queue 0, the expression posted in the request unless `posted` is false. */
async function pullSql(raw: RawBroker, topic: string, sql: string, o: SqlPull = {}) {
  const suspendMs = o.suspendMs ?? 0;
  const posted = o.posted ?? true;
  const r = await raw.call(
    RequestCode.PULL_MESSAGE,
    pullHeader(o.group ?? 'SqlGroup', topic, 0, o.offset ?? 0, {
      sysFlag: buildPullSysFlag({
        commitOffset: false,
        suspend: suspendMs > 0,
        subscription: posted,
      }),
      suspendTimeoutMillis: suspendMs,
      subscription: posted ? sql : undefined,
      expressionType: posted ? 'SQL92' : undefined,
    }),
    undefined,
    suspendMs + 10_000,
  );
  const msgs: MessageExt[] = r.code === 0 && r.body ? decodeRecords(r.body) : [];
  return { code: r.code, remark: r.remark ?? '', next: Number(r.extFields.nextBeginOffset), msgs };
}

/** A consumer heartbeat subscribing `topic` with a SQL92 expression. */
function heartbeatSql(raw: RawBroker, group: string, topic: string, sql: string, subVersion = 1) {
  const subscriptionDataSet = [
    { topic, subString: sql, expressionType: 'SQL92', tagsSet: [], codeSet: [], subVersion },
  ];
  const consumer = {
    groupName: group,
    consumeType: 'CONSUME_PASSIVELY',
    messageModel: 'CLUSTERING',
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    subscriptionDataSet,
  };
  const body = { clientID: `sql-${group}`, producerDataSet: [], consumerDataSet: [consumer] };
  return raw.call(RequestCode.HEART_BEAT, {}, Buffer.from(JSON.stringify(body)));
}

/** CHECK_CLIENT_CONFIG, as the Java client sends it before starting a non-TAG subscription. */
function checkClientConfig(raw: RawBroker, topic: string, subString: string, type = 'SQL92') {
  const subscriptionData = { topic, subString, expressionType: type, subVersion: 1 };
  const body = { clientId: 'c1', group: 'SqlGroup', subscriptionData };
  return raw.call(RequestCode.CHECK_CLIENT_CONFIG, {}, Buffer.from(JSON.stringify(body)));
}

/** Every matching message from offset 0 on, following nextBeginOffset. */
async function drainSql(
  raw: RawBroker,
  topic: string,
  sql: string,
  o: SqlPull = {},
): Promise<string[]> {
  const got: string[] = [];
  let offset = 0;
  for (let i = 0; i < 50; i++) {
    const r = await pullSql(raw, topic, sql, { ...o, offset });
    if (r.code === ResponseCode.PULL_NOT_FOUND) break;
    expect([ResponseCode.SUCCESS, ResponseCode.PULL_RETRY_IMMEDIATELY]).toContain(r.code);
    got.push(...r.msgs.map((m) => m.body.toString()));
    offset = r.next;
  }
  return got;
}

describe('SQL92 filters with enablePropertyFilter=true', () => {
  const topic = uniqueName('People');
  const people = Array.from({ length: 40 }, (_, i) => ({
    name: `p${i}`,
    age: String(10 + i),
    sex: i % 2 === 0 ? '女' : '男',
    city: i % 3 === 0 ? 'hangzhou' : 'beijing',
  }));

  beforeAll(async () => {
    const raw = cluster.rawTo(SQL);
    await cluster.createTopic(topic, 1, [SQL]);
    for (const p of people) {
      const { name, ...props } = p;
      expect((await raw.send(topic, 0, name, props)).code).toBe(0);
    }
  });

  it('returns exactly the matching messages', async () => {
    const raw = cluster.rawTo(SQL);
    const expect1 = people.filter((p) => Number(p.age) <= 20 && p.sex === '女').map((p) => p.name);
    expect(await drainSql(raw, topic, SEED)).toEqual(expect1);
    const sql2 = "city IN ('hangzhou') AND (age BETWEEN 30 AND 40 OR name STARTSWITH 'x')";
    const expect2 = people
      .filter((p) => p.city === 'hangzhou' && Number(p.age) >= 30 && Number(p.age) <= 40)
      .map((p) => p.name);
    expect(await drainSql(raw, topic, sql2)).toEqual(expect2);
    expect(await drainSql(raw, topic, 'missing IS NOT NULL')).toEqual([]);
  });

  it('answers a bad expression with SUBSCRIPTION_PARSE_FAILED naming the column', async () => {
    const raw = cluster.rawTo(SQL);
    const r = await pullSql(raw, topic, 'age <= 20 AND');
    expect(r.code).toBe(ResponseCode.SUBSCRIPTION_PARSE_FAILED);
    expect(r.remark).toMatch(/parse the consumer's subscription failed: .*at column 14/);
  });

  it('validates SQL92 in CHECK_CLIENT_CONFIG', async () => {
    const raw = cluster.rawTo(SQL);
    expect((await checkClientConfig(raw, topic, SEED)).code).toBe(ResponseCode.SUCCESS);
    expect((await checkClientConfig(raw, topic, 'a||b', 'TAG')).code).toBe(ResponseCode.SUCCESS);
    const bad = await checkClientConfig(raw, topic, 'age >');
    expect(bad.code).toBe(ResponseCode.SUBSCRIPTION_PARSE_FAILED);
    expect(bad.remark).toMatch(/"age >" does not compile: .*ends too early \(at column 6\)/);
    const other = await checkClientConfig(raw, topic, 'x', 'CLASS');
    expect(other.code).toBe(ResponseCode.SUBSCRIPTION_PARSE_FAILED);
  });

  it('filters by the expression a heartbeat registered when the pull posts none', async () => {
    const raw = cluster.rawTo(SQL);
    const group = uniqueName('HeldSql');
    expect((await heartbeatSql(raw, group, topic, SEED)).code).toBe(ResponseCode.SUCCESS);
    const want = people.filter((p) => Number(p.age) <= 20 && p.sex === '女').map((p) => p.name);
    expect(await drainSql(raw, topic, 'ignored', { group, posted: false })).toEqual(want);
    // A changed expression that does not compile leaves the group without a filter.
    await heartbeatSql(raw, group, topic, "sex = '女' AND", 2);
    const r = await pullSql(raw, topic, '', { group, posted: false });
    expect(r.code).toBe(ResponseCode.FILTER_DATA_NOT_EXIST);
    expect(r.remark).toMatch(/SQL92 expression of its subscription does not compile: .*column 14/);
  });

  it('wakes a parked SQL92 pull only for an arrival that matches', async () => {
    const raw = cluster.rawTo(SQL);
    const end = await raw.maxOffset(topic, 0);
    let answered = false;
    const parked = pullSql(raw, topic, "sex = '女' AND age > 100", {
      offset: end,
      suspendMs: 10_000,
    }).finally(() => {
      answered = true;
    });
    await new Promise((r) => setTimeout(r, 200));
    await raw.send(topic, 0, 'old-man', { sex: '男', age: '101' });
    await raw.send(topic, 0, 'young-woman', { sex: '女', age: '30' });
    await new Promise((r) => setTimeout(r, 300));
    expect(answered).toBe(false); // RocketMQ checks the arrival's properties before waking
    await raw.send(topic, 0, 'old-woman', { sex: '女', age: '101' });
    const r = await parked;
    expect(r.code).toBe(ResponseCode.SUCCESS);
    expect(r.msgs.map((m) => m.body.toString())).toEqual(['old-woman']);
    expect(r.next).toBe(end + 3);
  });
});

describe('SQL92 from our SDK', () => {
  it('subscribes with { sql } and gets only the matching messages', async () => {
    const topic = uniqueName('SdkSql');
    await cluster.createTopic(topic, 2, [SQL]);
    const raw = cluster.rawTo(SQL);
    for (let i = 0; i < 20; i++) {
      const props = { age: String(10 + i), sex: i % 2 === 0 ? '女' : '男' };
      expect((await raw.send(topic, i % 2, `s${i}`, props)).code).toBe(0);
    }
    const got: string[] = [];
    const c = new PushConsumer({
      namesrvAddr: cluster.namesrvAddr,
      consumerGroup: uniqueName('SdkSqlGroup'),
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      logger: silentLogger(),
    });
    c.on('error', () => {});
    c.subscribe(topic, { sql: SEED }).registerMessageListener((msgs) => {
      for (const m of msgs) got.push(m.body.toString());
      return 'CONSUME_SUCCESS';
    });
    await c.start();
    try {
      const want = ['s0', 's2', 's4', 's6', 's8', 's10'];
      await waitFor(() => got.length >= want.length, 20_000, 'the SQL92 matches');
      await new Promise((r) => setTimeout(r, 300));
      expect([...got].sort()).toEqual([...want].sort());
    } finally {
      await c.shutdown();
    }
  });
});

describe('SQL92 with enablePropertyFilter=false (the default)', () => {
  const refusal =
    /^The broker does not support consumer to filter message by SQL92; set enablePropertyFilter=true/;

  it('refuses a SQL92 pull, posted or held, and CHECK_CLIENT_CONFIG, with RocketMQ remark', async () => {
    const raw = cluster.rawTo(PLAIN);
    const topic = uniqueName('Plain');
    await cluster.createTopic(topic, 1, [PLAIN]);
    const posted = await pullSql(raw, topic, SEED);
    expect(posted.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(posted.remark).toMatch(refusal);
    const check = await checkClientConfig(raw, topic, SEED);
    expect(check.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(check.remark).toMatch(refusal);
    expect((await checkClientConfig(raw, topic, '*', 'TAG')).code).toBe(ResponseCode.SUCCESS);
    const group = uniqueName('PlainHeld');
    expect((await heartbeatSql(raw, group, topic, SEED)).code).toBe(ResponseCode.SUCCESS);
    const held = await pullSql(raw, topic, '', { group, posted: false });
    expect(held.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(held.remark).toMatch(refusal);
    // RocketMQ looks for the group's filter data before it asks whether it filters at all.
    await heartbeatSql(raw, group, topic, 'age >', 2);
    const bad = await pullSql(raw, topic, '', { group, posted: false });
    expect(bad.code).toBe(ResponseCode.FILTER_DATA_NOT_EXIST);
  });
});
