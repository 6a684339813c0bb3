// What a single send and a batch send share (SendMessageProcessor#sendMessage and
// #sendBatchMessage around AbstractSendMessageProcessor): the stored message built from the
// request, the properties the broker fills in (UNIQ_KEY when missing, CLUSTER, POP_CK dropped),
// and the put's statistics and wire outcome (status-mapping.ts).

import { MessageConst, MessageSysFlag, type MessageToStore } from '../../message/message.js';
import { createUniqKey } from '../../message/message-id.js';
import {
  decodeProperties,
  decodePropertiesExact,
  type EncodedProperties,
  NAME_VALUE_SEPARATOR,
  PROPERTY_SEPARATOR,
} from '../../message/properties-codec.js';
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
  item: {
    flag: number;
    body: Buffer;
    properties: Record<string, string>;
    encodedProperties?: EncodedProperties | undefined;
  },
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
    encodedProperties: item.encodedProperties,
  };
}

// KITEMQ_PROPERTIES_PASSTHROUGH=0 re-encodes every stored message's properties from the map:
// the A/B switch of the pass-through's benchmark (bench/README.md).
let PASS_THROUGH = process.env.KITEMQ_PROPERTIES_PASSTHROUGH !== '0';

/** For the test that compares records stored with and without the pass-through. */
export function setPropertiesPassThrough(on: boolean): void {
  PASS_THROUGH = on;
}

/**
 * The producer's properties decoded and completed (completeProperties), with the string the
 * record takes when that is the producer's string plus what the broker appends: the common case
 * (UNIQ_KEY set, no CLUSTER or POP_CK) stores the bytes as they came instead of encoding the map.
 */
export function completeSendProperties(
  ctx: BrokerContext,
  s: string | undefined,
): { props: Record<string, string>; encoded: EncodedProperties | undefined } {
  if (!PASS_THROUGH)
    return { props: completeProperties(ctx, decodeProperties(s)), encoded: undefined };
  const { props, exact } = decodePropertiesExact(s);
  const cluster = ctx.config.brokerClusterName;
  const hadUniq = Boolean(props[MessageConst.UNIQ_KEY]);
  const oldCluster = props[MessageConst.CLUSTER];
  const passable =
    exact &&
    props[MessageConst.POP_CK] === undefined &&
    (oldCluster === undefined || oldCluster === cluster);
  completeProperties(ctx, props);
  if (!passable) return { props, encoded: undefined };
  let text = s ?? '';
  if (!hadUniq) text += entry(MessageConst.UNIQ_KEY, props[MessageConst.UNIQ_KEY]!);
  if (oldCluster === undefined) text += entry(MessageConst.CLUSTER, cluster);
  return { props, encoded: { of: props, text } };
}

function entry(name: string, value: string): string {
  return name + NAME_VALUE_SEPARATOR + value + PROPERTY_SEPARATOR;
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
