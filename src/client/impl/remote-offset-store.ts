// Consume offsets of a CLUSTERING group, kept by the broker (RemoteBrokerOffsetStore):
// QUERY_CONSUMER_OFFSET (14) reads one (SUCCESS with `offset`, QUERY_NOT_FOUND for a group that
// never committed), UPDATE_CONSUMER_OFFSET (15) writes one; both carry consumerGroup, topic and
// queueId (headers from protocol/headers/offsets.ts). The push consumer also commits with its
// pulls (PullSysFlag commit bit); the interval commit covers queues that stopped pulling and the
// last offsets before shutdown. Both go to the master, or to a slave while the master is gone
// from the route (RemoteBrokerOffsetStore: findBrokerAddressInSubscribe(MASTER_ID, false)); the
// consumer's in-memory offsets are its own, so a switch neither resets nor re-reads them.
import type { Logger } from '../../common/logger.js';
import {
  encodeQueryConsumerOffsetHeader,
  encodeUpdateConsumerOffsetHeader,
} from '../../protocol/headers/offsets.js';
import { createRequestWithFields } from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { type MessageQueue, queueKey } from './allocate.js';
import { MASTER_ID } from './broker-addr-table.js';
import { type BrokerInvoker, invokeInSubscribe, type OffsetStore } from './consumer-parts.js';

/** The group's committed offset of `mq`: -1 when it has none, -2 for any other refusal. */
export async function queryConsumerOffset(
  broker: BrokerInvoker,
  group: string,
  mq: MessageQueue,
): Promise<number> {
  const ext = encodeQueryConsumerOffsetHeader({
    consumerGroup: group,
    topic: mq.topic,
    queueId: mq.queueId,
  });
  const { res } = await invokeInSubscribe(
    broker,
    mq.brokerName,
    MASTER_ID,
    createRequestWithFields(RequestCode.QUERY_CONSUMER_OFFSET, ext),
  );
  if (res.code === ResponseCode.SUCCESS) return Number(res.extFields.offset);
  return res.code === ResponseCode.QUERY_NOT_FOUND ? -1 : -2;
}

/** True when the broker took the offset; rejects when it could not be asked. */
export async function updateConsumerOffset(
  broker: BrokerInvoker,
  group: string,
  mq: MessageQueue,
  offset: number,
): Promise<boolean> {
  const ext = encodeUpdateConsumerOffsetHeader({
    consumerGroup: group,
    topic: mq.topic,
    queueId: mq.queueId,
    commitOffset: offset,
  });
  const { res } = await invokeInSubscribe(
    broker,
    mq.brokerName,
    MASTER_ID,
    createRequestWithFields(RequestCode.UPDATE_CONSUMER_OFFSET, ext),
  );
  return res.code === ResponseCode.SUCCESS;
}

export class RemoteOffsetStore implements OffsetStore {
  readonly remote = true;
  private readonly broker: BrokerInvoker;
  private readonly group: string;
  private readonly log: Logger;

  constructor(broker: BrokerInvoker, group: string, log: Logger) {
    this.broker = broker;
    this.group = group;
    this.log = log;
  }

  load(): void {}

  /** Rejects when the broker cannot be asked: the rebalance tries the queue again next round. */
  readOffset(mq: MessageQueue): Promise<number> {
    return queryConsumerOffset(this.broker, this.group, mq);
  }

  async updateOffset(mq: MessageQueue, offset: number): Promise<boolean> {
    try {
      return await updateConsumerOffset(this.broker, this.group, mq, offset);
    } catch (err) {
      this.log.warn({ err, queue: queueKey(mq) }, 'offset commit failed; will retry');
      return false;
    }
  }

  /** Every update went to the broker already. */
  persistAll(): void {}
}
