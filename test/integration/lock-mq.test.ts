// LOCK_BATCH_MQ / UNLOCK_BATCH_MQ on a real broker: one client per queue in a group; a client
// that stops renewing (crashed) loses its queues after rebalanceLockMaxLiveTime; a group holding
// locks has its %RETRY% sends dead-lettered (orderly consumers retry locally). Locks live in
// memory, as in RocketMQ: after a broker restart live clients take them again on renewal.
import { describe, expect, it } from 'vitest';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { useCluster } from '../harness/cluster.js';
import { pollUntil } from '../harness/poll.js';
import { uniqueName } from '../harness/processes.js';

/**
 * Long enough that a lock renewed by the RPC just before a check is still live at the check on a
 * busy machine; the takeover after it is waited for, not slept for.
 */
const LIVE_MS = 3_000;

const cluster = useCluster({ brokerConfig: { rebalanceLockMaxLiveTime: LIVE_MS } });

describe('queue locks', () => {
  const topic = uniqueName('Ordered');
  const group = uniqueName('OrderedGroup');
  const mq = (queueId: number) => ({ topic, brokerName: cluster.broker.brokerName, queueId });
  const raw = () => cluster.raw;

  async function lock(clientId: string, queues: number[]): Promise<number[]> {
    const body = { consumerGroup: group, clientId, onlyThisBroker: false, mqSet: queues.map(mq) };
    const r = await raw().call(RequestCode.LOCK_BATCH_MQ, {}, Buffer.from(JSON.stringify(body)));
    expect(r.code).toBe(ResponseCode.SUCCESS);
    const got = JSON.parse(r.body!.toString()) as { lockOKMQSet: { queueId: number }[] };
    return got.lockOKMQSet.map((m) => m.queueId).sort();
  }

  async function unlock(clientId: string, queues: number[]): Promise<void> {
    const body = { consumerGroup: group, clientId, onlyThisBroker: false, mqSet: queues.map(mq) };
    const r = await raw().call(RequestCode.UNLOCK_BATCH_MQ, {}, Buffer.from(JSON.stringify(body)));
    expect(r.code).toBe(ResponseCode.SUCCESS);
  }

  it('gives each queue to one live client and takes a dead client’s queues over', async () => {
    await cluster.createTopic(topic, 4);
    expect(await lock('A', [0, 1])).toEqual([0, 1]);
    expect(await lock('B', [1, 2, 3])).toEqual([2, 3]);
    expect(await lock('A', [0, 1, 2])).toEqual([0, 1]); // renewal; q2 stays B's
    await unlock('A', [1]);
    expect(await lock('B', [1])).toEqual([1]);

    // The group holds live locks: a %RETRY% send goes to the DLQ, as for RocketMQ's orderly
    // consumers (they retry locally). Renewed first, so they are live whatever the time so far.
    expect(await lock('B', [1, 2, 3])).toEqual([1, 2, 3]);
    const sent = await raw().send(`%RETRY%${group}`, 0, 'orderly-retry', {}, { reconsumeTimes: 1 });
    expect(sent.code).toBe(0);
    const dlqMax = await raw().maxOffset(`%DLQ%${group}`, 0);
    expect(dlqMax).toBe(1);

    // A renews q0 one last time, then stops renewing (crashed): B cannot have q0 while A's lock
    // is live, and gets it once the lock's lifetime has passed.
    expect(await lock('A', [0])).toEqual([0]);
    expect(await lock('B', [0])).toEqual([]);
    const all = () => lock('B', [0, 1, 2, 3]);
    expect(await pollUntil(all, (got) => got.length === 4, 30_000)).toEqual([0, 1, 2, 3]);
  });

  it('answers a malformed body with a remark that names the fields', async () => {
    const r = await raw().call(RequestCode.LOCK_BATCH_MQ, {}, Buffer.from('{"mqSet":3}'));
    expect(r.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(r.remark).toMatch(/needs consumerGroup, clientId and mqSet/);
    // Found by test/integration/fuzz-wire.test.ts: `null` threw a TypeError (remark "TypeError: …").
    for (const code of [RequestCode.LOCK_BATCH_MQ, RequestCode.UNLOCK_BATCH_MQ]) {
      const n = await raw().call(code, {}, Buffer.from('null'));
      expect(n.code).toBe(ResponseCode.SYSTEM_ERROR);
      expect(n.remark).toMatch(/needs consumerGroup, clientId and mqSet/);
    }
  });
});
