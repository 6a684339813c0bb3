// Issue 5's restart rule for the retry and lock flows: a message sent back for a delayed retry is
// redelivered exactly once after the broker restarts while it waits; a kill -9 during the wait
// too. Queue locks live in memory (as in RocketMQ): after a restart the live owner re-takes its
// queues on its next renewal and nobody else gets them meanwhile.
import { describe, expect, it } from 'vitest';
import type { MessageExt } from '../../src/message/message.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { useCluster } from '../harness/cluster.js';
import { pollUntil } from '../harness/poll.js';
import { uniqueName } from '../harness/processes.js';

const cluster = useCluster({ brokerConfig: { messageDelayLevel: '1s 2s 3s' } });

/** Queue 0 of `topic` from offset 0 once it holds `count` messages, or as it is at timeoutMs. */
async function all(
  topic: string,
  group: string,
  count: number,
  timeoutMs: number,
): Promise<MessageExt[]> {
  const pull = async () => (await cluster.raw.pull(topic, group, 0, 0, { subscription: '*' })).msgs;
  return pollUntil(pull, (msgs) => msgs.length >= count, timeoutMs);
}

describe('restarts in the middle of the retry and lock flows', () => {
  for (const how of ['restart', 'kill -9'] as const) {
    it(`redelivers a message waiting for its retry exactly once across a ${how}`, async () => {
      const topic = uniqueName('RetryRestart');
      const group = uniqueName('RetryGroup');
      await cluster.createTopic(topic, 1);
      expect((await cluster.raw.send(topic, 0, 'retry-me', { KEYS: 'k1' })).code).toBe(0);
      const [m] = (await cluster.raw.pull(topic, group, 0, 0, { subscription: '*' })).msgs;
      const back = await cluster.raw.call(RequestCode.CONSUMER_SEND_MSG_BACK, {
        offset: m!.commitLogOffset,
        group,
        delayLevel: 3, // 3 s
        originMsgId: m!.properties.UNIQ_KEY ?? m!.offsetMsgId,
        originTopic: topic,
        unitMode: false,
      });
      expect(back.code).toBe(ResponseCode.SUCCESS);
      if (how === 'restart') await cluster.broker.restart();
      else {
        await cluster.broker.kill();
        await cluster.broker.restart();
      }
      await all(`%RETRY%${group}`, group, 1, 30_000);
      // A repeat would be stored right behind the first copy: look a little longer for one.
      const retried = await all(`%RETRY%${group}`, group, 2, 1_500);
      expect(retried.map((x) => x.body.toString())).toEqual(['retry-me']);
      expect(retried[0]!.reconsumeTimes).toBe(1);
      expect(retried[0]!.properties.RETRY_TOPIC).toBe(topic);
    }, 60_000);
  }

  it('keeps queue locks with their live owner across a restart', async () => {
    const topic = uniqueName('LockRestart');
    const group = uniqueName('LockGroup');
    await cluster.createTopic(topic, 2);
    const lock = async (clientId: string) => {
      const mqSet = [0, 1].map((queueId) => ({
        topic,
        brokerName: cluster.broker.brokerName,
        queueId,
      }));
      const body = JSON.stringify({ consumerGroup: group, clientId, onlyThisBroker: false, mqSet });
      const r = await cluster.raw.call(RequestCode.LOCK_BATCH_MQ, {}, Buffer.from(body));
      return (JSON.parse(r.body!.toString()) as { lockOKMQSet: unknown[] }).lockOKMQSet.length;
    };
    expect(await lock('owner')).toBe(2);
    await cluster.broker.restart();
    expect(await lock('owner')).toBe(2); // the owner's renewal comes first, as it runs every 20 s
    expect(await lock('other')).toBe(0);
  }, 60_000);
});
