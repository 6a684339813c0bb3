// RocketMQ 4's reset (a broker with useServerSideResetOffset=false): INVOKE_BROKER_TO_RESET_OFFSET
// makes the broker send each online consumer RESET_CONSUMER_CLIENT_OFFSET (220) with the new
// offsets and commit nothing itself. The running SDK push consumer drops its queues of the topic,
// starts them over at those offsets and commits them: it reads every message again, and the
// group's committed offsets end at the max offsets. With no consumer online the reset is refused.
import { describe, expect, it } from 'vitest';
import { AdminClient } from '../../src/client/admin.js';
import { silentLogger } from '../../src/common/logger.js';
import { encodeQueryConsumerOffsetHeader } from '../../src/protocol/headers/offsets.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { useCluster } from '../harness/cluster.js';
import { pollUntil } from '../harness/poll.js';
import { uniqueName } from '../harness/processes.js';
import { numbered, pushConsumer, sendMessages } from '../harness/sdk.js';

const logger = silentLogger();
const N = 20;
const TIMEOUT_MS = 30_000;
const cluster = useCluster({ brokerConfig: { useServerSideResetOffset: false } });

async function committed(group: string, topic: string): Promise<number[]> {
  const out: number[] = [];
  for (const queueId of [0, 1]) {
    const ext = encodeQueryConsumerOffsetHeader({ consumerGroup: group, topic, queueId });
    const r = await cluster.raw.call(RequestCode.QUERY_CONSUMER_OFFSET, ext);
    out.push(r.code === 0 ? Number(r.extFields.offset) : -1);
  }
  return out;
}

const eq = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
const all = Array.from({ length: N }, (_, i) => `m${i}`).sort();

describe('reset through the clients (RESET_CONSUMER_CLIENT_OFFSET)', () => {
  it('the running push consumer starts over at the offsets it is sent', async () => {
    const topic = uniqueName('ClientReset');
    const group = uniqueName('ClientResetGroup');
    await cluster.createTopic(topic, 2);
    const before = Date.now() - 1;
    await sendMessages(cluster.namesrvAddr, numbered(topic, 0, N));
    const max = [await cluster.raw.maxOffset(topic, 0), await cluster.raw.maxOffset(topic, 1)];
    const seen: string[] = [];
    const c = pushConsumer(cluster.namesrvAddr, group, {
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      persistConsumerOffsetInterval: 100,
    });
    c.subscribe(topic, '*').registerMessageListener((msgs) => {
      for (const m of msgs) seen.push(m.body.toString());
      return 'CONSUME_SUCCESS';
    });
    await c.start();
    let stopped = false;
    const admin = new AdminClient({ namesrvAddr: cluster.namesrvAddr, logger });
    try {
      const first = await pollUntil(
        () => committed(group, topic),
        (o) => eq(o, max),
        TIMEOUT_MS,
      );
      expect(first).toEqual(max);

      const table = await admin.resetOffsetByTime(topic, group, before);
      expect(table.map((t) => [t.mq.queueId, t.offset])).toEqual([
        [0, 0],
        [1, 0],
      ]);
      const again = await pollUntil(
        () => seen.slice(N),
        (s) => s.length >= N,
        TIMEOUT_MS,
      );
      expect([...again].sort()).toEqual(all);
      await c.shutdown();
      stopped = true;
      expect(await committed(group, topic)).toEqual(max);
      expect(seen).toHaveLength(2 * N);

      // Nobody online to act on it: refused, and the committed offsets stay.
      const refused = admin.resetOffsetByTime(topic, group, before);
      await expect(refused).rejects.toMatchObject({
        responseCode: ResponseCode.CONSUMER_NOT_ONLINE,
      });
      expect(await committed(group, topic)).toEqual(max);
    } finally {
      admin.close();
      if (!stopped) await c.shutdown();
    }
  }, 120_000);
});
