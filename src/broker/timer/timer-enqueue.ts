// Enqueue (TimerMessageStore's TimerEnqueueGetService + TimerEnqueuePutService in one): tails
// rmq_sys_wheel_timer queue 0 from the saved offset and links each message into the slot of its
// TIMER_OUT_MS: a timer-log unit pointing back at the slot's previous newest unit, and the wheel
// record pointing at the new one. Per batch the log is fdatasynced first, then the wheel, then
// the checkpoint (the new queue offset and log end), so whatever the wheel points at is durable
// and a crash leaves at most a tail the recovery takes back (timer-recovery.ts).
// A slot already opened for delivery takes nothing more (its chain is being read): a message due
// there goes to the next slot. One due beyond the wheel's window waits in the window's last slot
// and is rolled from there (put back to rmq_sys_wheel_timer, enqueued again).
import { TIMER_MAX_ENQUEUE_BATCH } from '../../common/limits.js';
import type { MessageExt } from '../../message/message.js';
import { decodeRecord } from '../../message/record-codec.js';
import { GetMessageStatus } from '../../store/status.js';
import { slotOf, type TimerContext } from './timer-context.js';
import { TIMER_TOPIC, TimerProperty } from './timer-hook.js';

/** rmq_sys_wheel_timer messages read per getMessage. */
const READ_BATCH = 32;

export class TimerEnqueuer {
  private readonly ctx: TimerContext;
  /** Units linked (or the offset moved) since the last checkpoint write. */
  private unsaved = false;

  constructor(ctx: TimerContext) {
    this.ctx = ctx;
  }

  /** The slot a message due at `dueMs` goes to now. */
  slotFor(dueMs: number): number {
    const { state, precisionMs: p, wheel } = this.ctx;
    const first = state.chainPos === null ? state.cursorMs : state.cursorMs + p;
    const last = state.cursorMs + (wheel.slots - 1) * p;
    return Math.min(Math.max(slotOf(dueMs, p), first), last);
  }

  /** Links up to one batch and makes it durable; returns whether more is waiting. */
  async pass(): Promise<boolean> {
    const { store, state } = this.ctx;
    const max = store.getMaxOffsetInQueue(TIMER_TOPIC, 0);
    let failure: { err: unknown } | undefined;
    try {
      this.linkUpTo(max);
    } catch (err) {
      failure = { err };
    }
    // What was linked before a failure is made durable all the same, so delivery can go on.
    if (this.unsaved) {
      await this.flush();
      await this.ctx.save();
      this.unsaved = false;
    }
    if (failure) throw failure.err;
    return state.queueOffset < store.getMaxOffsetInQueue(TIMER_TOPIC, 0);
  }

  /**
   * Linked or moved past since the last checkpoint write: not to be delivered yet, since after
   * a crash the next start would link (and deliver) them again.
   */
  get hasUnsaved(): boolean {
    return this.unsaved;
  }

  /**
   * The offset moves with each message linked, so an error partway (a failed read, a bad record)
   * leaves the linked ones behind it: the next pass goes on, it never links them twice.
   */
  private linkUpTo(max: number): void {
    const { store, state, log } = this.ctx;
    let linked = 0;
    while (state.queueOffset < max && linked < TIMER_MAX_ENQUEUE_BATCH) {
      const off = state.queueOffset;
      const r = store.getMessage(TIMER_TOPIC, 0, off, READ_BATCH);
      if (r.status === GetMessageStatus.FOUND) {
        for (const [i, b] of r.buffers.entries()) {
          this.link(decodeRecord(b, 0));
          this.moveTo(off + i + 1);
        }
        linked += r.buffers.length;
        this.moveTo(Math.max(r.nextBeginOffset, off + r.buffers.length));
      } else if (r.status === GetMessageStatus.OFFSET_TOO_SMALL) {
        log.error({ offset: off, min: r.minOffset }, 'timer queue cleaned past the enqueue offset');
        this.moveTo(r.minOffset);
      } else if (r.nextBeginOffset > off) {
        this.moveTo(r.nextBeginOffset);
      } else {
        break;
      }
    }
  }

  /** Writes the log, then the wheel; what they hold is then durable, up to the queue offset. */
  async flush(): Promise<void> {
    const { tlog, wheel, state } = this.ctx;
    await tlog.flush();
    await wheel.flush();
    state.durable = { queueOffset: state.queueOffset, logEnd: tlog.end };
  }

  /** Moved before the writes: a failed write is retried by the next pass, never re-linked. */
  private moveTo(offset: number): void {
    if (offset === this.ctx.state.queueOffset) return;
    this.ctx.state.queueOffset = offset;
    this.unsaved = true;
  }

  private link(m: MessageExt): void {
    const { tlog, wheel, state, log } = this.ctx;
    const dueMs = Number(m.properties[TimerProperty.OUT_MS]);
    if (!Number.isSafeInteger(dueMs) || dueMs <= 0) {
      const why = `TIMER_OUT_MS is '${m.properties[TimerProperty.OUT_MS]}'`;
      log.error({ offset: m.queueOffset, msgId: m.offsetMsgId }, `timer message dropped: ${why}`);
      return;
    }
    const slotMs = this.slotFor(dueMs);
    const pos = tlog.append({
      prevPos: wheel.lastPos(slotMs),
      slotMs,
      dueMs,
      phyOffset: m.commitLogOffset,
      queueOffset: m.queueOffset,
      size: m.storeSize,
    });
    wheel.set(slotMs, pos);
    const seg = pos - (pos % tlog.segmentBytes);
    state.segments.set(seg, Math.max(state.segments.get(seg) ?? 0, slotMs));
  }
}
