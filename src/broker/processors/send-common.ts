// What a single send and a batch send share (SendMessageProcessor#sendMessage and
// #sendBatchMessage around AbstractSendMessageProcessor): the stored message built from the
// request, the properties the broker fills in (UNIQ_KEY when missing, CLUSTER, POP_CK dropped),
// and the put's statistics and wire outcome (status-mapping.ts).

import { MessageConst, MessageSysFlag, type MessageToStore } from '../../message/message.js';
import { createUniqKey } from '../../message/message-id.js';
import type { Connection } from '../../remoting/connection.js';
import type { PutMessageResult } from '../../store/message-store.js';
import type { BrokerContext } from '../broker-context.js';
import type { TopicConfig } from '../managers/topic-config-manager.js';
import { mapPutStatus, type WireOutcome } from '../status-mapping.js';

/** What of a send header the stored message takes. */
export interface SendFields {
  readonly topic: string;
  readonly sysFlag: number;
  readonly bornTimestamp: number;
  readonly reconsumeTimes: number;
}

/** The message to store; built field by field (spreads here showed in send profiles). */
export function toStore(
  ctx: BrokerContext,
  conn: Connection,
  h: SendFields,
  tc: TopicConfig,
  queueId: number,
  item: { flag: number; body: Buffer; properties: Record<string, string> },
): MessageToStore {
  let sysFlag = h.sysFlag;
  if (tc.topicFilterType === 'MULTI_TAG') sysFlag |= MessageSysFlag.MULTI_TAGS;
  return {
    topic: h.topic,
    queueId,
    flag: item.flag,
    body: item.body,
    properties: item.properties,
    sysFlag,
    bornTimestamp: h.bornTimestamp,
    bornHost: conn.remoteAddress,
    storeHost: ctx.storeHost,
    reconsumeTimes: h.reconsumeTimes,
    preparedTransactionOffset: 0,
  };
}

export function completeProperties(
  ctx: BrokerContext,
  props: Record<string, string>,
): Record<string, string> {
  if (!props[MessageConst.UNIQ_KEY]) props[MessageConst.UNIQ_KEY] = createUniqKey();
  props[MessageConst.CLUSTER] = ctx.config.brokerClusterName;
  // `delete` turns the object into a slow dictionary; only pay for it when the key is there.
  if (props[MessageConst.POP_CK] !== undefined) delete props[MessageConst.POP_CK];
  return props;
}

/** Records the put (latency, bytes, `count` messages when stored) and maps its status. */
export function putOutcome(
  ctx: BrokerContext,
  result: PutMessageResult,
  putStarted: number,
  count: number,
  topic: string,
): WireOutcome {
  ctx.stats.recordPut(performance.now() - putStarted, result.appendResult?.wroteBytes);
  const outcome = mapPutStatus(result.status, result.remark);
  if (outcome.stored) {
    ctx.stats.putTotal += count;
    ctx.stats.items.add('TOPIC_PUT_NUMS', topic, count);
  }
  return outcome;
}
