// mqadmin deleteTopic: the topic leaves the cluster's brokers and the name server's routes; the
// broker drops its consume queues and the groups' offsets, so a topic made again starts empty.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AdminClient } from '../../src/client/admin.js';
import { MQBrokerError } from '../../src/client/errors.js';
import { silentLogger } from '../../src/common/logger.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import { runBin } from '../harness/run-bin.js';
import { pushConsumer, startProducer } from '../harness/sdk.js';
import { waitFor } from '../harness/topics.js';

const cluster = useCluster();

describe('deleteTopic', () => {
  it('removes the topic from the brokers and the name server', async () => {
    const topic = uniqueName('Doomed');
    await cluster.createTopic(topic, 2);
    const admin = new AdminClient({ namesrvAddr: cluster.namesrvAddr, logger: silentLogger() });
    try {
      expect((await admin.getTopicRoute(topic)).queueDatas).toHaveLength(1);
      const r = await runBin('mqadmin', [
        'deleteTopic',
        '-n',
        cluster.namesrvAddr,
        '-c',
        'DefaultCluster',
        '-t',
        topic,
      ]);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(new RegExp(`delete topic \\[${topic}\\] .* success`));
      await expect(admin.getTopicRoute(topic)).rejects.toThrow(/no route|TOPIC_NOT_EXIST|route/i);
      expect(await admin.getAllTopics()).not.toContain(topic);
    } finally {
      admin.close();
    }
  });

  it("drops its consume queues and the groups' offsets; made again, it starts empty", async () => {
    const topic = uniqueName('Recycled');
    const group = uniqueName('RecycledGroup');
    const logger = silentLogger();
    await cluster.createTopic(topic, 2);
    const admin = new AdminClient({ namesrvAddr: cluster.namesrvAddr, logger });
    const producer = await startProducer(cluster.namesrvAddr);
    try {
      for (let i = 0; i < 10; i++) await producer.send({ topic, body: `m${i}` });
      let got = 0;
      const c = pushConsumer(cluster.namesrvAddr, group, {
        consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      });
      c.subscribe(topic, '*').registerMessageListener((msgs) => {
        got += msgs.length;
        return 'CONSUME_SUCCESS';
      });
      await c.start();
      await waitFor(() => got === 10, 20_000, 'the group to consume 10');
      await c.shutdown(); // commits its offsets
      const before = await Promise.all(
        [0, 1].map((q) => admin.queryConsumerOffset(cluster.brokerAddr, group, topic, q)),
      );
      expect(before[0]! + before[1]!).toBe(10);
      const queueDir = join(cluster.storeDir, 'consumequeue', topic);
      expect(existsSync(queueDir)).toBe(true);

      await admin.deleteTopic(topic, 'DefaultCluster');
      expect(existsSync(queueDir)).toBe(false);

      await cluster.createTopic(topic, 2);
      for (const q of [0, 1]) {
        expect(await admin.getMaxOffset(cluster.brokerAddr, topic, q)).toBe(0);
        expect(
          await admin.queryConsumerOffset(cluster.brokerAddr, group, topic, q),
        ).toBeLessThanOrEqual(0);
      }
      const r = await producer.send({ topic, body: 'again' });
      expect(r.queueOffset).toBe(0);
    } finally {
      await producer.shutdown();
      admin.close();
    }
  });

  it('refuses to delete a system topic or an illegal name, and keeps it', async () => {
    const admin = new AdminClient({ namesrvAddr: cluster.namesrvAddr, logger: silentLogger() });
    try {
      for (const [topic, code] of [
        ['SCHEDULE_TOPIC_XXXX', ResponseCode.SYSTEM_ERROR],
        ['TBW102', ResponseCode.SYSTEM_ERROR],
        ['../config', ResponseCode.INVALID_PARAMETER],
      ] as const) {
        const err = await admin.deleteTopic(topic, 'DefaultCluster').catch((e: unknown) => e);
        expect(err).toBeInstanceOf(MQBrokerError);
        expect((err as MQBrokerError).responseCode).toBe(code);
      }
      expect(existsSync(join(cluster.storeDir, 'config'))).toBe(true);
      expect((await admin.getTopicRoute('TBW102')).queueDatas.length).toBeGreaterThan(0);
    } finally {
      admin.close();
    }
  });
});
