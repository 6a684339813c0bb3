// LOCK_BATCH_MQ / UNLOCK_BATCH_MQ (RebalanceLockManager via the processor) against an in-process
// broker: a queue is held by one client at a time, until it unlocks or its lock expires.
import { describe, expect, it } from 'vitest';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { brokerPerTest } from '../in-process-broker.fixture.js';

const h = brokerPerTest();

const mq = (queueId: number) => ({ topic: 'Orders', brokerName: 'broker-a', queueId });
const body = (clientId: string, queueIds: number[]) =>
  Buffer.from(JSON.stringify({ consumerGroup: 'G', clientId, mqSet: queueIds.map(mq) }));
const lock = async (clientId: string, queueIds: number[]) => {
  const res = await h.request(RequestCode.LOCK_BATCH_MQ, {}, body(clientId, queueIds));
  expect(res.code).toBe(ResponseCode.SUCCESS);
  return (JSON.parse(`${res.body}`) as { lockOKMQSet: { queueId: number }[] }).lockOKMQSet.map(
    (m) => m.queueId,
  );
};

describe('LOCK_BATCH_MQ', () => {
  it('grants free queues, refuses queues another client holds, and frees them on unlock', async () => {
    expect(await lock('c1', [0, 1])).toEqual([0, 1]);
    expect(await lock('c2', [1, 2])).toEqual([2]);
    expect(await lock('c1', [0, 1])).toEqual([0, 1]); // renewal by the holder
    const unlock = await h.request(RequestCode.UNLOCK_BATCH_MQ, {}, body('c1', [1]));
    expect(unlock.code).toBe(ResponseCode.SUCCESS);
    expect(await lock('c2', [1])).toEqual([1]);
  });

  it('answers SYSTEM_ERROR for a body without the fields it needs', async () => {
    const res = await h.request(RequestCode.LOCK_BATCH_MQ, {}, Buffer.from('null'));
    expect(res.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(res.remark).toContain('needs consumerGroup, clientId and mqSet');
    const notJson = await h.request(RequestCode.UNLOCK_BATCH_MQ, {}, Buffer.from('x'));
    expect(notJson.remark).toBe('the lock request body is not JSON');
  });
});
