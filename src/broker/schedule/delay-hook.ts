// The delay diversion applied before a message reaches the store (5.x HookUtils
// #handleScheduleMessage / #transformDelayLevelMessage; 4.x did it inside CommitLog#putMessage):
// a normal or committed message whose DELAY level is > 0 is stored in SCHEDULE_TOPIC_XXXX,
// queue level-1, with its real topic and queue kept in REAL_TOPIC / REAL_QID. Half and
// rolled-back transaction messages are left alone (they are not consumable yet).

import {
  delayLevelToQueueId,
  effectiveDelayLevel,
  SCHEDULE_TOPIC,
} from '../../message/delay-level.js';
import {
  MessageConst,
  MessageSysFlag,
  type MessageToStore,
  transactionType,
} from '../../message/message.js';

/** 5.x timer properties: a level delay wins and drops them (HookUtils#checkIfTimerMessage). */
const TIMER_PROPERTIES = ['TIMER_DELIVER_MS', 'TIMER_DELAY_SEC', 'TIMER_DELAY_MS'] as const;

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

export type DelayOutcome = { message: MessageToStore; level: number } | { error: string };

/**
 * Returns the message to store (the same object when nothing changes) and its effective level,
 * or an error remark when DELAY does not parse (Java fails such a request too).
 */
export function applyDelayLevel(m: MessageToStore, levels: readonly number[]): DelayOutcome {
  const t = transactionType(m.sysFlag);
  if (t !== MessageSysFlag.TRANSACTION_NOT_TYPE && t !== MessageSysFlag.TRANSACTION_COMMIT_TYPE) {
    return { message: m, level: 0 };
  }
  const level = effectiveDelayLevel(m.properties[MessageConst.DELAY], levels);
  if (typeof level === 'string') return { error: level };
  if (level === 0) return { message: m, level };
  const properties = withoutProperties(m.properties, TIMER_PROPERTIES);
  properties[MessageConst.DELAY] = String(level);
  properties[MessageConst.REAL_TOPIC] = m.topic;
  properties[MessageConst.REAL_QID] = String(m.queueId);
  return {
    message: { ...m, topic: SCHEDULE_TOPIC, queueId: delayLevelToQueueId(level), properties },
    level,
  };
}
