// Resetting a group's offsets to a time while its consumers run (INVOKE_BROKER_TO_RESET_OFFSET,
// RocketMQ 5's server-side mode): the live consumer, parked in a long poll, is answered
// PULL_OFFSET_MOVED at once and consumes again from the first message stored at or after the
// time; its stale offset commits are ignored until then. Through AdminClient and `mqadmin`.
import { describe, expect, it } from 'vitest';
import { AdminClient } from '../../src/client/admin.js';
import { silentLogger } from '../../src/common/logger.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import { runBin } from '../harness/run-bin.js';
import { numbered, pushConsumer, sendMessages } from '../harness/sdk.js';
import { waitFor } from '../harness/topics.js';

const logger = silentLogger();

const cluster = useCluster();

const sendMany = (topic: string, from: number, n: number) =>
  sendMessages(
    cluster.namesrvAddr,
    numbered(topic, from, n, (i) => ({ properties: { seq: String(i) } })),
  );

describe('reset offset by time', () => {
  it('moves a running group back to a time; it consumes again from there', async () => {
    const topic = uniqueName('ResetTopic');
    const group = uniqueName('ResetGroup');
    await cluster.createTopic(topic, 2);
    await sendMany(topic, 0, 10);
    await new Promise((r) => setTimeout(r, 20)); // a store-time gap between the two halves
    const middle = Date.now();
    await new Promise((r) => setTimeout(r, 20));
    await sendMany(topic, 10, 10);

    const seen: number[] = [];
    const c = pushConsumer(cluster.namesrvAddr, group, {
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    });
    c.subscribe(topic, '*').registerMessageListener((msgs) => {
      for (const m of msgs) seen.push(Number(m.properties.seq));
      return 'CONSUME_SUCCESS';
    });
    await c.start();
    try {
      await waitFor(() => seen.length >= 20, 20_000, 'the first pass over 20 messages');
      await new Promise((r) => setTimeout(r, 500)); // parked in a long poll now

      const admin = new AdminClient({ namesrvAddr: cluster.namesrvAddr, logger });
      const table = await admin.resetOffsetByTime(topic, group, middle);
      admin.close();
      expect(table).toHaveLength(2);
      expect(table.reduce((s, t) => s + t.offset, 0)).toBe(10); // half of each queue
      await waitFor(() => seen.length >= 30, 10_000, 'the second half consumed again');
      const again = seen.slice(20).sort((a, b) => a - b);
      expect(again).toEqual(Array.from({ length: 10 }, (_, i) => 10 + i));
    } finally {
      await c.shutdown();
    }

    // mqadmin, with the group stopped: back to the very first message.
    const r = await runBin('mqadmin', [
      'resetOffsetByTime',
      '-n',
      cluster.namesrvAddr,
      '-t',
      topic,
      '-g',
      group,
      '-s',
      '0',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/#Broker Name\s+#QID\s+#Offset/);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.trim().split(/\s+/)[2]),
    ).toEqual(['0', '0']);
    const bad = await runBin('mqadmin', [
      'resetOffsetByTime',
      '-n',
      cluster.namesrvAddr,
      '-t',
      topic,
      '-g',
      group,
      '-s',
      'yesterday',
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/-s must be now, milliseconds or yyyy-MM-dd#HH:mm:ss:SSS/);
  }, 60_000);

  it('fails with a clear error for an unknown topic', async () => {
    const admin = new AdminClient({ namesrvAddr: cluster.namesrvAddr, logger });
    try {
      await expect(admin.resetOffsetByTime('NoSuchTopicHere', 'g', 0)).rejects.toThrow(
        /no route for topic NoSuchTopicHere/,
      );
    } finally {
      admin.close();
    }
  });
});
