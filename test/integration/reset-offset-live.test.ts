// A group reset by time while its SDK consumers keep running (INVOKE_BROKER_TO_RESET_OFFSET,
// server side): the same push consumer, and the same lite pull consumer, read every message
// again, and the group's committed offsets end at the queues' max offsets, not at the reset
// offset nor at an old position a stale commit brought back. Commits run every 100 ms, so before
// the reset the consumer's own record of its last commit already names the max offset, which
// the second pass reaches again.
import { describe, expect, it } from 'vitest';
import { AdminClient } from '../../src/client/admin.js';
import { LitePullConsumer } from '../../src/client/lite-pull-consumer.js';
import { silentLogger } from '../../src/common/logger.js';
import { encodeQueryConsumerOffsetHeader } from '../../src/protocol/headers/offsets.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { useCluster } from '../harness/cluster.js';
import { pollUntil } from '../harness/poll.js';
import { uniqueName } from '../harness/processes.js';
import { numbered, pushConsumer, sendMessages } from '../harness/sdk.js';

const logger = silentLogger();
const N = 20;
const TIMEOUT_MS = 30_000;
const cluster = useCluster();

/** The group's committed offset of queues 0 and 1 (-1: none). */
async function committed(group: string, topic: string): Promise<number[]> {
  const out: number[] = [];
  for (const queueId of [0, 1]) {
    const ext = encodeQueryConsumerOffsetHeader({ consumerGroup: group, topic, queueId });
    const r = await cluster.raw.call(RequestCode.QUERY_CONSUMER_OFFSET, ext);
    out.push(r.code === 0 ? Number(r.extFields.offset) : -1);
  }
  return out;
}

async function maxOffsets(topic: string): Promise<number[]> {
  return [await cluster.raw.maxOffset(topic, 0), await cluster.raw.maxOffset(topic, 1)];
}

/** A topic of 2 queues holding m0..m19, and a time before the first of them. */
async function filledTopic(): Promise<{ topic: string; before: number }> {
  const topic = uniqueName('LiveReset');
  await cluster.createTopic(topic, 2);
  const before = Date.now() - 1;
  await sendMessages(cluster.namesrvAddr, numbered(topic, 0, N));
  return { topic, before };
}

async function resetByTime(topic: string, group: string, ts: number): Promise<number[]> {
  const admin = new AdminClient({ namesrvAddr: cluster.namesrvAddr, logger });
  try {
    return (await admin.resetOffsetByTime(topic, group, ts)).map((t) => t.offset);
  } finally {
    admin.close();
  }
}

const sorted = (bodies: string[]) => [...bodies].sort();
const all = sorted(Array.from({ length: N }, (_, i) => `m${i}`));

describe('a running consumer follows a reset by time', () => {
  it('push consumer: consumes everything again, commits end at the max offsets', async () => {
    const { topic, before } = await filledTopic();
    const group = uniqueName('LiveResetPush');
    const seen: string[] = [];
    const c = pushConsumer(cluster.namesrvAddr, group, {
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      persistConsumerOffsetInterval: 100,
    });
    // A listener slower than the pulls: the pull after a batch still finds it in flight, so
    // that pull carries no commit of its end.
    c.subscribe(topic, '*').registerMessageListener(async (msgs) => {
      await new Promise((r) => setTimeout(r, 5));
      for (const m of msgs) seen.push(m.body.toString());
      return 'CONSUME_SUCCESS' as const;
    });
    await c.start();
    let stopped = false;
    try {
      const max = await maxOffsets(topic);
      expect(max[0]! + max[1]!).toBe(N);
      expect(
        await pollUntil(
          () => committed(group, topic),
          (o) => eq(o, max),
          TIMEOUT_MS,
        ),
      ).toEqual(max);
      expect(sorted(seen)).toEqual(all);

      expect(await resetByTime(topic, group, before)).toEqual([0, 0]);
      const again = await pollUntil(
        () => seen.slice(N),
        (s) => s.length >= N,
        TIMEOUT_MS,
      );
      expect(sorted(again)).toEqual(all);
      // Stopped as soon as it is done: what it commits on the way out is the max offset again.
      await c.shutdown();
      stopped = true;
      expect(await committed(group, topic)).toEqual(max);
      expect(seen).toHaveLength(2 * N);
    } finally {
      if (!stopped) await c.shutdown();
    }
  }, 120_000);

  it('lite pull consumer: reads everything again, commits end at the max offsets', async () => {
    const { topic, before } = await filledTopic();
    const group = uniqueName('LiveResetLite');
    const c = new LitePullConsumer({
      namesrvAddr: cluster.namesrvAddr,
      consumerGroup: group,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      autoCommitIntervalMs: 100,
      pollTimeoutMs: 200,
      logger,
    });
    c.subscribe(topic, '*');
    await c.start();
    const seen: string[] = [];
    let stopped = false;
    let polling = true;
    const loop = (async () => {
      while (polling) for (const m of await c.poll()) seen.push(m.body.toString());
    })();
    try {
      const max = await maxOffsets(topic);
      expect(
        await pollUntil(
          () => committed(group, topic),
          (o) => eq(o, max),
          TIMEOUT_MS,
        ),
      ).toEqual(max);
      expect(sorted(seen)).toEqual(all);

      expect(await resetByTime(topic, group, before)).toEqual([0, 0]);
      const again = await pollUntil(
        () => seen.slice(N),
        (s) => s.length >= N,
        TIMEOUT_MS,
      );
      expect(sorted(again)).toEqual(all);
      polling = false;
      await loop;
      await c.shutdown();
      stopped = true;
      expect(await committed(group, topic)).toEqual(max);
      expect(seen).toHaveLength(2 * N);
    } finally {
      polling = false;
      await loop;
      if (!stopped) await c.shutdown();
    }
  }, 120_000);
});

const eq = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
