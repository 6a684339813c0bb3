// mqadmin deleteTopic: the topic leaves the cluster's brokers and the name server's routes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../../src/client/admin.js';
import { silentLogger } from '../../src/common/logger.js';
import {
  type BrokerHandle,
  type NamesrvHandle,
  startBroker,
  startNamesrv,
  uniqueName,
} from '../harness/processes.js';
import { runBin } from '../harness/run-bin.js';
import { createTopic } from '../harness/topics.js';

let namesrv: NamesrvHandle;
let broker: BrokerHandle;

beforeAll(async () => {
  namesrv = await startNamesrv();
  broker = await startBroker({ namesrvAddr: namesrv.addr });
});

afterAll(async () => {
  await broker?.stop();
  await namesrv?.stop();
});

describe('deleteTopic', () => {
  it('removes the topic from the brokers and the name server', async () => {
    const topic = uniqueName('Doomed');
    await createTopic(broker.addr, namesrv.addr, topic, 2);
    const admin = new AdminClient({ namesrvAddr: namesrv.addr, logger: silentLogger() });
    try {
      expect((await admin.getTopicRoute(topic)).queueDatas).toHaveLength(1);
      const r = await runBin('mqadmin', [
        'deleteTopic',
        '-n',
        namesrv.addr,
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
});
