// Makes commit-log bytes durable (FlushRealTimeService / GroupCommitService).
// ASYNC_FLUSH: every flushIntervalCommitLog ms, fdatasync when at least flushCommitLogLeastPages
// pages are dirty, or whatever is dirty after FLUSH_THOROUGH_INTERVAL_MS.
// SYNC_FLUSH: callers wait for their offset; one fdatasync covers every write that happened before
// it started (group commit), and callers that arrive during it share the next one.
import { assert } from '../common/assert.js';
import type { Logger } from '../common/logger.js';
import type { MappedFileQueue } from './mapped-file-queue.js';

const PAGE_BYTES = 4096;
const FLUSH_THOROUGH_INTERVAL_MS = 10_000;

interface Waiter {
  offset: number;
  resolve: (durable: boolean) => void;
  timer: NodeJS.Timeout;
}

export class FlushService {
  private readonly queue: MappedFileQueue;
  private readonly log: Logger;
  private readonly leastBytes: number;
  private readonly intervalMs: number;
  private readonly syncTimeoutMs: number;
  private waiters: Waiter[] = [];
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastFlushAt = Date.now();
  /** fdatasync rounds performed; the group-commit test reads it. */
  flushCount = 0;

  constructor(
    queue: MappedFileQueue,
    log: Logger,
    opts: { leastPages: number; intervalMs: number; syncTimeoutMs: number },
  ) {
    this.queue = queue;
    this.log = log;
    this.leastBytes = Math.max(0, opts.leastPages) * PAGE_BYTES;
    this.intervalMs = opts.intervalMs;
    this.syncTimeoutMs = opts.syncTimeoutMs;
  }

  startAsync(): void {
    this.timer = setInterval(() => {
      const dirty = this.queue.maxOffset - this.queue.flushedOffset;
      const thorough = Date.now() - this.lastFlushAt >= FLUSH_THOROUGH_INTERVAL_MS;
      if (dirty > 0 && (dirty >= this.leastBytes || thorough)) void this.flushNow();
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Resolves true once every byte below `offset` is durable, false after syncFlushTimeout. */
  waitForFlush(offset: number): Promise<boolean> {
    if (this.queue.flushedOffset >= offset) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const w: Waiter = {
        offset,
        resolve,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((x) => x !== w);
          resolve(false);
        }, this.syncTimeoutMs),
      };
      this.waiters.push(w);
      void this.flushNow();
    });
  }

  /** One flush round at a time; a request during a round schedules exactly one more. */
  flushNow(): Promise<void> {
    if (this.flushing) return this.flushing.then(() => this.flushIfNeeded());
    const target = this.queue.maxOffset;
    this.flushing = this.queue
      .flush()
      .then(
        () => {
          this.flushCount++;
          this.lastFlushAt = Date.now();
          this.release();
        },
        (err: unknown) => this.log.error({ err }, 'commit log flush failed; will retry'),
      )
      .finally(() => {
        this.flushing = undefined;
      });
    assert(target >= 0, 'flush target is an offset');
    return this.flushing;
  }

  private flushIfNeeded(): Promise<void> {
    if (this.queue.flushedOffset >= this.queue.maxOffset && this.waiters.length === 0)
      return Promise.resolve();
    return this.flushNow();
  }

  private release(): void {
    const flushed = this.queue.flushedOffset;
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      if (w.offset <= flushed) {
        clearTimeout(w.timer);
        w.resolve(true);
      } else {
        still.push(w);
      }
    }
    this.waiters = still;
    if (still.length > 0) void this.flushNow();
  }

  /** Stops the interval flusher without a final flush (crash simulation). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async shutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.flushing) await this.flushing;
    await this.queue.flush();
    this.release();
  }
}
