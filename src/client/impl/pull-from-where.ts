// Where a push consumer starts reading a queue it was just given (RebalancePushImpl#
// computePullFromWhere): the group's committed offset (the local file for BROADCASTING), else
// what consumeFromWhere says for a new group. -1 means "try again at the next rebalance".
import { createRequest } from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { MessageQueue } from './allocate.js';
import type { ClientInstance } from './client-instance.js';
import type { LocalOffsetStore } from './local-offset-store.js';

export interface StartPoint {
  group: string;
  where: 'CONSUME_FROM_LAST_OFFSET' | 'CONSUME_FROM_FIRST_OFFSET' | 'CONSUME_FROM_TIMESTAMP';
  timestamp: number;
  retryTopic: string;
  localOffsets: LocalOffsetStore | undefined;
}

export async function computePullFromWhere(
  client: ClientInstance,
  mq: MessageQueue,
  s: StartPoint,
): Promise<number> {
  if (s.localOffsets) {
    const local = s.localOffsets.read(mq);
    if (local !== undefined) return local;
  } else {
    const ext = { consumerGroup: s.group, topic: mq.topic, queueId: mq.queueId };
    const q = await client.invokeBroker(
      mq.brokerName,
      createRequest(RequestCode.QUERY_CONSUMER_OFFSET, 0, ext),
    );
    if (q.code === ResponseCode.SUCCESS) return Number(q.extFields.offset);
    if (q.code !== ResponseCode.QUERY_NOT_FOUND) return -1;
  }
  // A new group's retry queue is read from its start (RebalancePushImpl does the same).
  if (mq.topic === s.retryTopic && s.where === 'CONSUME_FROM_LAST_OFFSET') return 0;
  if (s.where === 'CONSUME_FROM_FIRST_OFFSET') return 0;
  const code =
    s.where === 'CONSUME_FROM_TIMESTAMP' && mq.topic !== s.retryTopic
      ? RequestCode.SEARCH_OFFSET_BY_TIMESTAMP
      : RequestCode.GET_MAX_OFFSET;
  const r = await client.invokeBroker(
    mq.brokerName,
    createRequest(code, 0, { topic: mq.topic, queueId: mq.queueId, timestamp: s.timestamp }),
  );
  return r.code === ResponseCode.SUCCESS ? Number(r.extFields.offset) : -1;
}
