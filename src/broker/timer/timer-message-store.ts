// TimerMessageStore (RocketMQ 5): delivery at an arbitrary time for messages sent with
// TIMER_DELIVER_MS / TIMER_DELAY_SEC / TIMER_DELAY_MS (timer-hook.ts parks them in
// rmq_sys_wheel_timer). One loop, woken by arrivals in that topic and by the next due time:
// enqueue links new timer messages into the wheel (timer-enqueue.ts), dequeue puts due ones back
// to their real queues at their millisecond (timer-dequeue.ts). Messages stay in the commit log;
// what is kept per message is a 48-byte timer-log unit on disk; memory holds the wheel (fixed by
// timerRollWindowSlot) and one batch. Started after the store has recovered and before the
// broker listens; stopped before the store shuts down, so the last progress is written.
import {
  DELAY_FOR_A_PERIOD_MS,
  TIMER_OPEN_RETRY_FIRST_MS,
  TIMER_OPEN_RETRY_MAX_MS,
} from '../../common/limits.js';
import type { Logger } from '../../common/logger.js';
import { type FileIO, nodeFileIO } from '../../store/file-io.js';
import type { MessageStore } from '../../store/message-store.js';
import { TimerCheckpoint } from './timer-checkpoint.js';
import type { TimerContext, TimerStore } from './timer-context.js';
import type { TimerDequeuer } from './timer-dequeue.js';
import type { TimerEnqueuer } from './timer-enqueue.js';
import { TIMER_TOPIC } from './timer-hook.js';

export interface TimerStoreOptions {
  storePathRootDir: string;
  /** timerPrecisionMs: the width of a wheel slot. */
  precisionMs: number;
  /** timerRollWindowSlot: slots in the wheel; later messages are rolled. */
  rollWindowSlots: number;
  log: Logger;
  now?: () => number;
  fileIO?: FileIO;
  /** Timer-log segment size (tests use small ones). */
  segmentBytes?: number;
  onDelivered?: (latenessMs: number) => void;
  /**
   * brokerRole=SLAVE: never opens, enqueues or puts. The master's deliveries come with the
   * replicated log; the timer messages stay in rmq_sys_wheel_timer here.
   */
  follower?: boolean;
}

type ArrivalSource = Pick<MessageStore, 'on' | 'off'>;

/** After an unexpected error (a bug, a failing disk) the loop waits this long. */
const RETRY_AFTER_ERROR_MS = DELAY_FOR_A_PERIOD_MS;

const describeError = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class TimerMessageStore {
  private readonly opts: TimerStoreOptions;
  private readonly store: TimerStore & ArrivalSource;
  private readonly io: FileIO;
  private readonly checkpoint: TimerCheckpoint;
  private readonly now: () => number;
  private ctx: TimerContext | undefined;
  private enqueuer: TimerEnqueuer | undefined;
  private dequeuer: TimerDequeuer | undefined;
  private timer: NodeJS.Timeout | undefined;
  private timerAt: number | undefined;
  private running: Promise<void> | undefined;
  private rerun = false;
  private stopped = true;
  /** Started with no timer message ever seen: no files yet, waiting for the first one. */
  private dormant = false;
  private opening: Promise<void> | undefined;
  /** The next try of an open that failed at the first timer message. */
  private openRetry: NodeJS.Timeout | undefined;
  private openRetryAt: number | undefined;
  /** Set by halt() and shutdown(): an open in flight closes its files and does not start. */
  private closing = false;
  /** After a failed enqueue pass: no other before this time (ms since epoch). */
  private enqueueRetryAt = 0;
  /** After a failed pass: the loop waits until this time (ms since epoch). */
  private loopRetryAt = 0;

  private readonly onArrived = (topic: string): void => {
    // An arrival waits out an error backoff: a failing disk would otherwise fail one pass (and
    // log it) per message sent.
    if (topic === TIMER_TOPIC) this.wake(Math.max(0, this.retryAt - this.now()));
  };

  private readonly onFirstArrival = (topic: string): void => {
    if (topic !== TIMER_TOPIC || !this.dormant) return;
    this.leaveDormant();
    this.openLazily(TIMER_OPEN_RETRY_FIRST_MS);
  };

  /**
   * Opens the files at the first timer message. A failure (EMFILE, ENOSPC) is tried again after
   * `retryMs`, doubling: meanwhile timer messages wait in rmq_sys_wheel_timer, none is lost.
   */
  private openLazily(retryMs: number): void {
    this.openRetry = undefined;
    this.openRetryAt = undefined;
    this.opening = this.open().then(
      () => {
        this.opening = undefined;
      },
      (err: unknown) => {
        this.opening = undefined;
        if (this.closing) return;
        this.opts.log.error(
          { err },
          `cannot open the timer wheel (${describeError(err)}); timer messages wait in ` +
            `${TIMER_TOPIC}, trying again in ${retryMs / 1000} s`,
        );
        const next = Math.min(2 * retryMs, TIMER_OPEN_RETRY_MAX_MS);
        this.openRetryAt = this.now() + retryMs;
        this.openRetry = setTimeout(() => this.openLazily(next), retryMs);
      },
    );
  }

  constructor(store: TimerStore & ArrivalSource, opts: TimerStoreOptions) {
    this.store = store;
    this.opts = opts;
    this.io = opts.fileIO ?? nodeFileIO;
    this.now = opts.now ?? Date.now;
    this.checkpoint = new TimerCheckpoint(this.io, opts.storePathRootDir);
  }

  /**
   * Starts at once when timer messages were ever seen; otherwise waits for the first one, so a
   * broker that never uses timers has no wheel file (172,800 slots take 2.7 MiB) on its disk.
   */
  async start(): Promise<void> {
    if (!this.stopped || this.dormant || this.opening || this.openRetry) return;
    if (this.opts.follower) {
      this.opts.log.info({}, 'timer store follows the master (slave): no delivery here');
      return;
    }
    this.closing = false;
    const hasMessages =
      this.store.getMaxOffsetInQueue(TIMER_TOPIC, 0) >
      this.store.getMinOffsetInQueue(TIMER_TOPIC, 0);
    if (this.checkpoint.load() || hasMessages) return this.open();
    this.dormant = true;
    this.store.on('messageArrived', this.onFirstArrival);
  }

  /** Loads the wheel, log and checkpoint, takes back what the last run left half done, starts. */
  private async open(): Promise<void> {
    const { opts, store } = this;
    // The wheel, log, enqueue and dequeue code loads with the first timer message: a broker
    // that never sees one does not hold it (about 0.7 MiB of heap at idle).
    const { openTimerFiles } = await import('./timer-open.js');
    const opened = await openTimerFiles({
      store,
      io: this.io,
      checkpoint: this.checkpoint,
      storePathRootDir: opts.storePathRootDir,
      precisionMs: opts.precisionMs,
      rollWindowSlots: opts.rollWindowSlots,
      segmentBytes: opts.segmentBytes,
      log: opts.log,
      now: this.now,
      onDelivered: opts.onDelivered,
      closing: () => this.closing,
    });
    if (!opened) return;
    this.ctx = opened.ctx;
    this.enqueuer = opened.enqueuer;
    this.dequeuer = opened.dequeuer;
    store.on('messageArrived', this.onArrived);
    this.stopped = false;
    this.wake(0);
    const { precisionMs, wheel } = opened.ctx;
    opts.log.info(
      { ...this.progressSummary(), unitsTakenBack: opened.undone, precisionMs, slots: wheel.slots },
      'timer message store started',
    );
  }

  private progressSummary(): Record<string, number> {
    const s = this.ctx!.state;
    return { queueOffset: s.queueOffset, cursorMs: s.cursorMs, logEnd: this.ctx!.tlog.end };
  }

  /** Nothing running and nothing due (fake-clock tests wait for this before moving time). */
  isIdle(): boolean {
    return (
      this.opening === undefined &&
      (this.openRetryAt === undefined || this.openRetryAt > this.now()) &&
      this.running === undefined &&
      (this.timerAt === undefined || this.timerAt > this.now())
    );
  }

  /** Arrivals are looked at no sooner than this (an error backoff's end). */
  private get retryAt(): number {
    return Math.max(this.enqueueRetryAt, this.loopRetryAt);
  }

  private wake(delayMs: number): void {
    if (this.stopped) return;
    if (this.running && delayMs === 0) {
      this.rerun = true; // the pass in flight looks again when it ends
      return;
    }
    const at = this.now() + delayMs;
    if (this.timer !== undefined && this.timerAt !== undefined && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.fire(), delayMs);
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = undefined;
    if (this.stopped) return;
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.running = this.run().finally(() => {
      this.running = undefined;
      if (this.rerun && !this.stopped) this.wake(0);
      this.rerun = false;
    });
  }

  private async run(): Promise<void> {
    try {
      for (;;) {
        this.rerun = false;
        const more = await this.enqueue();
        if (this.stopped) return;
        // Delivery waits while linked units are not in a checkpoint (the enqueue side cannot write
        // it): after a crash they would be linked, and delivered, a second time.
        const at = this.enqueuer!.hasUnsaved ? this.enqueueRetryAt : await this.dequeuer!.pass();
        if (this.stopped) return;
        if (more || at <= this.now()) continue;
        const retry = this.enqueueRetryAt > this.now() ? this.enqueueRetryAt : at;
        return this.wake(Math.min(at, retry) - this.now());
      }
    } catch (err) {
      this.opts.log.error({ err, ...this.progressSummary() }, 'timer message store pass failed');
      this.loopRetryAt = this.now() + RETRY_AFTER_ERROR_MS;
      this.wake(RETRY_AFTER_ERROR_MS);
    }
  }

  /**
   * One enqueue pass; returns whether more is waiting. A failure (a read, a full disk) is logged
   * and retried after RETRY_AFTER_ERROR_MS; until then the loop goes on delivering what the wheel
   * holds in a checkpoint, so timers that were linked are not held up by ones that cannot be.
   */
  private async enqueue(): Promise<boolean> {
    if (this.now() < this.enqueueRetryAt) return false;
    try {
      return await this.enqueuer!.pass();
    } catch (err) {
      this.enqueueRetryAt = this.now() + RETRY_AFTER_ERROR_MS;
      const deliveryPaused = this.enqueuer!.hasUnsaved;
      this.opts.log.error(
        { err, deliveryPaused, ...this.progressSummary() },
        `timer enqueue pass failed; trying again in ${RETRY_AFTER_ERROR_MS / 1000} s`,
      );
      return false;
    }
  }

  /** Stops the loop, waits for a pass in flight, writes the progress. */
  async shutdown(): Promise<void> {
    this.closing = true;
    this.leaveDormant();
    await this.opening;
    if (this.stopped) return;
    this.stopped = true;
    this.store.off('messageArrived', this.onArrived);
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = undefined;
    await this.running;
    const ctx = this.ctx!;
    try {
      const { progressOf } = await import('./timer-open.js'); // loaded by open()
      await this.enqueuer!.flush();
      this.checkpoint.saveSync(progressOf(ctx));
    } catch (err) {
      // The last checkpoint stays; the next start takes back what it does not cover.
      this.opts.log.error({ err }, 'cannot write the timer checkpoint at shutdown');
    }
    ctx.tlog.close();
    ctx.wheel.close();
  }

  /**
   * Stops the loop without writing anything, as a crash would (fault tests): what the next
   * start() finds is what was on disk at that moment.
   */
  halt(): void {
    this.closing = true;
    this.leaveDormant();
    this.stopped = true;
    this.store.off('messageArrived', this.onArrived);
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = undefined;
  }

  private leaveDormant(): void {
    this.dormant = false;
    this.store.off('messageArrived', this.onFirstArrival);
    if (this.openRetry) clearTimeout(this.openRetry);
    this.openRetry = undefined;
    this.openRetryAt = undefined;
  }

  /** GET_BROKER_RUNTIME_INFO's timer lines (BrokerController#getRuntimeInfo names). */
  runtimeInfo(): Record<string, string> {
    const s = this.ctx?.state;
    if (!s) return {};
    const max = this.store.getMaxOffsetInQueue(TIMER_TOPIC, 0);
    return {
      timerOffsetBehind: String(Math.max(0, max - s.queueOffset)),
      timerReadBehind: String(Math.max(0, this.now() - s.cursorMs) / 1000),
    };
  }
}
