// The index of one (topic, queueId) (ConsumeQueue): 20-byte units, one per message, in queue
// offset order — commit-log offset int64, size int32, tagsCode int64. Queue offset n lives at
// byte n * 20 of the log, so lookups are arithmetic. Segments hold fileSize / 20 units each.
import { join } from 'node:path';
import { assert } from '../common/assert.js';
import { CQ_RECOVERY_READ_UNITS, CQ_STAGING_UNITS, CQ_UNIT_SIZE_BYTES } from '../common/limits.js';
import { readInt64BE, writeInt64BE } from '../message/int64.js';
import type { CommitService } from './commit-service.js';
import type { FileIO } from './file-io.js';
import type { LogicQueue } from './logic-queue.js';
import { MappedFileQueue } from './mapped-file-queue.js';

const CQ_STAGING_BYTES = CQ_STAGING_UNITS * CQ_UNIT_SIZE_BYTES;

/** Size field of the filler units written before a resumed queue's first message. */
const BLANK_UNIT_SIZE = 0x7fffffff;

export function isBlankUnit(u: CqUnit): boolean {
  return u.size === BLANK_UNIT_SIZE && u.commitLogOffset === 0;
}

export interface CqUnit {
  commitLogOffset: number;
  size: number;
  tagsCode: number;
  /** Batch consume queues only: the first queue offset the unit covers, and how many. */
  msgBaseOffset?: number;
  batchSize?: number;
}

/** What a pull needs from a consume queue (a stub implements it in the status-table tests). */
export interface ConsumeQueueReader {
  readonly minOffset: number;
  readonly maxOffset: number;
  readonly unitsPerFile: number;
  /** Up to `count` units from queue offset `from`, never crossing a segment end. */
  readUnits(from: number, count: number): CqUnit[];
}

export class ConsumeQueue implements LogicQueue {
  readonly isBatch = false;
  readonly topic: string;
  readonly queueId: number;
  readonly unitsPerFile: number;
  private readonly log: MappedFileQueue;
  private readonly unit = Buffer.alloc(CQ_UNIT_SIZE_BYTES);
  /** Commit-log offset just past the last indexed message (for idempotent re-dispatch). */
  maxPhysicOffset = 0;
  /** Units below this point at deleted commit-log segments (ConsumeQueue#minLogicOffset). */
  private minLogicOffset = 0;

  constructor(
    io: FileIO,
    rootDir: string,
    topic: string,
    queueId: number,
    fileSize: number,
    committer?: CommitService,
  ) {
    assert(fileSize > 0 && fileSize % CQ_UNIT_SIZE_BYTES === 0, 'CQ segment holds whole units');
    assert(Number.isInteger(queueId) && queueId >= 0, 'queue ids are validated before here');
    this.topic = topic;
    this.queueId = queueId;
    this.unitsPerFile = fileSize / CQ_UNIT_SIZE_BYTES;
    const dir = join(rootDir, 'consumequeue', topic, String(queueId));
    this.log = new MappedFileQueue(io, dir, fileSize, committer, CQ_STAGING_BYTES);
  }

  load(): void {
    this.log.load();
    // A crash can leave half a unit at the tail; drop it.
    const tail = this.log.maxOffset % CQ_UNIT_SIZE_BYTES;
    if (tail !== 0) this.log.truncateFrom(this.log.maxOffset - tail);
    const last = this.lastUnit();
    if (last) this.maxPhysicOffset = last.commitLogOffset + last.size;
    assert(this.log.maxOffset % CQ_UNIT_SIZE_BYTES === 0, 'a loaded queue holds whole units');
  }

  /** Next queue offset to be written (RocketMQ's "max offset"). */
  get maxOffset(): number {
    return this.log.maxOffset / CQ_UNIT_SIZE_BYTES;
  }

  /** First queue offset still indexed and pointing at a stored message. */
  get minOffset(): number {
    return Math.min(
      this.maxOffset,
      Math.max(this.log.minOffset / CQ_UNIT_SIZE_BYTES, this.minLogicOffset),
    );
  }

  /** Queue offset where the segment after the one holding `offset` starts (rollNextFile). */
  nextFileStart(offset: number): number {
    return offset + this.unitsPerFile - (offset % this.unitsPerFile);
  }

  append(queueOffset: number, commitLogOffset: number, size: number, tagsCode: number): void {
    assert(
      size > 0 && commitLogOffset >= this.maxPhysicOffset,
      'units are appended in commit-log order',
    );
    const max = this.maxOffset;
    if (queueOffset > max && max === this.minOffset) this.resumeAt(queueOffset);
    else if (queueOffset !== max) {
      // The message is built only when it fails: this runs for every stored message.
      assert(
        false,
        `queue offset ${queueOffset} continues ${this.topic}-${this.queueId} at ${max}`,
      );
    }
    assert(queueOffset === this.maxOffset, 'a resumed queue continues at the unit appended');
    this.pendingUnit[0] = commitLogOffset;
    this.pendingUnit[1] = size;
    this.pendingUnit[2] = tagsCode;
    // Written straight into the segment's staging buffer: no copy, no closure per unit.
    this.log.lastForAppend().appendWith(CQ_UNIT_SIZE_BYTES, this.writeUnit);
    this.maxPhysicOffset = commitLogOffset + size;
  }

  /** The unit append() is writing: commit-log offset, size, tags code. */
  private readonly pendingUnit = [0, 0, 0];
  private readonly writeUnit = (b: Buffer, pos: number): void => {
    const u = this.pendingUnit;
    writeInt64BE(b, u[0]!, pos);
    b.writeInt32BE(u[1]!, pos + 8);
    writeInt64BE(b, u[2]!, pos + 12);
  };

  /**
   * An empty queue whose next message has offset `queueOffset` > 0 (its earlier messages are gone
   * with their commit-log segments) restarts in the segment holding that offset, the units before
   * it filled with blanks (ConsumeQueue#fillPreBlank), so offset n stays at byte n * 20.
   */
  private resumeAt(queueOffset: number): void {
    this.log.resetTo(queueOffset * CQ_UNIT_SIZE_BYTES);
    const f = this.log.last!;
    writeInt64BE(this.unit, 0, 0);
    this.unit.writeInt32BE(BLANK_UNIT_SIZE, 8);
    writeInt64BE(this.unit, 0, 12);
    for (let q = f.fileFromOffset / CQ_UNIT_SIZE_BYTES; q < queueOffset; q++) f.append(this.unit);
    this.minLogicOffset = queueOffset;
    assert(this.maxOffset === queueOffset && this.minOffset === queueOffset, 'resumed in place');
  }

  readUnits(from: number, count: number): CqUnit[] {
    assert(Number.isSafeInteger(from) && from >= 0, 'queue offsets are non-negative integers');
    const pos = from * CQ_UNIT_SIZE_BYTES;
    const f = this.log.findByOffset(pos);
    if (!f || count <= 0) return [];
    const inFile = pos - f.fileFromOffset;
    const avail = Math.min(count * CQ_UNIT_SIZE_BYTES, f.wrotePosition - inFile);
    if (avail <= 0) return [];
    const b = f.read(inFile, avail - (avail % CQ_UNIT_SIZE_BYTES));
    const out: CqUnit[] = [];
    for (let p = 0; p < b.length; p += CQ_UNIT_SIZE_BYTES) {
      out.push({
        commitLogOffset: readInt64BE(b, p),
        size: b.readInt32BE(p + 8),
        tagsCode: readInt64BE(b, p + 12),
      });
    }
    assert(out.length <= count, 'never more units than asked for');
    return out;
  }

  unitAt(queueOffset: number): CqUnit | undefined {
    if (!Number.isSafeInteger(queueOffset)) return undefined;
    if (queueOffset < this.minOffset || queueOffset >= this.maxOffset) return undefined;
    return this.readUnits(queueOffset, 1)[0];
  }

  lastUnit(): CqUnit | undefined {
    return this.maxOffset > this.minOffset ? this.unitAt(this.maxOffset - 1) : undefined;
  }

  /**
   * Recovery: cuts the queue at the first unit of its last three segments that cannot be right —
   * a commit-log offset below 0 or below the previous unit's end, a size of 0 or less, or a
   * message past `commitLogEnd` (a torn tail, a cut commit log, a damaged sector). RocketMQ's
   * ConsumeQueue#recover stops at offset < 0 or size <= 0 the same way. The units after the cut are
   * rebuilt from the commit log. Returns how many were dropped.
   */
  truncateDirty(commitLogEnd: number): number {
    const files = this.log.files;
    const firstScanned = files[Math.max(0, files.length - 3)]?.fileFromOffset ?? 0;
    let q = Math.max(this.minOffset, firstScanned / CQ_UNIT_SIZE_BYTES);
    let prevEnd = 0;
    scan: while (q < this.maxOffset) {
      const units = this.readUnits(q, CQ_RECOVERY_READ_UNITS);
      if (units.length === 0) break; // a hole: a segment shorter than its size
      for (const u of units) {
        if (!isBlankUnit(u)) {
          const bad =
            u.size <= 0 || u.commitLogOffset < prevEnd || u.commitLogOffset + u.size > commitLogEnd;
          if (bad) break scan;
          prevEnd = u.commitLogOffset + u.size;
        }
        q++;
      }
    }
    const dropped = this.maxOffset - q;
    if (dropped > 0) this.log.truncateFrom(q * CQ_UNIT_SIZE_BYTES);
    const last = this.lastUnit();
    this.maxPhysicOffset = last ? last.commitLogOffset + last.size : 0;
    assert(this.maxPhysicOffset <= commitLogEnd, 'no unit points past the commit log end');
    return dropped;
  }

  /**
   * Drops the units of messages at or after commit-log offset `commitLogEnd` (the commit log was
   * rolled back there), so the next message takes their queue offsets again. Returns how many.
   */
  rollbackTo(commitLogEnd: number): number {
    const q = this.endBefore(commitLogEnd);
    const dropped = this.maxOffset - q;
    if (dropped > 0) this.log.rollbackTo(q * CQ_UNIT_SIZE_BYTES);
    const last = this.lastUnit();
    this.maxPhysicOffset = last && !isBlankUnit(last) ? last.commitLogOffset + last.size : 0;
    assert(this.maxPhysicOffset <= commitLogEnd, 'no unit points past the rolled back end');
    return dropped;
  }

  /**
   * The queue offset past the last unit whose message ends at or before `commitLogEnd` (units
   * past it are of puts whose write is pending). A walk back from the tail: only the units of one
   * write round are ever past it.
   */
  endBefore(commitLogEnd: number): number {
    if (this.maxPhysicOffset <= commitLogEnd) return this.maxOffset;
    let q = this.maxOffset;
    while (q > this.minOffset) {
      const u = this.readUnits(q - 1, 1)[0];
      if (!u || isBlankUnit(u) || u.commitLogOffset + u.size <= commitLogEnd) break;
      q--;
    }
    return q;
  }

  /**
   * Moves the min offset past units whose messages are below `minPhyOffset` (deleted commit-log
   * segments), by binary search: units are in commit-log order (ConsumeQueue#correctMinOffset).
   */
  correctMinOffset(minPhyOffset: number): void {
    let lo = this.minOffset;
    let hi = this.maxOffset;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const u = this.unitAt(mid);
      if (u && (u.commitLogOffset < minPhyOffset || isBlankUnit(u))) lo = mid + 1;
      else hi = mid;
    }
    assert(lo >= this.minOffset && lo <= this.maxOffset, 'the min offset stays in range');
    this.minLogicOffset = lo;
  }

  /**
   * Deletes whole segments (never the tail) whose last unit points below `minPhyOffset`, then
   * moves the min offset (ConsumeQueue#deleteExpiredFile + correctMinOffset). Returns how many.
   */
  deleteExpiredFiles(minPhyOffset: number): number {
    let cut = 0;
    for (const f of this.log.files.slice(0, -1)) {
      if (f.wrotePosition < CQ_UNIT_SIZE_BYTES) break;
      const lastQueueOffset = (f.fileFromOffset + f.wrotePosition) / CQ_UNIT_SIZE_BYTES - 1;
      const u = this.readUnits(lastQueueOffset, 1)[0];
      if (!u || (u.commitLogOffset >= minPhyOffset && !isBlankUnit(u))) break;
      cut = f.fileFromOffset + this.log.fileSize;
    }
    const n = cut > 0 ? this.log.deleteHeadFilesBefore(cut) : 0;
    this.correctMinOffset(minPhyOffset);
    return n;
  }

  flush(): Promise<void> {
    return this.log.flush();
  }

  close(): void {
    this.log.close();
  }

  /** Deletes the queue's files (DELETE_TOPIC_IN_BROKER). */
  destroy(): void {
    this.log.destroy();
  }

  abandon(): void {
    this.log.abandon();
  }
}
