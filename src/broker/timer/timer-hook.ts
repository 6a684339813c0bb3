// The timer diversion applied before a message reaches the store (RocketMQ 5 HookUtils
// #handleScheduleMessage, #checkIfTimerMessage, #transformTimerMessage): a normal or committed
// message carrying TIMER_DELAY_SEC, TIMER_DELAY_MS or TIMER_DELIVER_MS (read in that order, as
// RocketMQ does) whose delivery time is ahead is stored in rmq_sys_wheel_timer, queue 0, with
// TIMER_OUT_MS (the delivery time, ms since epoch) and its real topic and queue in REAL_TOPIC /
// REAL_QID. A delivery time already past leaves the message as it is (delivered now). A DELAY
// level wins over the timer properties; delay-hook.ts drops them before this runs.
//
// Unlike RocketMQ, TIMER_OUT_MS keeps the exact millisecond: RocketMQ rounds it down to
// timerPrecisionMs and may deliver up to one precision step early; here nothing is early.
import {
  MessageConst,
  MessageSysFlag,
  type MessageToStore,
  transactionType,
} from '../../message/message.js';

import { TIMER_TOPIC } from '../../message/system-topics.js';

export { TIMER_TOPIC };

/** MessageConst.PROPERTY_TIMER_*. */
export const TimerProperty = {
  DELIVER_MS: 'TIMER_DELIVER_MS',
  DELAY_SEC: 'TIMER_DELAY_SEC',
  DELAY_MS: 'TIMER_DELAY_MS',
  OUT_MS: 'TIMER_OUT_MS',
  ENQUEUE_MS: 'TIMER_ENQUEUE_MS',
  DEQUEUE_MS: 'TIMER_DEQUEUE_MS',
  ROLL_TIMES: 'TIMER_ROLL_TIMES',
} as const;

/** What a producer sets (the rest the broker writes). */
const ASKED = [TimerProperty.DELAY_SEC, TimerProperty.DELAY_MS, TimerProperty.DELIVER_MS] as const;

export function hasTimerProperty(props: Readonly<Record<string, string>>): boolean {
  return ASKED.some((k) => props[k] !== undefined);
}

/** Long.parseLong's accepted form; anything else is refused, not guessed at. */
const LONG = /^[+-]?\d{1,19}$/;

/**
 * The delivery time a message asks for (ms since epoch), undefined when it asks for none, or a
 * remark naming the property that does not parse.
 */
export function requestedDeliverMs(
  props: Readonly<Record<string, string>>,
  nowMs: number,
): number | string | undefined {
  const name = ASKED.find((k) => props[k] !== undefined);
  if (name === undefined) return undefined;
  const text = props[name]!;
  const n = LONG.test(text) ? Number(text) : Number.NaN;
  let at = Number.NaN;
  if (name === TimerProperty.DELAY_SEC) at = nowMs + n * 1000;
  else if (name === TimerProperty.DELAY_MS) at = nowMs + n;
  else at = n;
  if (!Number.isSafeInteger(at)) {
    return `timer message illegal: ${name} '${text}' is not a whole number of ${
      name === TimerProperty.DELAY_SEC ? 'seconds' : 'milliseconds'
    }`;
  }
  return at;
}

export type TimerOutcome = { message: MessageToStore; level: 0 } | { error: string };

/**
 * The message to store for a timer message (diverted to TIMER_TOPIC, or unchanged when its time
 * has come), an error remark (MESSAGE_ILLEGAL), or undefined when it is not a timer message.
 * Call after applyDelayLevel: a message with a DELAY level no longer carries timer properties.
 */
export function applyTimerWheel(
  m: MessageToStore,
  nowMs: number,
  maxDelayMs: number,
): TimerOutcome | undefined {
  const t = transactionType(m.sysFlag);
  if (t !== MessageSysFlag.TRANSACTION_NOT_TYPE && t !== MessageSysFlag.TRANSACTION_COMMIT_TYPE) {
    return undefined;
  }
  // A rolled message or one already carrying TIMER_OUT_MS is not transformed twice.
  if (m.topic === TIMER_TOPIC || m.properties[TimerProperty.OUT_MS] !== undefined) return undefined;
  const at = requestedDeliverMs(m.properties, nowMs);
  if (at === undefined) return undefined;
  if (typeof at === 'string') return { error: at };
  if (at <= nowMs) return { message: m, level: 0 };
  if (at - nowMs > maxDelayMs) {
    const aheadS = Math.round((at - nowMs) / 1000);
    return {
      error:
        `timer message illegal: the delivery time is ${aheadS} s ahead, beyond ` +
        `timerMaxDelaySec (${maxDelayMs / 1000} s); send it later or raise timerMaxDelaySec`,
    };
  }
  const properties: Record<string, string> = { ...m.properties };
  properties[TimerProperty.OUT_MS] = String(at);
  properties[MessageConst.REAL_TOPIC] = m.topic;
  properties[MessageConst.REAL_QID] = String(m.queueId);
  return { message: { ...m, topic: TIMER_TOPIC, queueId: 0, properties }, level: 0 };
}
