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
import { withoutProperties } from '../message-copy.js';

/** 5.x timer properties: a level delay wins and drops them (HookUtils#checkIfTimerMessage). */
const TIMER_PROPERTIES = ['TIMER_DELIVER_MS', 'TIMER_DELAY_SEC', 'TIMER_DELAY_MS'] as const;
/** When a timer message is due (ms), as RocketMQ 5 stores it. */
export const TIMER_OUT_MS = 'TIMER_OUT_MS';

/** The largest level whose delay fits `remainingMs`; level 1 when none does. */
export function timerLevelFor(remainingMs: number, levels: readonly number[]): number {
  let best = 1;
  for (let i = 0; i < levels.length; i++) if (levels[i]! <= remainingMs) best = i + 1;
  return best;
}

/**
 * RocketMQ 5 timer messages (TIMER_DELIVER_MS absolute, or TIMER_DELAY_SEC / TIMER_DELAY_MS
 * relative) ride the delay levels: stored with TIMER_OUT_MS at the largest level that fits, then
 * moved on level by level until the time is reached (see nextTimerHop), so they live in the
 * store, not in memory. Delivered at or after the time, late by less than the first level's delay.
 */
export function applyTimer(
  m: MessageToStore,
  levels: readonly number[],
  now: number,
  maxDelayMs: number,
): DelayOutcome | undefined {
  const p = m.properties;
  let out: number | undefined;
  if (p.TIMER_DELIVER_MS !== undefined) out = Number(p.TIMER_DELIVER_MS);
  else if (p.TIMER_DELAY_SEC !== undefined) out = now + Number(p.TIMER_DELAY_SEC) * 1000;
  else if (p.TIMER_DELAY_MS !== undefined) out = now + Number(p.TIMER_DELAY_MS);
  else return undefined;
  if (!Number.isSafeInteger(out)) return { error: 'the timer property is not a whole number' };
  if (out - now > maxDelayMs) {
    return {
      error: `the delivery time is ${Math.round((out - now) / 1000)} s ahead, beyond timerMaxDelaySec (${maxDelayMs / 1000} s)`,
    };
  }
  if (out <= now || levels.length === 0) return { message: m, level: 0 };
  const level = timerLevelFor(out - now, levels);
  const properties = withoutProperties(m.properties, TIMER_PROPERTIES);
  properties[TIMER_OUT_MS] = String(out);
  return toLevelQueue(m, level, properties);
}

/** `m` parked in level `level`'s schedule queue, its real topic and queue kept in properties. */
function toLevelQueue(
  m: MessageToStore,
  level: number,
  properties: Record<string, string>,
): DelayOutcome {
  properties[MessageConst.DELAY] = String(level);
  properties[MessageConst.REAL_TOPIC] = m.topic;
  properties[MessageConst.REAL_QID] = String(m.queueId);
  return {
    message: { ...m, topic: SCHEDULE_TOPIC, queueId: delayLevelToQueueId(level), properties },
    level,
  };
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
  return toLevelQueue(m, level, withoutProperties(m.properties, TIMER_PROPERTIES));
}
