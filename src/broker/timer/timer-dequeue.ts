// Dequeue (TimerMessageStore's TimerDequeueGetService + TimerDequeuePutService in one): walks the
// wheel from the cursor slot; a slot is opened when its time window begins (slot − precision),
// its chain is read a batch at a time, and each unit is put back to its real queue at its own
// millisecond (never before), a roll at once. Before a batch's first put, one checkpoint write
// records the batch (its chain position and size) and where each target queue ends, so a crash
// in the middle neither loses nor repeats a copy (timer-recovery.ts finds the stored ones).
// Memory: one batch of units (not messages; a message is read from the commit log when put).

import {
  MAX_DELIVER_BATCH,
  RETRY_AFTER_FAILED_PUT_MS,
  TIMER_MAX_SCAN_SLOTS,
} from '../../common/limits.js';
import type { MessageToStore } from '../../message/message.js';
import type { PutMessageResult } from '../../store/message-store.js';
import { isPermanent, isStored } from '../message-copy.js';
import { queueKey, slotOf, type TimerContext } from './timer-context.js';
import { isRoll, readTimerMessage, timerTarget, timerTimeUp } from './timer-delivery.js';
import { NO_POS, type TimerUnit } from './timer-log.js';

/** Steps per pass before the loop lets the enqueue side run again. */
const MAX_STEPS_PER_PASS = 64;

interface Batch {
  units: TimerUnit[];
  next: number;
  /** Where the slot's chain goes on after this batch (NO_POS: the slot is done). */
  nextChainPos: number;
  /** Units of an interrupted batch whose copies are stored already. */
  skip: Set<number>;
  acks: Promise<void>[];
}

/** Rolls first (they wait for nothing), then by due time, then in the order they were sent. */
function deliveryOrder(a: TimerUnit, b: TimerUnit): number {
  const ka = isRoll(a) ? 0 : a.dueMs;
  const kb = isRoll(b) ? 0 : b.dueMs;
  return ka - kb || a.queueOffset - b.queueOffset;
}

export class TimerDequeuer {
  private readonly ctx: TimerContext;
  private batch: Batch | undefined;
  /** Set by recovery: the recorded batch is taken again, these units skipped. */
  private resumeSkip: Set<number> | undefined;
  /** A batch finished since the last checkpoint write, which still records it in flight. */
  private doneUnsaved = false;

  constructor(ctx: TimerContext) {
    this.ctx = ctx;
  }

  /** After a crash: re-take the checkpoint's in-flight batch, passing over `alreadyDelivered`. */
  resume(alreadyDelivered: Set<number>): void {
    this.resumeSkip = alreadyDelivered;
  }

  /** A batch is open and waiting for its next unit's time. */
  get holding(): boolean {
    return this.batch !== undefined;
  }

  /** Delivers what is due now; returns when to look again (ms since epoch). */
  async pass(): Promise<number> {
    const at = await this.steps();
    // A finished batch is written as done before the loop rests (the next batch's own record
    // would do it, but that may be hours away): a crash after an idle spell then finds nothing
    // in flight, rather than scanning target queues that have long moved on.
    if (this.doneUnsaved) {
      await this.ctx.save();
      this.doneUnsaved = false;
    }
    return at;
  }

  private async steps(): Promise<number> {
    const { state: s, wheel, precisionMs: p } = this.ctx;
    for (let step = 0; step < MAX_STEPS_PER_PASS; step++) {
      if (this.batch) {
        const r = await this.deliverDue(this.batch);
        if (r !== 'done') return r;
        s.chainPos = this.batch.nextChainPos;
        s.inflight = null;
        this.doneUnsaved = true;
        this.batch = undefined;
        continue;
      }
      if (s.chainPos === NO_POS) {
        s.chainPos = null;
        s.cursorMs += p;
        this.dropDeliveredSegments();
        continue;
      }
      if (s.chainPos !== null) {
        await this.loadBatch(s.chainPos);
        continue;
      }
      const now = this.ctx.now();
      const c = s.cursorMs;
      const current = slotOf(now, p);
      const horizon = c + (Math.min(TIMER_MAX_SCAN_SLOTS, wheel.slots) - 1) * p;
      const next = wheel.nextOccupied(c, horizon);
      if (next === undefined) {
        // Empty up to the horizon: pass over what is wholly past, never beyond the current slot.
        s.cursorMs = Math.max(c, Math.min(horizon + p, current));
        if (horizon < current) continue;
        return horizon; // when the slot after the horizon begins (an arrival wakes earlier)
      }
      if (next - p > now) {
        s.cursorMs = Math.max(c, current);
        return next - p;
      }
      s.cursorMs = next;
      s.chainPos = wheel.lastPos(next);
    }
    return this.ctx.now();
  }

  /** Reads the next batch of the cursor slot's chain and records it before any put. */
  private async loadBatch(fromPos: number): Promise<void> {
    const { state: s, tlog, store, log } = this.ctx;
    const skip = this.resumeSkip;
    this.resumeSkip = undefined;
    const limit = skip && s.inflight ? s.inflight.count : MAX_DELIVER_BATCH;
    const units: TimerUnit[] = [];
    let pos = fromPos;
    while (pos !== NO_POS && units.length < limit) {
      const u = tlog.read(pos);
      if (!u || u.slotMs !== s.cursorMs) {
        log.error({ slotMs: s.cursorMs, pos }, 'timer log unit unreadable; rest of its slot lost');
        pos = NO_POS;
        break;
      }
      units.push(u);
      pos = u.prevPos;
    }
    units.sort(deliveryOrder);
    // A resumed batch keeps its first record: its offsets precede every copy of the batch.
    if (!skip) {
      const queues: Record<string, number> = {};
      for (const u of units) {
        const m = readTimerMessage(store, u);
        const t = typeof m === 'string' ? m : timerTarget(m, u);
        if (typeof t === 'string') continue;
        queues[queueKey(t.topic, t.queueId)] ??= store.getMaxOffsetInQueue(t.topic, t.queueId);
      }
      s.inflight = { slotMs: s.cursorMs, fromPos, count: units.length, queues };
      await this.ctx.save();
      this.doneUnsaved = false;
    }
    this.batch = { units, next: 0, nextChainPos: pos, skip: skip ?? new Set(), acks: [] };
  }

  /** Puts the batch's units as they fall due; 'done', or when to come back. */
  private async deliverDue(b: Batch): Promise<'done' | number> {
    while (b.next < b.units.length) {
      const u = b.units[b.next]!;
      const now = this.ctx.now();
      if (!isRoll(u) && u.dueMs > now) return u.dueMs;
      if (!b.skip.delete(u.pos) && !(await this.deliverOne(u, now, b))) {
        return now + RETRY_AFTER_FAILED_PUT_MS;
      }
      b.next++;
    }
    await Promise.all(b.acks);
    b.acks = [];
    return 'done';
  }

  /**
   * Puts one unit's message. The append happens in putMessage's synchronous part, so a target
   * queue whose max offset did not move was not written: only then is the outcome awaited.
   * Returns false when delivery must pause (a passing failure; the unit is tried again).
   */
  private async deliverOne(u: TimerUnit, now: number, b: Batch): Promise<boolean> {
    const { store, log } = this.ctx;
    const m = readTimerMessage(store, u);
    const inner = typeof m === 'string' ? m : timerTimeUp(m, u, now);
    if (typeof inner === 'string') {
      this.drop(u, inner);
      return true;
    }
    // Appended, not yet written: the put's promise says whether it was stored.
    const before = store.getAppendedMaxOffsetInQueue(inner.topic, inner.queueId);
    const put = store.putMessage(inner);
    if (store.getAppendedMaxOffsetInQueue(inner.topic, inner.queueId) > before) {
      b.acks.push(put.then((r) => this.checkAck(r, inner)));
      this.delivered(u, now);
      return true;
    }
    const r = await put;
    if (isStored(r)) {
      this.delivered(u, now);
    } else if (isPermanent(r)) {
      this.drop(u, `the store refuses it (${r.status}: ${r.remark ?? ''})`);
    } else {
      log.warn({ status: r.status, remark: r.remark }, 'timer delivery paused');
      return false;
    }
    return true;
  }

  private delivered(u: TimerUnit, now: number): void {
    if (!isRoll(u)) this.ctx.onDelivered?.(now - u.dueMs);
  }

  private drop(u: TimerUnit, why: string): void {
    const info = { slotMs: u.slotMs, phyOffset: u.phyOffset, queueOffset: u.queueOffset };
    this.ctx.log.error(info, `timer message dropped: ${why}`);
  }

  private checkAck(r: PutMessageResult, m: MessageToStore): void {
    if (r.status !== 'PUT_OK') {
      // Appended (the queue grew) but not acknowledged as durable: log, do not put again.
      const info = { topic: m.topic, status: r.status, remark: r.remark };
      this.ctx.log.warn(info, 'timer copy not acknowledged as durable');
    }
  }

  /** Timer-log segments whose every unit is in a slot before the cursor are deleted. */
  private dropDeliveredSegments(): void {
    const { tlog, state, log } = this.ctx;
    for (;;) {
      const first = tlog.segmentStarts()[0];
      const latest = first === undefined ? undefined : state.segments.get(first);
      if (latest === undefined || latest >= state.cursorMs) return;
      if (tlog.deleteFirstSegment() === undefined) return;
      state.segments.delete(first!);
      log.info({ segment: first, latestSlotMs: latest }, 'delivered timer log segment deleted');
    }
  }
}
