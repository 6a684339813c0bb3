// ScheduleMessageService: one LevelDeliverer per messageDelayLevel entry, progress in
// config/delayOffset.json (through an injectable FileIO). Started after the store has recovered
// and before the broker listens; stopped before the store shuts down, so the last batch's
// offsets are written.
// Also answers GET_ALL_DELAY_OFFSET (45): the delayOffset.json text, SYSTEM_ERROR when empty.
import type { Logger } from '../../common/logger.js';
import { SCHEDULE_TOPIC } from '../../message/delay-level.js';
import { createResponse, type RemotingCommand } from '../../protocol/remoting-command.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { FileIO } from '../../store/file-io.js';
import type { MessageStore } from '../../store/message-store.js';
import { DelayOffsetStore } from './delay-offset-store.js';
import { findDeliveredInBatch } from './delivery-recovery.js';
import { type DelivererDeps, LevelDeliverer, type ScheduleStore } from './level-deliverer.js';

export interface ScheduleServiceOptions {
  storePathRootDir: string;
  /** Delay of each level in ms (parseMessageDelayLevel). */
  levels: readonly number[];
  log: Logger;
  now?: () => number;
  onDelivered?: DelivererDeps['onDelivered'];
  /** delayOffset.json's file I/O (a fault test's failing disk); the real one by default. */
  io?: FileIO;
}

type ArrivalSource = Pick<MessageStore, 'on' | 'off'>;

export class ScheduleMessageService {
  readonly offsets: DelayOffsetStore;
  private readonly opts: ScheduleServiceOptions;
  private readonly store: ScheduleStore & ArrivalSource;
  private readonly deliverers: LevelDeliverer[];
  private started = false;

  private readonly onArrived = (topic: string, queueId: number): void => {
    if (topic === SCHEDULE_TOPIC) this.deliverers[queueId]?.onArrival();
  };

  constructor(store: ScheduleStore & ArrivalSource, opts: ScheduleServiceOptions) {
    this.store = store;
    this.opts = opts;
    this.offsets = new DelayOffsetStore(opts.storePathRootDir, opts.io);
    const deps: DelivererDeps = {
      store,
      offsets: this.offsets,
      log: opts.log,
      levels: opts.levels,
      now: opts.now ?? Date.now,
      onDelivered: opts.onDelivered,
    };
    this.deliverers = opts.levels.map((_, i) => new LevelDeliverer(i + 1, deps));
  }

  /** Delay of each level in ms; levels[0] is level 1. */
  get levels(): readonly number[] {
    return this.opts.levels;
  }

  /** Loads delayOffset.json, clamps each offset into its queue, starts every level. */
  start(): void {
    if (this.started) return;
    this.offsets.load();
    this.store.on('messageArrived', this.onArrived);
    for (const d of this.deliverers) {
      const offset = this.correctedOffset(d.level, d.queueId);
      const batch = this.offsets.getInflight(d.level);
      const skip = batch
        ? findDeliveredInBatch(this.store, d.level, batch, this.opts.log, this.opts.levels)
        : new Set<number>();
      this.offsets.setInflight(d.level, undefined);
      d.start(offset, skip);
    }
    this.started = true;
    this.opts.log.info(
      { levels: this.opts.levels.length, offsets: Object.fromEntries(this.offsets.entries()) },
      'schedule service started',
    );
  }

  /** ScheduleMessageService#correctDelayOffset. */
  private correctedOffset(level: number, queueId: number): number {
    const saved = this.offsets.get(level) ?? 0;
    const min = this.store.getMinOffsetInQueue(SCHEDULE_TOPIC, queueId);
    const max = this.store.getMaxOffsetInQueue(SCHEDULE_TOPIC, queueId);
    const offset = Math.min(Math.max(saved, min), max);
    if (offset !== saved) {
      this.opts.log.error({ level, saved, min, max, offset }, 'delay offset corrected');
    }
    return offset;
  }

  /** No level is delivering or due, no progress write in flight (fake-clock tests). */
  isIdle(): boolean {
    return !this.offsets.writing && this.deliverers.every((d) => d.isIdle());
  }

  async shutdown(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.store.off('messageArrived', this.onArrived);
    await Promise.all(this.deliverers.map((d) => d.stop()));
    await this.offsets.close();
  }

  /** scheduleMessageOffset_<level> = "<next offset to deliver>,<max offset>" (runtime info). */
  runtimeInfo(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const d of this.deliverers) {
      const max = this.store.getMaxOffsetInQueue(SCHEDULE_TOPIC, d.queueId);
      out[`scheduleMessageOffset_${d.level}`] = `${d.nextOffset},${max}`;
    }
    return out;
  }

  readonly getAllDelayOffset = (req: RemotingCommand): RemotingCommand => {
    if (this.offsets.entries().length === 0) {
      return createResponse(req, ResponseCode.SYSTEM_ERROR, 'No delay offset in this broker');
    }
    return createResponse(
      req,
      ResponseCode.SUCCESS,
      undefined,
      {},
      Buffer.from(this.offsets.encode()),
    );
  };
}
