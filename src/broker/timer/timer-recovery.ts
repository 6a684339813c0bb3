// Recovery of the timer store at start, from config/timerCheckpoint.json:
// - units linked after the last checkpoint (past logEnd) are taken back: each slot they touched
//   points again at the unit it pointed at before, and the log is cut at logEnd; their messages
//   are still in rmq_sys_wheel_timer past queueOffset and are linked again;
// - a batch recorded as in flight had its copies appended after the recorded end of each target
//   queue, and every copy keeps the timer message's UNIQ_KEY: counting UNIQ_KEYs there tells which
//   units are stored already (as delivery-recovery.ts does for delay levels; the count is
//   copy-recovery.ts's). Messages without a
//   UNIQ_KEY cannot be told apart and are put again (at least once).
import { assert } from '../../common/assert.js';
import type { Logger } from '../../common/logger.js';
import { MessageConst } from '../../message/message.js';
import { countCopies, queueKey } from '../copy-recovery.js';
import type { TimerInflight } from './timer-checkpoint.js';
import type { TimerStore } from './timer-context.js';
import { readTimerMessage, timerTarget } from './timer-delivery.js';
import { NO_POS, TIMER_UNIT_BYTES, type TimerLog } from './timer-log.js';
import type { TimerWheel } from './timer-wheel.js';

/** Takes back the units past `logEnd`; returns how many there were. */
export function undoUnsavedUnits(tlog: TimerLog, wheel: TimerWheel, logEnd: number): number {
  if (tlog.end < logEnd) {
    throw new Error(
      `${tlog.dir} ends at ${tlog.end}, before the checkpoint's ${logEnd}: timer log data is ` +
        'lost; restore it, or remove config/timerCheckpoint.json, timerwheel and timerlog/ to ' +
        'enqueue every message of rmq_sys_wheel_timer again',
    );
  }
  // Slot → where it pointed before its first unit past logEnd (the tail is bounded by a batch).
  const before = new Map<number, number>();
  let pos = logEnd;
  for (; pos < tlog.end; pos += TIMER_UNIT_BYTES) {
    const u = tlog.read(pos);
    if (!u) break; // a torn tail: no wheel record can point at it (the wheel is written later)
    assert(u.prevPos < logEnd || before.has(u.slotMs), 'a unit past logEnd links into it');
    if (!before.has(u.slotMs)) before.set(u.slotMs, u.prevPos);
  }
  // A slot that had units at the checkpoint lies in its window; one that did not may lie past it
  // (the cursor had moved on in memory), so it is emptied rather than stamped with its time.
  for (const [slotMs, prev] of before) {
    if (prev === NO_POS) wheel.clear(slotMs);
    else if (wheel.recordTime(slotMs) === slotMs) wheel.set(slotMs, prev);
  }
  tlog.truncate(logEnd);
  return (pos - logEnd) / TIMER_UNIT_BYTES;
}

/** Chain positions of the in-flight batch whose copies are stored already: skip them. */
export function findDeliveredInTimerBatch(
  store: TimerStore,
  tlog: TimerLog,
  inflight: TimerInflight,
  log: Logger,
): Set<number> {
  const copies = countCopies(store, inflight.queues, log, 'timer recovery scan cut short');
  const delivered = new Set<number>();
  let pos = inflight.fromPos;
  for (let i = 0; i < inflight.count && pos !== NO_POS; i++) {
    const u = tlog.read(pos);
    if (!u) break;
    pos = u.prevPos;
    const m = readTimerMessage(store, u);
    const t = typeof m === 'string' ? m : timerTarget(m, u);
    if (typeof m === 'string' || typeof t === 'string') continue; // dropped again, no copy
    const uniq = m.properties[MessageConst.UNIQ_KEY];
    const counts = copies.get(queueKey(t.topic, t.queueId));
    const n = uniq ? (counts?.get(uniq) ?? 0) : 0;
    if (n > 0) {
      counts!.set(uniq!, n - 1);
      delivered.add(u.pos);
    }
  }
  log.info(
    { slotMs: inflight.slotMs, units: inflight.count, alreadyDelivered: delivered.size },
    'interrupted timer batch checked',
  );
  return delivered;
}

/**
 * Segment → latest slot, from the checkpoint; a segment it does not list (it should list every
 * one) is read through, so it is neither kept forever nor deleted too soon.
 */
export function segmentTable(tlog: TimerLog, saved: Record<string, number>): Map<number, number> {
  const out = new Map<number, number>();
  for (const from of tlog.segmentStarts()) {
    let latest = saved[String(from)];
    if (latest === undefined) {
      latest = 0;
      const end = Math.min(tlog.end, from + tlog.segmentBytes);
      for (let pos = from; pos < end; pos += TIMER_UNIT_BYTES) {
        latest = Math.max(latest, tlog.read(pos)?.slotMs ?? 0);
      }
    }
    out.set(from, latest);
  }
  return out;
}
