// One delay level's delivery loop (ScheduleMessageService.DeliverDelayedMessageTimerTask): reads
// SCHEDULE_TOPIC_XXXX queue level-1 in order from the saved offset; every message whose time has
// come is put back to its REAL_TOPIC / REAL_QID with DELAY cleared (the copy is built by
// time-up.ts and message-copy.ts). Before a batch is put, one
// delayOffset.json write records the progress so far and the batch (its range and where its real
// queues end), so a crash in the middle neither loses nor repeats a copy (delivery-recovery.ts).
// A queue holds one level, so delivery times never decrease along it: the loop sleeps until the
// head is due (RocketMQ polls every 100 ms), or until a message arrives in an empty queue.

import {
  DELAY_FOR_A_PERIOD_MS,
  MAX_DELIVER_BATCH,
  RETRY_AFTER_FAILED_PUT_MS,
} from '../../common/limits.js';
import type { Logger } from '../../common/logger.js';
import { computeDeliverTimestamp, SCHEDULE_TOPIC } from '../../message/delay-level.js';
import type { MessageExt, MessageToStore } from '../../message/message.js';
import { decodeRecord } from '../../message/record-codec.js';
import type { PutMessageResult } from '../../store/message-store.js';
import { GetMessageStatus, PutMessageStatus } from '../../store/status.js';
import { queueKey, type RedeliveryStore } from '../copy-recovery.js';
import { isPermanent, isStored } from '../message-copy.js';
import type { DelayOffsetStore, InflightBatch } from './delay-offset-store.js';
import { messageTimeUp } from './time-up.js';

export type ScheduleStore = RedeliveryStore;

export interface DelivererDeps {
  readonly store: ScheduleStore;
  readonly offsets: DelayOffsetStore;
  readonly log: Logger;
  readonly levels: readonly number[];
  readonly now: () => number;
  /** Told of each delivered message: how long after its due time it was stored again. */
  readonly onDelivered?: (level: number, latenessMs: number) => void;
}

interface Scan {
  due: MessageExt[];
  /** Where the next scan starts (past skipped units; the head not yet due stays). */
  next: number;
  /** When the head is due (ms since epoch); undefined when the queue is drained. */
  dueAt: number | undefined;
}

export class LevelDeliverer {
  readonly level: number;
  readonly queueId: number;
  private readonly delayMs: number;
  private readonly deps: DelivererDeps;
  private offset = 0;
  private skip = new Set<number>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt: number | undefined;
  private pass: Promise<void> | undefined;
  private waitingForArrival = false;
  /** A wake-up came while a pass was running: run again when it ends. */
  private rerun = false;
  private stopped = true;

  constructor(level: number, deps: DelivererDeps) {
    this.level = level;
    this.queueId = level - 1;
    this.delayMs = deps.levels[level - 1]!;
    this.deps = deps;
  }

  /** The next schedule-queue offset to deliver. */
  get nextOffset(): number {
    return this.offset;
  }

  /**
   * Starts delivering from `offset`; `alreadyDelivered` are offsets of an interrupted batch whose
   * copies are stored (delivery-recovery.ts): they are passed over, not put again.
   */
  start(offset: number, alreadyDelivered: ReadonlySet<number> = new Set()): void {
    this.offset = offset;
    this.skip = new Set(alreadyDelivered);
    this.stopped = false;
    this.wake(0);
  }

  /** Nothing running and nothing due: what a fake-clock test waits for before moving time. */
  isIdle(): boolean {
    return (
      this.pass === undefined && (this.timerAt === undefined || this.timerAt > this.deps.now())
    );
  }

  /**
   * messageArrived for this level's queue: a drained queue is woken; during a pass, the pass runs
   * again when it ends. Without the second case an arrival while a pass that found the queue
   * empty was saving its progress was never looked at (found with timers hopping between levels
   * under load: the hops sat in level 1 until the next arrival).
   */
  onArrival(): void {
    if (this.waitingForArrival) this.wake(0);
    else if (this.pass) this.rerun = true;
  }

  /** Stops timers and waits for a batch in flight, so its offset is saved before shutdown. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = undefined;
    await this.pass;
  }

  private wake(delayMs: number): void {
    this.waitingForArrival = false;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = this.deps.now() + delayMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = undefined;
      if (this.stopped) return;
      if (this.pass) {
        this.rerun = true;
        return;
      }
      this.pass = this.run().finally(() => {
        this.pass = undefined;
        if (this.rerun && !this.stopped) this.wake(0);
        this.rerun = false;
      });
    }, delayMs);
  }

  private async run(): Promise<void> {
    try {
      while (!this.stopped) {
        const scan = this.scan(this.deps.now());
        const first = scan.due[0];
        if (first) {
          // Progress so far and the batch about to be put, in one write, before any put.
          this.advance(first.queueOffset);
          this.deps.offsets.setInflight(this.level, this.inflightBatch(scan.due));
          await this.saveProgress();
          const ok = await this.deliver(scan.due);
          this.deps.offsets.setInflight(this.level, undefined);
          if (ok) continue; // the next batch's write (or the one below) records this one
          await this.saveProgress();
          return this.wake(RETRY_AFTER_FAILED_PUT_MS);
        }
        this.advance(scan.next);
        await this.saveProgress();
        if (this.stopped) return;
        // Measured after the flush: the wait is to a point in time, not from the scan.
        if (scan.dueAt !== undefined) return this.wake(Math.max(0, scan.dueAt - this.deps.now()));
        this.waitingForArrival = true;
        return;
      }
    } catch (err) {
      this.deps.log.error({ err, level: this.level, offset: this.offset }, 'delivery failed');
      if (!this.stopped) this.wake(DELAY_FOR_A_PERIOD_MS);
    }
  }

  private advance(next: number): void {
    this.offset = next;
    this.deps.offsets.set(this.level, next);
  }

  private async saveProgress(): Promise<void> {
    try {
      await this.deps.offsets.flush();
    } catch (err) {
      // Delivery goes on (a config-file write error should not stop it); until a write succeeds,
      // a crash may put a batch's copies twice, as RocketMQ's 10 s flush interval does.
      this.deps.log.error({ err, level: this.level }, 'cannot write delayOffset.json');
    }
  }

  /** Reads from the saved offset and collects the due head of the queue. */
  private scan(now: number): Scan {
    const { store, log } = this.deps;
    const due: MessageExt[] = [];
    let next = this.offset;
    while (due.length < MAX_DELIVER_BATCH) {
      const r = store.getMessage(SCHEDULE_TOPIC, this.queueId, next, MAX_DELIVER_BATCH);
      switch (r.status) {
        case GetMessageStatus.FOUND:
          break;
        case GetMessageStatus.OFFSET_TOO_SMALL:
        case GetMessageStatus.OFFSET_OVERFLOW_BADLY:
          // ScheduleMessageService#correctDelayOffset: the queue was cleaned, or cut after a crash.
          log.error(
            { level: this.level, offset: next, min: r.minOffset, max: r.maxOffset },
            'delay offset out of the schedule queue; corrected',
          );
          next = r.status === GetMessageStatus.OFFSET_TOO_SMALL ? r.minOffset : r.maxOffset;
          continue;
        case GetMessageStatus.NO_MATCHED_MESSAGE:
        case GetMessageStatus.MESSAGE_WAS_REMOVING:
        case GetMessageStatus.OFFSET_FOUND_NULL:
          if (r.nextBeginOffset <= next) return { due, next, dueAt: undefined };
          next = r.nextBeginOffset;
          continue;
        default:
          return { due, next, dueAt: undefined };
      }
      for (const b of r.buffers) {
        const m = decodeRecord(b, 0);
        const dueAt = this.correctDeliverTimestamp(now, m.storeTimestamp);
        if (dueAt > now) return { due, next: m.queueOffset, dueAt };
        due.push(m);
        next = m.queueOffset + 1;
      }
      next = Math.max(next, r.nextBeginOffset);
    }
    return { due, next, dueAt: now };
  }

  /** A delivery time further away than the level's delay means the clock went back: due now. */
  private correctDeliverTimestamp(now: number, storeTimestampMs: number): number {
    const at = computeDeliverTimestamp(this.deps.levels, this.level, storeTimestampMs);
    return at > now + this.delayMs ? now : at;
  }

  /**
   * Puts the due messages in order. Appends happen inside putMessage's synchronous part, so a
   * real queue whose max offset did not move was not written: only then is the outcome awaited,
   * and delivery stops at the first message that failed for a passing reason. Returns false then.
   */
  private async deliver(due: MessageExt[]): Promise<boolean> {
    const { store, log } = this.deps;
    const acks: Promise<void>[] = [];
    for (const m of due) {
      if (this.skip.delete(m.queueOffset)) {
        this.advance(m.queueOffset + 1);
        continue;
      }
      const inner = messageTimeUp(m, this.deps.levels);
      if (typeof inner === 'string') {
        this.drop(m, inner);
        continue;
      }
      // Appended, not yet written: the put's promise says whether it was stored.
      const before = store.getAppendedMaxOffsetInQueue(inner.topic, inner.queueId);
      const put = store.putMessage(inner);
      if (store.getAppendedMaxOffsetInQueue(inner.topic, inner.queueId) > before) {
        acks.push(put.then((r) => this.checkAck(r, inner)));
        this.delivered(m);
        continue;
      }
      const r = await put;
      if (isStored(r)) {
        this.delivered(m);
      } else if (isPermanent(r)) {
        this.drop(m, `the store refuses it (${r.status}: ${r.remark ?? ''})`);
      } else {
        log.warn({ level: this.level, status: r.status, remark: r.remark }, 'delivery paused');
        await Promise.all(acks);
        return false;
      }
    }
    await Promise.all(acks);
    return true;
  }

  /** Where each real queue of the batch ends now: its copies will all be appended past it. */
  private inflightBatch(due: MessageExt[]): InflightBatch {
    const queues: Record<string, number> = {};
    for (const m of due) {
      const inner = messageTimeUp(m, this.deps.levels);
      if (typeof inner === 'string') continue;
      const key = queueKey(inner.topic, inner.queueId);
      queues[key] ??= this.deps.store.getMaxOffsetInQueue(inner.topic, inner.queueId);
    }
    return { from: due[0]!.queueOffset, to: due[due.length - 1]!.queueOffset + 1, queues };
  }

  private delivered(m: MessageExt): void {
    this.deps.onDelivered?.(this.level, this.deps.now() - this.dueTime(m));
    this.advance(m.queueOffset + 1);
  }

  private drop(m: MessageExt, why: string): void {
    this.deps.log.error(
      { level: this.level, offset: m.queueOffset, msgId: m.offsetMsgId },
      `scheduled message dropped: ${why}`,
    );
    this.advance(m.queueOffset + 1);
  }

  private dueTime(m: MessageExt): number {
    return computeDeliverTimestamp(this.deps.levels, this.level, m.storeTimestamp);
  }

  private checkAck(r: PutMessageResult, m: MessageToStore): void {
    if (r.status !== PutMessageStatus.PUT_OK) {
      // Appended (the queue grew) but not acknowledged as durable: log, do not re-deliver.
      const info = { level: this.level, topic: m.topic, status: r.status, remark: r.remark };
      this.deps.log.warn(info, 'delivered copy not acknowledged as durable');
    }
  }
}
