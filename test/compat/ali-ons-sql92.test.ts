// ali-ons 3.12 SQL92 subscriptions against real KiteMQ processes. ali-ons subscribes with
// consumer.subscribe(topic, { expressionType: 'SQL92', subString }, handler): the heartbeat
// carries expressionType, and each PULL_MESSAGE carries expressionType plus, with its default
// postSubscriptionWhenPull=true, the expression itself (without it the broker uses the
// heartbeat's). It never sends CHECK_CLIENT_CONFIG, so a broker with enablePropertyFilter=false
// answers every pull SYSTEM_ERROR, which ali-ons reports as an 'error' event.
import { describe, expect, it } from 'vitest';
import { type AliMessage, aliConsumer, aliOns, aliProducer } from '../harness/ali-ons.js';
import { useCluster } from '../harness/cluster.js';
import { type BrokerHandle, startBroker, uniqueName } from '../harness/processes.js';
import { createTopic, waitFor } from '../harness/topics.js';

const SEED = "age <= 20 AND sex = '女'";
const SEED_MATCHES = ['m0', 'm2', 'm4', 'm6', 'm8', 'm10'];

const cluster = useCluster({ brokerConfig: { enablePropertyFilter: true } });

/** A topic on `broker` holding m0..m19 with age 10..29 and sex alternating 女 / 男. */
async function seedTopic(broker: BrokerHandle, prefix: string): Promise<string> {
  const topic = uniqueName(prefix);
  await createTopic(broker.addr, cluster.namesrvAddr, topic, 2);
  const producer = await aliProducer(cluster.namesrvAddr);
  try {
    for (let i = 0; i < 20; i++) {
      const msg = new (aliOns().Message)(topic, 'TagA', `m${i}`);
      msg.properties.age = String(10 + i);
      msg.properties.sex = i % 2 === 0 ? '女' : '男';
      expect((await producer.send(msg)).sendStatus).toBe('SEND_OK');
    }
  } finally {
    await producer.close();
  }
  return topic;
}

/** Subscribes with SQL92 and collects bodies and errors until `until` holds. */
async function consume(
  topic: string,
  sql: string,
  opts: Record<string, unknown>,
  until: (got: string[], errors: Error[]) => boolean,
): Promise<{ got: string[]; errors: Error[] }> {
  const got: string[] = [];
  const errors: Error[] = [];
  const consumer = aliConsumer(cluster.namesrvAddr, {
    consumerGroup: uniqueName('AliSqlGroup'),
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    ...opts,
  });
  consumer.on('error', (err) => errors.push(err));
  consumer.subscribe(topic, { expressionType: 'SQL92', subString: sql }, async (m: AliMessage) => {
    got.push(m.body.toString());
  });
  await consumer.ready();
  try {
    await waitFor(() => until(got, errors), 30_000, `ali-ons on ${topic}`);
    await new Promise((r) => setTimeout(r, 500)); // and nothing else arrives
  } finally {
    await consumer.close();
  }
  return { got, errors };
}

describe('ali-ons SQL92 subscriptions (enablePropertyFilter=true)', () => {
  it('gets exactly the matching messages, the expression posted with each pull', async () => {
    const topic = await seedTopic(cluster.broker, 'AliSql');
    const want = SEED_MATCHES.length;
    const { got } = await consume(topic, SEED, {}, (g) => g.length >= want);
    expect([...got].sort()).toEqual([...SEED_MATCHES].sort());
  }, 60_000);

  it('gets exactly the matching messages by the heartbeat subscription alone', async () => {
    const topic = await seedTopic(cluster.broker, 'AliSqlHeld');
    const sql = "sex = '男' AND (age BETWEEN 25 AND 40 OR age IN ('11'))";
    const want = ['m1', 'm15', 'm17', 'm19'];
    const opts = { postSubscriptionWhenPull: false };
    const { got } = await consume(topic, sql, opts, (g) => g.length >= want.length);
    expect([...got].sort()).toEqual([...want].sort());
  }, 60_000);
});

describe('ali-ons SQL92 subscription on a broker with enablePropertyFilter=false', () => {
  it('gets no message and an error carrying RocketMQ remark', async () => {
    const plain = await startBroker({ namesrvAddr: cluster.namesrvAddr });
    try {
      const topic = await seedTopic(plain, 'AliSqlPlain');
      const refusal = /The broker does not support consumer to filter message by SQL92/;
      const { got, errors } = await consume(topic, SEED, {}, (_, e) =>
        e.some((err) => refusal.test(err.message)),
      );
      expect(got).toEqual([]);
      const pullErrors = errors.filter((err) => err.name === 'MQConsumerPullMessageError');
      expect(pullErrors.every((err) => refusal.test(err.message))).toBe(true);
    } finally {
      await plain.stop();
    }
  }, 60_000);
});
