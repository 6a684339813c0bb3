// Retention and disk watermarks (DefaultMessageStore.CleanCommitLogService and
// CleanConsumeQueueService). Every cleanResourceInterval ms one round:
//  - reads how full the commit log's disk is; past diskSpaceWarningLevelRatio the store stops
//    taking writes (reads go on) until a later round sees it below again; past
//    diskSpaceCleanForciblyRatio (and cleanFileForciblyEnable) old segments go even if young;
//  - at a deleteWhen hour, or when the disk is over diskMaxUsedSpaceRatio, deletes commit-log
//    segments older than fileReservedTime hours, oldest first, never the tail, at most
//    deleteFilesBatchMax per round, stopping at the first one that must stay (no holes);
//  - then drops consume-queue and index files that point only below the log's new head and
//    moves each queue's min offset, so a consumer behind it gets OFFSET_MOVED.
// A SLAVE (followMaster) has no age rule of its own: it deletes, in any round, the segments that
// end at or below its master's commit-log head (the slave sync learns it), so its log starts
// where the master's does and a consumer moved to the slave finds what the master still has.
// Only past diskSpaceCleanForciblyRatio with cleanFileForciblyEnable, when the master's head
// frees nothing, does it delete on its own, with an error log each time: a slave that stops
// taking replicated bytes is worse than one missing old ones.
import { assert } from '../common/assert.js';
import {
  DEFAULT_CLEAN_FILE_FORCIBLY_ENABLE,
  DEFAULT_CLEAN_RESOURCE_INTERVAL_MS,
  DEFAULT_DELETE_WHEN,
  DEFAULT_DISK_MAX_USED_SPACE_RATIO,
  DEFAULT_DISK_SPACE_CLEAN_FORCIBLY_RATIO,
  DEFAULT_DISK_SPACE_WARNING_LEVEL_RATIO,
  DEFAULT_FILE_RESERVED_TIME_HOURS,
  DELETE_FILES_BATCH_MAX,
} from '../common/limits.js';
import type { Logger } from '../common/logger.js';
import type { CommitLog } from './commit-log.js';
import type { ConsumeQueueTable } from './consume-queue-table.js';
import type { FileIO } from './file-io.js';
import type { IndexService } from './index-service.js';

export interface CleanOptions {
  /** Hours of the day, `;` separated ("04", "04;16"). */
  deleteWhen: string;
  fileReservedTimeHours: number;
  /** Percentages of the disk, as RocketMQ's keys take them. */
  diskMaxUsedSpaceRatio: number;
  diskSpaceWarningLevelRatio: number;
  diskSpaceCleanForciblyRatio: number;
  cleanFileForciblyEnable: boolean;
  cleanResourceInterval: number;
  deleteFilesBatchMax: number;
  now: () => number;
}

/** MessageStoreConfig's defaults, for options a caller leaves out. */
export const DEFAULT_CLEAN_OPTIONS: Omit<CleanOptions, 'now'> = {
  deleteWhen: DEFAULT_DELETE_WHEN,
  fileReservedTimeHours: DEFAULT_FILE_RESERVED_TIME_HOURS,
  diskMaxUsedSpaceRatio: DEFAULT_DISK_MAX_USED_SPACE_RATIO,
  diskSpaceWarningLevelRatio: DEFAULT_DISK_SPACE_WARNING_LEVEL_RATIO,
  diskSpaceCleanForciblyRatio: DEFAULT_DISK_SPACE_CLEAN_FORCIBLY_RATIO,
  cleanFileForciblyEnable: DEFAULT_CLEAN_FILE_FORCIBLY_ENABLE,
  cleanResourceInterval: DEFAULT_CLEAN_RESOURCE_INTERVAL_MS,
  deleteFilesBatchMax: DELETE_FILES_BATCH_MAX,
};

export interface CleanRound {
  usedRatio: number;
  deletedCommitLogFiles: number;
  deletedConsumeQueueFiles: number;
  deletedIndexFiles: number;
}

export class CleanService {
  private readonly opts: CleanOptions;
  private readonly io: FileIO;
  private readonly log: Logger;
  private readonly commitLog: CommitLog;
  private readonly cqs: ConsumeQueueTable;
  private readonly index: IndexService;
  private readonly hours: Set<number>;
  private timer: NodeJS.Timeout | undefined;
  private diskFull = false;
  private lastUsedRatio = 0;
  /** Commit-log head the consume queues and index were last trimmed to. */
  private cleanedUpTo = -1;
  /** Set by an operator request (mqadmin deleteExpiredCommitLog): one round deletes at any hour. */
  private manualDelete = false;
  /** Follower mode: the master's commit-log min offset (-1 until the first sync). */
  private masterMinOffset: number | undefined;

  constructor(
    io: FileIO,
    log: Logger,
    parts: { commitLog: CommitLog; cqs: ConsumeQueueTable; index: IndexService },
    opts: CleanOptions,
  ) {
    assert(opts.cleanResourceInterval > 0 && opts.deleteFilesBatchMax > 0, 'clean intervals');
    this.io = io;
    this.log = log;
    this.commitLog = parts.commitLog;
    this.cqs = parts.cqs;
    this.index = parts.index;
    this.opts = opts;
    this.hours = new Set(opts.deleteWhen.split(';').map((h) => Number(h.trim())));
  }

  start(): void {
    this.timer = setInterval(() => this.runSafely(), this.opts.cleanResourceInterval);
    this.timer.unref();
    this.runSafely();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Whether puts are refused because the disk is past diskSpaceWarningLevelRatio. */
  get isDiskFull(): boolean {
    return this.diskFull;
  }

  /** A write failed with ENOSPC: refuse writes now, not at the next round. */
  markDiskFull(): void {
    if (!this.diskFull) this.log.error({}, 'the disk is full (a write failed); refusing writes');
    this.diskFull = true;
  }

  /** The remark a refused put carries: what is full, and what frees it. */
  diskFullRemark(): string {
    const pct = Math.round(this.lastUsedRatio * 100);
    const o = this.opts;
    return (
      `the disk holding the commit log is full (${pct}% used, diskSpaceWarningLevelRatio ` +
      `${o.diskSpaceWarningLevelRatio}%): the broker refuses writes until cleaning frees ` +
      'space; free disk space, lower fileReservedTime or diskMaxUsedSpaceRatio'
    );
  }

  requestManualDelete(): void {
    this.manualDelete = true;
  }

  /** brokerRole=SLAVE: retention follows the master (see the file header); nothing until told. */
  followMaster(): void {
    this.masterMinOffset ??= -1;
  }

  get isFollower(): boolean {
    return this.masterMinOffset !== undefined;
  }

  /** Follower mode: the master's head as last learned (-1 before), else undefined. */
  get followedMasterMinOffset(): number | undefined {
    return this.masterMinOffset;
  }

  /** The master's commitLogMinOffset, learned by the slave sync; it only moves forward. */
  setMasterMinOffset(offset: number): void {
    assert(this.masterMinOffset !== undefined, 'followMaster() comes first');
    assert(Number.isSafeInteger(offset) && offset >= 0, 'the sync validates the offset');
    this.masterMinOffset = Math.max(this.masterMinOffset, offset);
  }

  private runSafely(): void {
    try {
      this.runOnce();
    } catch (err) {
      this.log.error({ err }, 'clean round failed; retrying next interval');
    }
  }

  /** One round; returns what it did (tests call it directly with a fake clock and disk). */
  runOnce(): CleanRound {
    const o = this.opts;
    const ratio = this.io.diskUsedRatio(this.commitLog.queue.dir);
    const known = ratio >= 0;
    this.lastUsedRatio = known ? ratio : 0;
    let cleanImmediately = false;
    if (known && ratio > o.diskSpaceWarningLevelRatio / 100) {
      if (!this.diskFull) {
        this.log.error({ usedRatio: ratio }, 'disk nearly full; refusing writes and cleaning');
      }
      this.diskFull = true;
      cleanImmediately = true;
    } else if (known && ratio > o.diskSpaceCleanForciblyRatio / 100) {
      cleanImmediately = true;
      this.diskFull = false;
    } else {
      if (this.diskFull) this.log.info({ usedRatio: ratio }, 'disk space OK; accepting writes');
      this.diskFull = false;
    }
    const spaceFull = known && ratio > o.diskMaxUsedSpaceRatio / 100;
    const timeUp = this.hours.has(new Date(o.now()).getHours());
    const manual = this.manualDelete;
    this.manualDelete = false;
    const round: CleanRound = {
      usedRatio: ratio,
      deletedCommitLogFiles: 0,
      deletedConsumeQueueFiles: 0,
      deletedIndexFiles: 0,
    };
    if (this.masterMinOffset !== undefined) {
      round.deletedCommitLogFiles = this.followerDelete(
        o.cleanFileForciblyEnable && cleanImmediately,
      );
    } else if (timeUp || spaceFull || manual || cleanImmediately) {
      const atOnce = o.cleanFileForciblyEnable && cleanImmediately;
      round.deletedCommitLogFiles = this.deleteExpiredSegments(atOnce);
      if (round.deletedCommitLogFiles > 0) {
        this.log.info(
          { ...round, timeUp, spaceFull, manual, atOnce, minOffset: this.commitLog.minOffset },
          'expired commit log files deleted',
        );
      }
    }
    const minPhy = this.commitLog.minOffset;
    if (minPhy !== this.cleanedUpTo) {
      // Only when the log head moved: each queue's min offset is a binary search of its units.
      round.deletedConsumeQueueFiles = this.cqs.deleteExpiredFiles(minPhy);
      round.deletedIndexFiles = this.index.deleteExpiredFiles(minPhy);
      this.cleanedUpTo = minPhy;
    }
    return round;
  }

  /** Follower rounds: below the master's head; `forced` only when that frees nothing. */
  private followerDelete(forced: boolean): number {
    const masterMin = this.masterMinOffset ?? -1;
    const size = this.commitLog.queue.fileSize;
    const n = this.deleteSegments((f) => f.fileFromOffset + size <= masterMin);
    if (n > 0) {
      this.log.info({ deleted: n, masterMin }, 'commit log files below the master head deleted');
      return n;
    }
    if (!forced) return 0;
    const m = this.deleteSegments(() => true);
    if (m > 0) {
      this.log.error(
        { deleted: m, masterMin, minOffset: this.commitLog.minOffset },
        'slave disk past diskSpaceCleanForciblyRatio: commit log files the master still has ' +
          'were deleted here; give the slave more disk or lower fileReservedTime on the master',
      );
    }
    return m;
  }

  private deleteExpiredSegments(atOnce: boolean): number {
    const reservedMs = this.opts.fileReservedTimeHours * 3_600_000;
    const now = this.opts.now();
    return this.deleteSegments((f) => atOnce || now >= this.io.mtimeMs(f.path) + reservedMs);
  }

  /** Head segments while `expired` says so, oldest first, at most deleteFilesBatchMax. */
  private deleteSegments(
    expired: (f: { path: string; fileFromOffset: number }) => boolean,
  ): number {
    const files = this.commitLog.queue.files;
    let upTo = -1;
    let n = 0;
    // Never the tail (it takes appends); stop at the first segment that must stay.
    for (let i = 0; i < files.length - 1 && n < this.opts.deleteFilesBatchMax; i++) {
      const f = files[i]!;
      // A segment with bytes not yet fdatasynced keeps its fd for the flusher.
      if (!expired(f) || f.flushedPosition < f.wrotePosition) break;
      upTo = f.fileFromOffset + this.commitLog.queue.fileSize;
      n++;
    }
    if (n === 0) return 0;
    const before = this.commitLog.minOffset;
    const deleted = this.commitLog.queue.deleteHeadFilesBefore(upTo);
    assert(deleted === n && this.commitLog.minOffset > before, 'the log head moved forward');
    return deleted;
  }
}
