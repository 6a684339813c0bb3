// SQL92 property filters on a real broker: with enablePropertyFilter=true a SQL92 pull returns
// exactly the matching messages (the seed example age <= 20 AND sex = '女' included), a bad
// expression is answered SUBSCRIPTION_PARSE_FAILED naming the column, CHECK_CLIENT_CONFIG
// validates; with the default (false) RocketMQ's refusal. And an ali-ons SQL92 subscription.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PushConsumer } from '../../src/client/push-consumer.js';
import { silentLogger } from '../../src/common/logger.js';
import type { MessageExt } from '../../src/message/message.js';
import { decodeRecords } from '../../src/message/record-codec.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { RemotingClient } from '../../src/remoting/remoting-client.js';
import { type AliMessage, aliClientOptions, aliOns } from '../harness/ali-ons.js';
import {
  type BrokerHandle,
  type NamesrvHandle,
  startBroker,
  startNamesrv,
  uniqueName,
} from '../harness/processes.js';
import { RawBroker } from '../harness/raw-protocol.js';
import { createTopic, waitFor } from '../harness/topics.js';

const client = new RemotingClient(silentLogger());
let namesrv: NamesrvHandle;
let sqlBroker: BrokerHandle;
let plainBroker: BrokerHandle;
const SEED = "age <= 20 AND sex = '女'";

beforeAll(async () => {
  namesrv = await startNamesrv();
  [sqlBroker, plainBroker] = await Promise.all([
    startBroker({ namesrvAddr: namesrv.addr, conf: { enablePropertyFilter: true } }),
    startBroker({ namesrvAddr: namesrv.addr }),
  ]);
});

afterAll(async () => {
  client.close();
  await sqlBroker?.stop();
  await plainBroker?.stop();
  await namesrv?.stop();
});

/** One SQL92 pull of queue 0 from `offset`, the expression in the request. */
async function pullSql(raw: RawBroker, topic: string, sql: string, offset = 0, suspendMs = 0) {
  const r = await raw.call(
    RequestCode.PULL_MESSAGE,
    {
      consumerGroup: 'SqlGroup',
      topic,
      queueId: 0,
      queueOffset: offset,
      maxMsgNums: 32,
      sysFlag: 4 | (suspendMs > 0 ? 2 : 0),
      commitOffset: 0,
      suspendTimeoutMillis: suspendMs,
      subscription: sql,
      expressionType: 'SQL92',
      subVersion: 0,
    },
    undefined,
    suspendMs + 10_000,
  );
  const msgs: MessageExt[] = r.code === 0 && r.body ? decodeRecords(r.body) : [];
  return { code: r.code, remark: r.remark ?? '', next: Number(r.extFields.nextBeginOffset), msgs };
}

/** Every matching message from offset 0 on, following nextBeginOffset. */
async function drainSql(raw: RawBroker, topic: string, sql: string): Promise<string[]> {
  const got: string[] = [];
  let offset = 0;
  for (let i = 0; i < 50; i++) {
    const r = await pullSql(raw, topic, sql, offset);
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
    const raw = new RawBroker(client, () => sqlBroker.addr);
    await createTopic(sqlBroker.addr, namesrv.addr, topic, 1);
    for (const p of people) {
      const { name, ...props } = p;
      expect((await raw.send(topic, 0, name, props)).code).toBe(0);
    }
  });

  it('returns exactly the matching messages', async () => {
    const raw = new RawBroker(client, () => sqlBroker.addr);
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
    const raw = new RawBroker(client, () => sqlBroker.addr);
    const r = await pullSql(raw, topic, 'age <= 20 AND');
    expect(r.code).toBe(ResponseCode.SUBSCRIPTION_PARSE_FAILED);
    expect(r.remark).toMatch(/parse the consumer's subscription failed: .*at column 14/);
  });

  it('validates SQL92 in CHECK_CLIENT_CONFIG', async () => {
    const raw = new RawBroker(client, () => sqlBroker.addr);
    const check = (subString: string) =>
      raw.call(
        RequestCode.CHECK_CLIENT_CONFIG,
        {},
        Buffer.from(
          JSON.stringify({
            clientId: 'c1',
            group: 'SqlGroup',
            subscriptionData: { topic, subString, expressionType: 'SQL92', subVersion: 1 },
          }),
        ),
      );
    expect((await check(SEED)).code).toBe(ResponseCode.SUCCESS);
    const bad = await check('age >');
    expect(bad.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(bad.remark).toMatch(/CheckClientConfig error when compiling age >/);
  });

  it('wakes a parked SQL92 pull on arrival and returns only what matches', async () => {
    const raw = new RawBroker(client, () => sqlBroker.addr);
    const end = await raw.maxOffset(topic, 0);
    const parked = pullSql(raw, topic, "sex = '女' AND age > 100", end, 10_000);
    await new Promise((r) => setTimeout(r, 200));
    await raw.send(topic, 0, 'old-woman', { sex: '女', age: '101' });
    const r = await parked;
    expect(r.code).toBe(ResponseCode.SUCCESS);
    expect(r.msgs.map((m) => m.body.toString())).toEqual(['old-woman']);
  });

  it('serves an ali-ons SQL92 subscription', async () => {
    const t = uniqueName('AliSql');
    await createTopic(sqlBroker.addr, namesrv.addr, t, 2);
    const producer = new (aliOns().Producer)({
      ...aliClientOptions(namesrv.addr),
      producerGroup: uniqueName('PG'),
    });
    await producer.ready();
    for (let i = 0; i < 20; i++) {
      const msg = new (aliOns().Message)(t, 'TagA', `m${i}`);
      msg.properties.age = String(10 + i);
      msg.properties.sex = i % 2 === 0 ? '女' : '男';
      await producer.send(msg);
    }
    await producer.close();
    const got: string[] = [];
    const consumer = new (aliOns().Consumer)({
      ...aliClientOptions(namesrv.addr),
      consumerGroup: uniqueName('AliSqlGroup'),
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    });
    consumer.on('error', () => {});
    consumer.subscribe(t, { expressionType: 'SQL92', subString: SEED }, async (m: AliMessage) => {
      got.push(m.body.toString());
    });
    await consumer.ready();
    const want = ['m0', 'm2', 'm4', 'm6', 'm8', 'm10'];
    try {
      await waitFor(() => got.length >= want.length, 30_000, 'ali-ons SQL92 deliveries');
      await new Promise((r) => setTimeout(r, 500)); // nothing else arrives
      expect([...got].sort()).toEqual([...want].sort());
    } finally {
      await consumer.close();
    }
  }, 60_000);
});

describe('SQL92 from our SDK', () => {
  it('subscribes with { sql } and gets only the matching messages', async () => {
    const topic = uniqueName('SdkSql');
    await createTopic(sqlBroker.addr, namesrv.addr, topic, 2);
    const raw = new RawBroker(client, () => sqlBroker.addr);
    for (let i = 0; i < 20; i++) {
      const props = { age: String(10 + i), sex: i % 2 === 0 ? '女' : '男' };
      expect((await raw.send(topic, i % 2, `s${i}`, props)).code).toBe(0);
    }
    const got: string[] = [];
    const c = new PushConsumer({
      namesrvAddr: namesrv.addr,
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
  it('refuses a SQL92 pull with RocketMQ remark and the key to set', async () => {
    const raw = new RawBroker(client, () => plainBroker.addr);
    const topic = uniqueName('Plain');
    await createTopic(plainBroker.addr, namesrv.addr, topic, 1);
    const r = await pullSql(raw, topic, SEED);
    expect(r.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(r.remark).toMatch(
      /The broker does not support consumer to filter message by SQL92; set enablePropertyFilter=true/,
    );
  });
});
