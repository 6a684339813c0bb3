// A stored message put again under another topic and queue: what the delay levels
// (ScheduleMessageService#messageTimeUp), the timer wheel (TimerMessageStore#convertMessage),
// CONSUMER_SEND_MSG_BACK (AbstractSendMessageProcessor#consumerSendMsgBack) and, next,
// END_TRANSACTION (EndTransactionProcessor#endMessageTransaction) all build. Flag, body, born
// time and born host always come from the stored record; the rest is the caller's to change.
// Also where a diverted message really goes (REAL_TOPIC / REAL_QID), and how such a re-put's
// outcome reads (stored, or refused for good).

import { MessageConst, type MessageExt, type MessageToStore } from '../message/message.js';
import type { PutMessageResult } from '../store/message-store.js';
import { PutMessageStatus } from '../store/status.js';

export interface PutOverrides {
  readonly topic: string;
  readonly queueId: number;
  /** Properties left out of the copy. */
  readonly clear?: readonly string[];
  /** Properties set after `clear`, in this order; a key already there keeps its place. */
  readonly set?: Readonly<Record<string, string>>;
  /** Defaults: the record's own. */
  readonly sysFlag?: number;
  readonly storeHost?: string;
  readonly reconsumeTimes?: number;
  readonly preparedTransactionOffset?: number;
}

/** The message to put for `m` with `o` applied; `m` itself is not changed. */
export function toPut(m: MessageExt, o: PutOverrides): MessageToStore {
  const properties = o.clear ? withoutProperties(m.properties, o.clear) : { ...m.properties };
  if (o.set) for (const k in o.set) properties[k] = o.set[k]!;
  return {
    topic: o.topic,
    queueId: o.queueId,
    flag: m.flag,
    body: m.body,
    properties,
    sysFlag: o.sysFlag ?? m.sysFlag,
    bornTimestamp: m.bornTimestamp,
    bornHost: m.bornHost,
    storeHost: o.storeHost ?? m.storeHost,
    reconsumeTimes: o.reconsumeTimes ?? m.reconsumeTimes,
    preparedTransactionOffset: o.preparedTransactionOffset ?? m.preparedTransactionOffset,
  };
}

/**
 * Where a diverted message really goes (REAL_TOPIC / REAL_QID), or why it cannot: a property
 * missing or not a queue id, or a real topic in `refused` (a system topic it must not reach).
 */
export function realTarget(
  m: MessageExt,
  refused: readonly string[],
): { topic: string; queueId: number } | string {
  const topic = m.properties[MessageConst.REAL_TOPIC];
  const qid = m.properties[MessageConst.REAL_QID];
  if (!topic) return 'it has no REAL_TOPIC property';
  if (qid === undefined || !/^\d+$/.test(qid)) return `its REAL_QID '${qid}' is not a queue id`;
  if (refused.includes(topic)) return `its real topic is ${topic}`;
  return { topic, queueId: Number(qid) };
}

/**
 * A copy of `props` without `names`. Built key by key rather than copied and `delete`d: a delete
 * turns the object into a slow dictionary, and every property is read again when it is encoded.
 */
export function withoutProperties(
  props: Readonly<Record<string, string>>,
  names: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(props)) if (!names.includes(k)) out[k] = props[k]!;
  return out;
}

/**
 * Stored: the record is in the log. A flush or slave timeout, or no slave, only says its
 * durability is not yet confirmed (TimerMessageStore#doPut counts all four as PUT_OK); retrying
 * would store a second copy.
 */
export function isStored(r: PutMessageResult): boolean {
  return (
    r.status === PutMessageStatus.PUT_OK ||
    r.status === PutMessageStatus.FLUSH_DISK_TIMEOUT ||
    r.status === PutMessageStatus.FLUSH_SLAVE_TIMEOUT ||
    r.status === PutMessageStatus.SLAVE_NOT_AVAILABLE
  );
}

/**
 * The message itself cannot be stored (TimerMessageStore#doPut's PUT_NO_RETRY): retrying would
 * block the queue behind it forever.
 */
export function isPermanent(r: PutMessageResult): boolean {
  return (
    r.status === PutMessageStatus.MESSAGE_ILLEGAL ||
    r.status === PutMessageStatus.PROPERTIES_SIZE_EXCEEDED
  );
}
