// Where a push consumer starts reading a queue it was just given (RebalancePushImpl#
// computePullFromWhere): the group's committed offset (from its offset store: the broker, or the
// local file for BROADCASTING), else what consumeFromWhere says for a new group: GET_MAX_OFFSET
// (30) for the last offset, SEARCH_OFFSET_BY_TIMESTAMP (29) for a timestamp. -1 means "try again
// at the next rebalance".
import { encodeSearchOffsetHeader } from '../../protocol/headers/offsets.js';
import { createRequestWithFields } from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { MessageQueue } from './allocate.js';
import { MASTER_ID } from './broker-addr-table.js';
import { type BrokerInvoker, invokeInSubscribe, type OffsetStore } from './consumer-parts.js';

export interface StartPoint {
  where: 'CONSUME_FROM_LAST_OFFSET' | 'CONSUME_FROM_FIRST_OFFSET' | 'CONSUME_FROM_TIMESTAMP';
  timestamp: number;
  retryTopic: string;
  offsets: OffsetStore;
}

export async function computePullFromWhere(
  broker: BrokerInvoker,
  mq: MessageQueue,
  s: StartPoint,
): Promise<number> {
  const committed = await s.offsets.readOffset(mq);
  if (committed >= 0) return committed;
  if (committed !== -1) return -1;
  // A new group's retry queue is read from its start (RebalancePushImpl does the same).
  if (mq.topic === s.retryTopic && s.where === 'CONSUME_FROM_LAST_OFFSET') return 0;
  if (s.where === 'CONSUME_FROM_FIRST_OFFSET') return 0;
  const code =
    s.where === 'CONSUME_FROM_TIMESTAMP' && mq.topic !== s.retryTopic
      ? RequestCode.SEARCH_OFFSET_BY_TIMESTAMP
      : RequestCode.GET_MAX_OFFSET;
  // GET_MAX_OFFSET has always been sent with the timestamp too; the broker reads only its fields.
  const ext = encodeSearchOffsetHeader({
    topic: mq.topic,
    queueId: mq.queueId,
    timestamp: s.timestamp,
  });
  // A read: a slave answers it while the master is gone from the route.
  const { res: r } = await invokeInSubscribe(
    broker,
    mq.brokerName,
    MASTER_ID,
    createRequestWithFields(code, ext),
  );
  return r.code === ResponseCode.SUCCESS ? Number(r.extFields.offset) : -1;
}
