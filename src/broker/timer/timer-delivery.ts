// What becomes of a timer unit whose slot has come (TimerMessageStore#convert / #convertMessage):
// the stored rmq_sys_wheel_timer message goes to REAL_TOPIC / REAL_QID with those two properties
// cleared and TIMER_ENQUEUE_MS / TIMER_DEQUEUE_MS set, TIMER_OUT_MS kept; a roll goes back to
// rmq_sys_wheel_timer with TIMER_ROLL_TIMES counted up. The target is decided from the stored
// record alone, so recovery after a crash computes the same one. The copy itself is built by
// message-copy.ts, as the delay levels' and send-back's are.

import { MessageConst, type MessageExt, type MessageToStore } from '../../message/message.js';
import { decodeRecord } from '../../message/record-codec.js';
import { RMQ_SYS_TRANS_HALF_TOPIC } from '../../message/system-topics.js';
import { realTarget, toPut } from '../message-copy.js';
import type { TimerStore } from './timer-context.js';
import { TIMER_TOPIC, TimerProperty } from './timer-hook.js';
import type { TimerUnit } from './timer-log.js';

const NOT_DELIVERED_TO = [RMQ_SYS_TRANS_HALF_TOPIC, TIMER_TOPIC];
const CLEARED_ON_DELIVERY = [MessageConst.REAL_TOPIC, MessageConst.REAL_QID];

export function isRoll(u: TimerUnit): boolean {
  return u.dueMs > u.slotMs;
}

/**
 * The timer message a unit points at, or why it cannot be had: the commit log was cleaned past
 * it, or what is there now is another record (a log cut back after a power loss).
 */
export function readTimerMessage(store: TimerStore, u: TimerUnit): MessageExt | string {
  const b = store.getRecordBytes(u.phyOffset);
  if (!b) return `its record at commit-log offset ${u.phyOffset} is gone`;
  const m = decodeRecord(b, 0);
  if (m.topic !== TIMER_TOPIC || m.queueOffset !== u.queueOffset) {
    return `commit-log offset ${u.phyOffset} holds ${m.topic}@${m.queueOffset}, not the unit's`;
  }
  return m;
}

/** Where the message goes: its real queue, or rmq_sys_wheel_timer for a roll; or why not. */
export function timerTarget(
  m: MessageExt,
  u: TimerUnit,
): { topic: string; queueId: number } | string {
  if (isRoll(u)) return { topic: TIMER_TOPIC, queueId: 0 };
  return realTarget(m, NOT_DELIVERED_TO);
}

/** The message to put for a unit whose slot has come. WAIT is kept as the producer sent it. */
export function timerTimeUp(m: MessageExt, u: TimerUnit, nowMs: number): MessageToStore | string {
  const target = timerTarget(m, u);
  if (typeof target === 'string') return target;
  // When it first entered the timer store (a roll keeps the first one).
  const enqueueMs = m.properties[TimerProperty.ENQUEUE_MS] ?? String(m.storeTimestamp);
  const dequeueMs = String(nowMs);
  const { topic, queueId } = target;
  if (!isRoll(u)) {
    const set = { [TimerProperty.ENQUEUE_MS]: enqueueMs, [TimerProperty.DEQUEUE_MS]: dequeueMs };
    return toPut(m, { topic, queueId, clear: CLEARED_ON_DELIVERY, set });
  }
  const rolls = String((Number(m.properties.TIMER_ROLL_TIMES) || 0) + 1);
  return toPut(m, {
    topic,
    queueId,
    set: {
      [TimerProperty.ROLL_TIMES]: rolls,
      [TimerProperty.ENQUEUE_MS]: enqueueMs,
      [TimerProperty.DEQUEUE_MS]: dequeueMs,
    },
  });
}
