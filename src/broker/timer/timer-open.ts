// Opening the timer store's files at start: the checkpoint, the wheel and the log, with what the
// last run left half done taken back (timer-recovery.ts), the progress restored and an interrupted
// batch checked. Whatever fails on the way closes what it opened, so a retry starts clean.
import { join } from 'node:path';
import type { Logger } from '../../common/logger.js';
import type { FileIO } from '../../store/file-io.js';
import type { TimerCheckpoint, TimerProgress } from './timer-checkpoint.js';
import { slotOf, type TimerContext, type TimerState, type TimerStore } from './timer-context.js';
import { TimerDequeuer } from './timer-dequeue.js';
import { TimerEnqueuer } from './timer-enqueue.js';
import { TIMER_TOPIC } from './timer-hook.js';
import { TimerLog } from './timer-log.js';
import { findDeliveredInTimerBatch, segmentTable, undoUnsavedUnits } from './timer-recovery.js';
import { TimerWheel } from './timer-wheel.js';

export interface TimerOpenOptions {
  store: TimerStore;
  io: FileIO;
  checkpoint: TimerCheckpoint;
  storePathRootDir: string;
  precisionMs: number;
  rollWindowSlots: number;
  segmentBytes?: number;
  log: Logger;
  now: () => number;
  onDelivered?: (latenessMs: number) => void;
  /** Asked after the files are read: true when halt() or shutdown() came meanwhile. */
  closing: () => boolean;
}

export interface OpenedTimer {
  ctx: TimerContext;
  enqueuer: TimerEnqueuer;
  dequeuer: TimerDequeuer;
  /** Units linked after the last checkpoint, taken back. */
  undone: number;
}

/** The files opened and the state restored; undefined when told to close meanwhile. */
export async function openTimerFiles(o: TimerOpenOptions): Promise<OpenedTimer | undefined> {
  const saved = o.checkpoint.load();
  const precisionMs = saved?.precisionMs ?? o.precisionMs;
  const slots = saved?.wheelSlots ?? o.rollWindowSlots;
  if (precisionMs !== o.precisionMs || slots !== o.rollWindowSlots) {
    o.log.warn(
      { wheelPrecisionMs: precisionMs, wheelSlots: slots },
      'timerPrecisionMs / timerRollWindowSlot differ from the existing timer wheel, which ' +
        'keeps its shape; to reshape it, stop the broker once no timer message waits and ' +
        'remove timerwheel, timerlog/ and config/timerCheckpoint.json',
    );
  }
  const wheelPath = join(o.storePathRootDir, 'timerwheel');
  if (!saved && o.io.exists(wheelPath)) o.io.unlink(wheelPath); // no progress: start empty
  const wheel = new TimerWheel(o.io, o.storePathRootDir, slots, precisionMs);
  const tlog = new TimerLog(o.io, o.storePathRootDir, o.segmentBytes);
  const close = () => {
    tlog.close();
    wheel.close();
  };
  try {
    wheel.load();
    tlog.load();
    const undone = undoUnsavedUnits(tlog, wheel, saved?.logEnd ?? 0);
    await wheel.flush();
    if (o.closing()) return void close(); // halted or shut down while opening: do not start
    return { ...restore(o, saved, wheel, tlog, precisionMs), undone };
  } catch (err) {
    close(); // a failed open holds no file (a retry opens them again)
    throw err;
  }
}

/** The state from the checkpoint, the enqueue and dequeue sides, an interrupted batch. */
function restore(
  o: TimerOpenOptions,
  saved: TimerProgress | undefined,
  wheel: TimerWheel,
  tlog: TimerLog,
  precisionMs: number,
): Omit<OpenedTimer, 'undone'> {
  const queueOffset = clampQueueOffset(o, saved?.queueOffset);
  const state: TimerState = {
    queueOffset,
    cursorMs: saved?.cursorMs ?? slotOf(o.now(), precisionMs),
    chainPos: saved?.chainPos ?? null,
    inflight: saved?.inflight ?? null,
    segments: segmentTable(tlog, saved?.segments ?? {}),
    durable: { queueOffset, logEnd: tlog.end },
  };
  const ctx: TimerContext = {
    store: o.store,
    tlog,
    wheel,
    state,
    log: o.log,
    now: o.now,
    precisionMs,
    save: () => o.checkpoint.save(progressOf(ctx)),
    onDelivered: o.onDelivered,
  };
  const windowEnd = state.cursorMs + (wheel.slots - 1) * precisionMs;
  const stale = wheel.clearEmptyAfter(windowEnd);
  if (stale > 0) {
    o.log.warn(
      { records: stale, windowEnd },
      'timer wheel records stamped past the window, holding nothing, emptied',
    );
  }
  const dequeuer = new TimerDequeuer(ctx);
  if (state.inflight) {
    state.chainPos = state.inflight.fromPos;
    dequeuer.resume(findDeliveredInTimerBatch(o.store, tlog, state.inflight, o.log));
  }
  return { ctx, enqueuer: new TimerEnqueuer(ctx), dequeuer };
}

function clampQueueOffset(o: TimerOpenOptions, saved: number | undefined): number {
  const min = o.store.getMinOffsetInQueue(TIMER_TOPIC, 0);
  const max = o.store.getMaxOffsetInQueue(TIMER_TOPIC, 0);
  if (saved === undefined) {
    if (max > min) o.log.warn({ min, max }, 'no timer checkpoint: enqueueing from min');
    return min;
  }
  const offset = Math.min(Math.max(saved, min), max);
  if (offset !== saved) o.log.error({ saved, min, max }, 'timer queue offset corrected');
  return offset;
}

/** What the checkpoint records: the offset and log end the files hold, not those in memory. */
export function progressOf(ctx: TimerContext): TimerProgress {
  const { state: s, wheel, precisionMs } = ctx;
  return {
    precisionMs,
    wheelSlots: wheel.slots,
    queueOffset: s.durable.queueOffset,
    logEnd: s.durable.logEnd,
    cursorMs: s.cursorMs,
    chainPos: s.chainPos,
    inflight: s.inflight,
    segments: Object.fromEntries([...s.segments].map(([k, v]) => [String(k), v])),
  };
}
