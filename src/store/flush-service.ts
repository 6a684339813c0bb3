// Makes commit-log bytes durable (CommitLog.FlushRealTimeService / GroupCommitService).
// ASYNC_FLUSH: the store calls wakeup() after each put, as RocketMQ's handleDiskFlush wakes its
// flusher on every put: a round starts once flushCommitLogLeastPages pages are dirty; a wakeup
// during a round is kept and looked at again when the round ends. Every flushIntervalCommitLog
// ms the same check runs from a timer, and after FLUSH_THOROUGH_INTERVAL_MS
// (flushCommitLogThoroughInterval) whatever is dirty is flushed, however little.
// SYNC_FLUSH: a put waits for its end offset. One flush round runs at a time; requests made during
// a round are served together by the next one, so concurrent puts share an fdatasync (group
// commit). A put with WAIT=false only requests a round (GroupCommitService flushes with no
// waiter too). fdatasync runs on the libuv pool (FileIO#datasync), so the loop keeps serving.
import { assert } from '../common/assert.js';
import {
  FLUSH_COMMIT_LOG_THOROUGH_INTERVAL_MS as FLUSH_THOROUGH_INTERVAL_MS,
  OS_PAGE_SIZE_BYTES as PAGE_BYTES,
} from '../common/limits.js';
import type { Logger } from '../common/logger.js';
import type { MappedFileQueue } from './mapped-file-queue.js';

interface Waiter {
  offset: number;
  resolve: (durable: boolean) => void;
  /** opts.now() past which the put answers FLUSH_DISK_TIMEOUT. */
  deadline: number;
}

export interface FlushOptions {
  leastPages: number;
  intervalMs: number;
  syncTimeoutMs: number;
  now: () => number;
}

export class FlushService {
  /** fdatasync rounds completed; the group-commit tests read it. */
  flushCount = 0;
  private readonly queue: MappedFileQueue;
  private readonly log: Logger;
  private readonly opts: FlushOptions;
  private readonly leastBytes: number;
  private waiters: Waiter[] = [];
  private requested = false;
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  /**
   * One timer for every parked put, at the earliest deadline (a timer per put cost as much as
   * the put itself under group commit); deadlines share one timeout, so they come in order.
   */
  private timeoutTimer: NodeJS.Timeout | undefined;
  private lastFlushAt: number;
  /** Flushed offset after the last round: a cheap dirty estimate for the ASYNC triggers. */
  private flushedAtLastRound: number;
  private stopped = false;
  /** A wakeup came while a round ran: look again when it ends. */
  private wakePending = false;

  constructor(queue: MappedFileQueue, log: Logger, opts: FlushOptions) {
    assert(opts.intervalMs > 0 && opts.syncTimeoutMs > 0, 'flush intervals are positive');
    this.queue = queue;
    this.log = log;
    this.opts = opts;
    this.leastBytes = Math.max(0, opts.leastPages) * PAGE_BYTES;
    this.lastFlushAt = opts.now();
    this.flushedAtLastRound = queue.flushedOffset;
  }

  startAsync(): void {
    this.timer = setInterval(() => {
      const thorough = this.opts.now() - this.lastFlushAt >= FLUSH_THOROUGH_INTERVAL_MS;
      this.wakeup(thorough);
    }, this.opts.intervalMs);
    this.timer.unref();
  }

  /** ASYNC_FLUSH: called after each put; starts a round once enough is dirty. */
  wakeup(thorough = false): void {
    if (this.stopped) return;
    if (this.running) {
      this.wakePending = true;
      return;
    }
    const dirty = this.queue.maxOffset - this.flushedAtLastRound;
    if (dirty > 0 && (dirty >= this.leastBytes || thorough)) this.request();
  }

  /** SYNC_FLUSH, a put that does not wait (WAIT=false): a round soon, nobody parked on it. */
  requestFlush(): void {
    if (!this.stopped) this.request();
  }

  /** Resolves true once every byte below `offset` is durable, false after syncFlushTimeout. */
  waitForFlush(offset: number): Promise<boolean> {
    assert(offset <= this.queue.maxOffset, 'a put waits only for bytes it wrote');
    if (this.queue.flushedOffset >= offset) return Promise.resolve(true);
    if (this.stopped) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      this.waiters.push({ offset, resolve, deadline: this.opts.now() + this.opts.syncTimeoutMs });
      this.armTimeout();
      this.request();
    });
  }

  private armTimeout(): void {
    if (this.timeoutTimer || this.waiters.length === 0) return;
    const first = this.waiters[0]!.deadline;
    this.timeoutTimer = setTimeout(this.expire, Math.max(0, first - this.opts.now()));
    this.timeoutTimer.unref();
  }

  private readonly expire = (): void => {
    this.timeoutTimer = undefined;
    const now = this.opts.now();
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      if (w.deadline <= now) w.resolve(false);
      else still.push(w);
    }
    this.waiters = still;
    this.armTimeout();
  };

  /** Flushes everything written so far; resolves when no round is left running. */
  async flushNow(): Promise<void> {
    this.request();
    await this.running;
  }

  private request(): void {
    this.requested = true;
    if (this.running) return;
    this.running = this.loop().finally(() => {
      this.running = undefined;
      if (this.wakePending) {
        this.wakePending = false;
        this.wakeup();
      }
    });
  }

  private async loop(): Promise<void> {
    while (this.requested && !this.stopped) {
      this.requested = false;
      const target = this.queue.maxOffset;
      const rollbacks = this.queue.rollbacks;
      try {
        await this.queue.flush();
      } catch (err) {
        // Waiters stay parked and time out (FLUSH_DISK_TIMEOUT); the next request retries.
        this.log.error({ err }, 'commit log flush failed');
        return;
      }
      // halt() (a simulated crash) abandons the segments while a round is awaited: nothing it
      // left is this service's to account for.
      if (this.stopped) return;
      this.flushCount++;
      this.lastFlushAt = this.opts.now();
      this.flushedAtLastRound = this.queue.flushedOffset;
      // A rollback during the round cut what it flushed, and what came after is the next round's.
      const cut = rollbacks !== this.queue.rollbacks;
      assert(cut || this.flushedAtLastRound >= Math.min(target, this.queue.maxOffset), 'covered');
      this.release();
    }
  }

  private release(): void {
    const flushed = this.queue.flushedOffset;
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      if (w.offset <= flushed) w.resolve(true);
      else still.push(w);
    }
    this.waiters = still;
    if (still.length > 0) this.requested = true;
    else this.clearTimeoutTimer();
  }

  /** Stops without a final flush (crash simulation); parked puts get false. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.clearTimeoutTimer();
    for (const w of this.waiters) w.resolve(false);
    this.waiters = [];
  }

  private clearTimeoutTimer(): void {
    if (this.timeoutTimer) clearTimeout(this.timeoutTimer);
    this.timeoutTimer = undefined;
  }

  /** Final flush of everything, then releases every waiter it covered. */
  async shutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
    await this.queue.flush();
    this.flushCount++;
    this.release();
    this.stop();
  }
}
