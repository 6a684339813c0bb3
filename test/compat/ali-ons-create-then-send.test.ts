// ali-ons as a new user drives it: MQClientAPI.createTopic(…) on the broker, then producer.send(…)
// at once. The broker answers the creation only after both name servers have the topic, as Apache
// RocketMQ does, so the send's route lookup (ali-ons asks its name servers in turn) finds it.
import { describe, expect, it } from 'vitest';
import { aliClientOptions, aliOns } from '../harness/ali-ons.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';

const ROUNDS = 50;

/** The part of ali-ons's MQClient (an MQClientAPI) this test calls. */
interface AliMQClient {
  createTopic(
    addr: string,
    defaultTopic: string,
    topicConfig: Record<string, unknown>,
    timeoutMillis: number,
  ): Promise<void>;
}

const cluster = useCluster({ namesrvs: 2 });

describe('ali-ons: createTopic then send at once', () => {
  it(`${ROUNDS} new topics in a row, two name servers: every send succeeds`, async () => {
    const { Producer, Message } = aliOns();
    const producer = new Producer({
      ...aliClientOptions(cluster.namesrvs[0]!.addr),
      nameSrv: cluster.namesrvs.map((n) => n.addr),
      producerGroup: uniqueName('AliRoutePG'),
    });
    await producer.ready();
    const mq = (producer as unknown as { _mqClient: AliMQClient })._mqClient;
    const failures: string[] = [];
    try {
      for (let i = 0; i < ROUNDS; i++) {
        const topic = uniqueName('AliRouteNow');
        await mq.createTopic(
          cluster.brokerAddr,
          'TBW102',
          {
            topicName: topic,
            readQueueNums: 2,
            writeQueueNums: 2,
            perm: 6,
            topicFilterType: 'SINGLE_TAG',
            topicSysFlag: 0,
            order: false,
          },
          3_000,
        );
        try {
          const r = await producer.send(new Message(topic, 'T', `m${i}`));
          if (r.sendStatus !== 'SEND_OK') failures.push(`${topic}: ${r.sendStatus}`);
        } catch (err) {
          failures.push(`${topic}: ${(err as Error).message}`);
        }
      }
    } finally {
      await producer.close();
    }
    expect(failures).toEqual([]);
  });
});
