// ScheduleMessageService: one LevelDeliverer per messageDelayLevel entry, progress in
// config/delayOffset.json (through an injectable FileIO). Started after the store has recovered
// and before the broker listens; stopped before the store shuts down, so the last batch's
// offsets are written.
// Also answers GET_ALL_DELAY_OFFSET (45): the delayOffset.json text, SYSTEM_ERROR when empty.
// On a SLAVE (`follower`) no level delivers: the master's deliveries reach the slave with the
// replicated commit log, and the progress comes from the master (SlaveSynchronize, merged by
// maximum in applyMasterOffsets), so a slave restarted as master resumes where its master was.
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
  /** brokerRole=SLAVE: keep the progress, never put (ScheduleMessageService on a slave). */
  follower?: boolean;
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
    if (this.opts.follower) {
      this.started = true;
      this.opts.log.info(
        { offsets: Object.fromEntries(this.offsets.entries()) },
        'schedule service follows the master (slave): no delivery here',
      );
      return;
    }
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

  get isFollower(): boolean {
    return this.opts.follower === true;
  }

  /**
   * The master's delayOffset.json table (SlaveSynchronize#syncDelayOffset), each level kept at
   * the larger offset: RocketMQ rewrites the slave's file with the master's, and a level can only
   * go back that way if the master lost progress, which would deliver those messages twice once
   * the slave is promoted. Only a follower applies it (a master's deliverers own their offsets).
   * Resolves when the result is on disk; returns how many levels moved.
   */
  async applyMasterOffsets(master: ReadonlyMap<number, number>): Promise<number> {
    if (!this.opts.follower) return 0;
    let moved = 0;
    for (const [level, offset] of master) {
      if (level < 1 || level > this.opts.levels.length) continue; // a level this broker lacks
      if ((this.offsets.get(level) ?? -1) >= offset) continue;
      this.offsets.set(level, offset);
      moved++;
    }
    if (moved > 0) await this.offsets.flush();
    return moved;
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
      const next = this.opts.follower ? (this.offsets.get(d.level) ?? 0) : d.nextOffset;
      out[`scheduleMessageOffset_${d.level}`] = `${next},${max}`;
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
