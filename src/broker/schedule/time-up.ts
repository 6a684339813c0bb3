// What a delay level puts when a scheduled message's time is up (ScheduleMessageService
// #messageTimeUp): a copy in its REAL_TOPIC / REAL_QID with DELAY and the timer properties
// cleared, or, for a timer message riding the levels whose time is still ahead, a copy in the
// next level that fits the rest. Decided from the stored record alone, so recovery after a crash
// (delivery-recovery.ts) computes the same copy.

import { SCHEDULE_TOPIC } from '../../message/delay-level.js';
import { MessageConst, type MessageExt, type MessageToStore } from '../../message/message.js';
import { RMQ_SYS_TRANS_HALF_TOPIC } from '../../message/system-topics.js';
import { realTarget, toPut } from '../message-copy.js';
import { TIMER_OUT_MS, timerLevelFor } from './delay-hook.js';

const NOT_DELIVERED_TO = [RMQ_SYS_TRANS_HALF_TOPIC];
/** Cleared on the delivered copy (ScheduleMessageService#messageTimeUp). */
const DELIVERED_WITHOUT = [
  MessageConst.DELAY,
  'TIMER_DELIVER_MS',
  'TIMER_DELAY_SEC',
  'TIMER_DELAY_MS',
  TIMER_OUT_MS,
];

/**
 * A timer message (TIMER_OUT_MS) whose delivery time is still ahead when this level's delay ran
 * out goes on to the level that fits the rest. Decided from the record alone (its store time and
 * level), never from the clock, so recovery after a crash computes the same target.
 */
function nextTimerHop(m: MessageExt, levels: readonly number[]): MessageToStore | undefined {
  const out = Number(m.properties[TIMER_OUT_MS]);
  const level = Number(m.properties[MessageConst.DELAY]);
  const delay = levels[level - 1];
  if (!Number.isSafeInteger(out) || delay === undefined) return undefined;
  const remaining = out - (m.storeTimestamp + delay);
  if (remaining <= 0) return undefined;
  const nextLevel = timerLevelFor(remaining, levels);
  return toPut(m, {
    topic: SCHEDULE_TOPIC,
    queueId: nextLevel - 1,
    set: { [MessageConst.DELAY]: String(nextLevel) },
  });
}

/**
 * ScheduleMessageService#messageTimeUp: the message to store in the real queue, or why not.
 * REAL_TOPIC / REAL_QID stay as properties (as RocketMQ leaves them). WAIT is kept as the
 * producer sent it (RocketMQ forces false): the saved offset passes a message only once its copy
 * is as durable as the original send was.
 */
export function messageTimeUp(
  m: MessageExt,
  levels: readonly number[] = [],
): MessageToStore | string {
  const target = realTarget(m, NOT_DELIVERED_TO);
  if (typeof target === 'string') return target;
  const next = nextTimerHop(m, levels);
  if (next) return next;
  return toPut(m, { topic: target.topic, queueId: target.queueId, clear: DELIVERED_WITHOUT });
}
