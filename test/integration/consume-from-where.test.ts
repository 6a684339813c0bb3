// Where a new push consumer group starts (RebalancePushImpl#computePullFromWhere with the broker's
// QUERY_CONSUMER_OFFSET rule). A group with no committed offset asks the broker; while the queue
// still begins at offset 0 and its head is in memory the broker answers 0, so on a young queue
// every start point reads from the beginning (RocketMQ's "a new group sees what was already
// sent"). Once retention moved the queue's min offset past 0 the broker answers QUERY_NOT_FOUND and
// consumeFromWhere applies: LAST_OFFSET starts at the max offset, TIMESTAMP at the first message
// stored at or after consumeTimestamp (SEARCH_OFFSET_BY_TIMESTAMP), FIRST_OFFSET at 0, which the
// first pull moves to the min offset (PULL_OFFSET_MOVED).
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Producer } from '../../src/client/producer.js';
import type { ConsumeFromWhere, PushConsumer } from '../../src/client/push-consumer.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import { pushConsumer, startProducer } from '../harness/sdk.js';
import { waitFor, waitForAsync } from '../harness/topics.js';

const EVERY_HOUR = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0')).join(';');
let producer: Producer;
const consumers: PushConsumer[] = [];

// 4 KiB commit-log segments deleted as soon as they are not the tail and flushed (every 500 ms,
// whatever is dirty): a queue whose head is gone.
const cluster = useCluster({
  brokerConfig: {
    mapedFileSizeCommitLog: 4096,
    maxMessageSize: 1024,
    deleteWhen: EVERY_HOUR,
    fileReservedTime: 0,
    cleanResourceInterval: 100,
    flushCommitLogLeastPages: 0,
  },
});

beforeAll(async () => {
  producer = await startProducer(cluster.namesrvAddr);
});
afterAll(async () => {
  for (const c of consumers) await c.shutdown();
  await producer?.shutdown();
});

function setConf(key: string, value: string | number): void {
  const lines = readFileSync(cluster.broker.confPath, 'utf8')
    .split('\n')
    .filter((l) => !l.startsWith(`${key}=`));
  writeFileSync(cluster.broker.confPath, `${lines.join('\n')}\n${key}=${value}\n`);
}

async function send(topic: string, prefix: string, n: number): Promise<string[]> {
  const bodies: string[] = [];
  for (let i = 0; i < n; i++) {
    const body = `${prefix}-${i}`;
    await producer.send({ topic, body });
    bodies.push(body);
  }
  return bodies;
}

async function startGroup(
  topic: string,
  where: ConsumeFromWhere,
  consumeTimestamp?: number,
): Promise<string[]> {
  const got: string[] = [];
  const c = pushConsumer(cluster.namesrvAddr, uniqueName('WhereGroup'), {
    consumeFromWhere: where,
    ...(consumeTimestamp !== undefined ? { consumeTimestamp } : {}),
  });
  c.subscribe(topic, '*').registerMessageListener((msgs) => {
    for (const m of msgs) got.push(m.body.toString());
    return 'CONSUME_SUCCESS';
  });
  await c.start();
  consumers.push(c);
  return got;
}

describe('consumeFromWhere for a new group', () => {
  it('starts at 0 on a young queue whatever the start point (its head is still there)', async () => {
    const topic = uniqueName('WhereYoung');
    await cluster.createTopic(topic, 1);
    const sent = await send(topic, 'young', 5);
    const last = await startGroup(topic, 'CONSUME_FROM_LAST_OFFSET');
    const future = await startGroup(topic, 'CONSUME_FROM_TIMESTAMP', Date.now() + 3_600_000);
    await waitFor(() => last.length >= 5 && future.length >= 5, 30_000, 'both groups');
    expect(last.sort()).toEqual(sent);
    expect(future.sort()).toEqual(sent);
  });

  it('follows consumeFromWhere once retention moved the min offset past 0', async () => {
    const topic = uniqueName('WhereOld');
    await cluster.createTopic(topic, 1);
    const old = await send(topic, 'old', 60); // ~15 KiB: three segments or more go
    await waitForAsync(
      async () =>
        Number(
          (await cluster.raw.call(RequestCode.GET_MIN_OFFSET, { topic, queueId: 0 })).extFields
            .offset,
        ) > 0,
      30_000,
      'retention to move the min offset',
    );
    // Retention off from here, so what follows stays; the restart also puts every later message
    // in a later millisecond than every old one.
    setConf('fileReservedTime', 72);
    await cluster.broker.restart();
    const minOffset = Number(
      (await cluster.raw.call(RequestCode.GET_MIN_OFFSET, { topic, queueId: 0 })).extFields.offset,
    );
    expect(minOffset).toBeGreaterThan(0);
    const mid = await send(topic, 'mid', 5);
    const midFirst = await cluster.raw.pull(topic, uniqueName('Peek'), 0, 60, {
      subscription: '*',
    });
    expect(midFirst.msgs[0]?.body.toString()).toBe('mid-0');
    const ts = midFirst.msgs[0]!.storeTimestamp;

    const last = await startGroup(topic, 'CONSUME_FROM_LAST_OFFSET');
    const byTime = await startGroup(topic, 'CONSUME_FROM_TIMESTAMP', ts);
    const first = await startGroup(topic, 'CONSUME_FROM_FIRST_OFFSET');
    // LAST_OFFSET starts wherever the max offset is when its queue is assigned: probe until it
    // receives, then everything after is its share.
    const probes: string[] = [];
    await waitForAsync(
      async () => {
        probes.push((await send(topic, `probe${probes.length}`, 1))[0]!);
        return last.length > 0;
      },
      30_000,
      'the LAST_OFFSET group to receive a probe',
    );
    const late = await send(topic, 'new', 5);
    const all = [...old.slice(minOffset), ...mid, ...probes, ...late];
    await waitFor(
      () => last.filter((b) => b.startsWith('new-')).length === 5,
      30_000,
      'the LAST_OFFSET group to get the new messages',
    );
    await waitFor(
      () => byTime.length >= mid.length + probes.length + late.length,
      30_000,
      'TIMESTAMP group',
    );
    await waitFor(() => first.length >= all.length, 30_000, 'the FIRST_OFFSET group');

    expect(last.every((b) => b.startsWith('probe') || b.startsWith('new-'))).toBe(true);
    expect(last.filter((b) => b.startsWith('new-')).sort()).toEqual(late);
    expect(byTime.sort()).toEqual([...mid, ...probes, ...late].sort());
    expect(first.sort()).toEqual(all.sort());
  });
});
