// Broker-side queue locks for orderly consumption (RebalanceImpl#lock / #lockAll / #unlock):
// LOCK_BATCH_MQ answers the subset of queues this client now holds; UNLOCK_BATCH_MQ is oneway
// when a queue is given up, as the Java client sends it. BrokerQueueLocker is the QueueLocker the
// rebalance of an orderly push consumer uses.
import { CONSUMER_LOCK_TIMEOUT_MS } from '../../common/limits.js';
import { createRequest } from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { type MessageQueue, queueKey } from './allocate.js';
import type { ClientInstance } from './client-instance.js';
import type { QueueLocker } from './consumer-parts.js';

function body(group: string, clientId: string, mqs: readonly MessageQueue[]): Buffer {
  const mqSet = mqs.map((m) => ({ topic: m.topic, brokerName: m.brokerName, queueId: m.queueId }));
  return Buffer.from(
    JSON.stringify({ consumerGroup: group, clientId, onlyThisBroker: false, mqSet }),
    'utf8',
  );
}

/** Locks (or renews) `mqs`, all on one broker; returns the keys of the queues now held. */
export async function lockQueues(
  client: ClientInstance,
  group: string,
  mqs: readonly MessageQueue[],
): Promise<Set<string>> {
  if (mqs.length === 0) return new Set();
  const res = await client.invokeBroker(
    mqs[0]!.brokerName,
    createRequest(RequestCode.LOCK_BATCH_MQ, 0, {}, body(group, client.clientId, mqs)),
    CONSUMER_LOCK_TIMEOUT_MS,
  );
  if (res.code !== ResponseCode.SUCCESS || !res.body) return new Set();
  const held = JSON.parse(res.body.toString('utf8')) as { lockOKMQSet?: MessageQueue[] };
  return new Set((held.lockOKMQSet ?? []).map(queueKey));
}

export function unlockQueues(
  client: ClientInstance,
  group: string,
  mqs: readonly MessageQueue[],
): void {
  if (mqs.length === 0) return;
  const addr = client.masterAddr(mqs[0]!.brokerName);
  if (!addr) return;
  client.remoting
    .invokeOneway(
      addr,
      createRequest(RequestCode.UNLOCK_BATCH_MQ, 0, {}, body(group, client.clientId, mqs)),
    )
    .catch(() => {}); // the lock expires on the broker anyway
}

/** One group's locks through a client's broker connections. */
export class BrokerQueueLocker implements QueueLocker {
  private readonly client: ClientInstance;
  private readonly group: string;

  constructor(client: ClientInstance, group: string) {
    this.client = client;
    this.group = group;
  }

  /** An unreachable broker holds nothing for us. */
  lock(mqs: readonly MessageQueue[]): Promise<Set<string>> {
    return lockQueues(this.client, this.group, mqs).catch(() => new Set<string>());
  }

  unlock(mqs: readonly MessageQueue[]): void {
    unlockQueues(this.client, this.group, mqs);
  }
}
