// The index of one (topic, queueId) of a BatchCQ topic (RocketMQ 5 BatchConsumeQueue): one 46-byte
// unit per stored record, which may be an inner batch of many messages — commitLogOffset int64,
// size int32, tagsCode int64, storeTime int64, msgBaseOffset int64, batchSize int16,
// compactedOffset int32 (0), reserved int32 (0). Files live in <root>/batchconsumequeue/<topic>/
// <queueId>/, named by byte offset like every segment here. Unit i sits at byte i * 46; the queue
// offsets a unit covers are msgBaseOffset .. msgBaseOffset + batchSize - 1, and consecutive units
// continue each other, so a queue offset is found by binary search on msgBaseOffset.
// Crash safety is the simple queue's: a torn half unit is cut at load, and recovery cuts the
// first unit that cannot be right (and re-dispatches from the commit log what follows).
import { join } from 'node:path';
import { assert } from '../common/assert.js';
import { BCQ_UNIT_SIZE_BYTES, CQ_RECOVERY_READ_UNITS, CQ_STAGING_UNITS } from '../common/limits.js';
import { readInt64BE, writeInt64BE } from '../message/int64.js';
import type { CommitService } from './commit-service.js';
import type { CqUnit } from './consume-queue.js';
import type { FileIO } from './file-io.js';
import type { LogicQueue } from './logic-queue.js';
import { MappedFileQueue } from './mapped-file-queue.js';

const U = BCQ_UNIT_SIZE_BYTES;

/** A batch unit as read back: every field but the two always-zero tails. */
export interface BatchCqUnit extends CqUnit {
  storeTimestamp: number;
  msgBaseOffset: number;
  batchSize: number;
}

/** The 46 bytes of a unit (BatchConsumeQueue#putBatchMessagePositionInfo). */
export function encodeBatchCqUnit(u: BatchCqUnit, b = Buffer.alloc(U), at = 0): Buffer {
  writeInt64BE(b, u.commitLogOffset, at);
  b.writeInt32BE(u.size, at + 8);
  writeInt64BE(b, u.tagsCode, at + 12);
  writeInt64BE(b, u.storeTimestamp, at + 20);
  writeInt64BE(b, u.msgBaseOffset, at + 28);
  b.writeInt16BE(u.batchSize, at + 36);
  b.writeInt32BE(0, at + 38);
  b.writeInt32BE(0, at + 42);
  return b;
}

export function decodeBatchCqUnit(b: Buffer, at = 0): BatchCqUnit {
  return {
    commitLogOffset: readInt64BE(b, at),
    size: b.readInt32BE(at + 8),
    tagsCode: readInt64BE(b, at + 12),
    storeTimestamp: readInt64BE(b, at + 20),
    msgBaseOffset: readInt64BE(b, at + 28),
    batchSize: b.readInt16BE(at + 36),
  };
}

export class BatchConsumeQueue implements LogicQueue {
  readonly topic: string;
  readonly queueId: number;
  readonly isBatch = true;
  readonly unitsPerFile: number;
  maxPhysicOffset = 0;
  private readonly log: MappedFileQueue;
  private readonly unit = Buffer.alloc(U);
  /** Next queue offset (base + size of the last unit), kept: every pull asks for it. */
  private maxQ = 0;
  /** Base of the first unit still on disk. */
  private firstBase = 0;
  /** Queue offsets below this point at deleted commit-log segments. */
  private minLogicOffset = 0;
  /** Unit index of the last lookup: pulls walk a queue forward, so it is usually right. */
  private hint = 0;

  constructor(
    io: FileIO,
    rootDir: string,
    topic: string,
    queueId: number,
    fileSize: number,
    committer?: CommitService,
  ) {
    assert(fileSize > 0 && fileSize % U === 0, 'a batch CQ segment holds whole units');
    assert(Number.isInteger(queueId) && queueId >= 0, 'queue ids are validated before here');
    this.topic = topic;
    this.queueId = queueId;
    this.unitsPerFile = fileSize / U;
    const dir = join(rootDir, 'batchconsumequeue', topic, String(queueId));
    this.log = new MappedFileQueue(io, dir, fileSize, committer, CQ_STAGING_UNITS * U);
  }

  load(): void {
    this.log.load();
    const tail = this.log.maxOffset % U;
    if (tail !== 0) this.log.truncateFrom(this.log.maxOffset - tail); // a torn half unit
    this.refresh();
    assert(this.log.maxOffset % U === 0, 'a loaded queue holds whole units');
  }

  private get firstIndex(): number {
    return this.log.minOffset / U;
  }

  private get endIndex(): number {
    return this.log.maxOffset / U;
  }

  /** Recomputes the cached ends after the files changed. */
  private refresh(): void {
    const first = this.unitAtIndex(this.firstIndex);
    const last = this.unitAtIndex(this.endIndex - 1);
    this.firstBase = first ? first.msgBaseOffset : this.minLogicOffset;
    this.maxQ = last ? last.msgBaseOffset + last.batchSize : this.firstBase;
    this.maxPhysicOffset = last ? last.commitLogOffset + last.size : 0;
    this.hint = this.firstIndex;
    assert(this.maxQ >= this.firstBase, 'a queue never ends before it starts');
  }

  get maxOffset(): number {
    return this.maxQ;
  }

  get minOffset(): number {
    return Math.min(this.maxQ, Math.max(this.firstBase, this.minLogicOffset));
  }

  private unitAtIndex(i: number): BatchCqUnit | undefined {
    if (i < this.firstIndex || i >= this.endIndex) return undefined;
    const f = this.log.findByOffset(i * U);
    if (!f) return undefined;
    const inFile = i * U - f.fileFromOffset;
    if (inFile + U > f.wrotePosition) return undefined;
    return decodeBatchCqUnit(f.read(inFile, U));
  }

  /** Index of the unit covering queue offset `q` (binary search on msgBaseOffset), or -1. */
  private indexOf(q: number): number {
    if (q < this.firstBase || q >= this.maxQ) return -1;
    const covers = (i: number) => {
      const u = this.unitAtIndex(i);
      return u !== undefined && u.msgBaseOffset <= q && q < u.msgBaseOffset + u.batchSize;
    };
    if (covers(this.hint)) return this.hint;
    if (covers(this.hint + 1)) return ++this.hint;
    let lo = this.firstIndex;
    let hi = this.endIndex - 1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      const u = this.unitAtIndex(mid);
      if (u && u.msgBaseOffset <= q) lo = mid;
      else hi = mid - 1;
    }
    assert(covers(lo), `queue offset ${q} of ${this.topic}-${this.queueId} has a unit`);
    this.hint = lo;
    return lo;
  }

  append(
    queueOffset: number,
    commitLogOffset: number,
    size: number,
    tagsCode: number,
    storeTimestamp: number,
    batchSize: number,
  ): void {
    assert(size > 0 && commitLogOffset >= this.maxPhysicOffset, 'units come in commit-log order');
    assert(batchSize >= 1 && batchSize <= 0x7fff, 'a batch unit counts 1..32767 messages');
    const empty = this.endIndex === this.firstIndex;
    if (empty && queueOffset > this.maxQ) this.minLogicOffset = this.firstBase = queueOffset;
    assert(
      queueOffset === this.maxQ || (empty && queueOffset >= this.maxQ),
      `queue offset ${queueOffset} continues ${this.topic}-${this.queueId} at ${this.maxQ}`,
    );
    const u = { commitLogOffset, size, tagsCode, storeTimestamp, msgBaseOffset: queueOffset };
    encodeBatchCqUnit({ ...u, batchSize }, this.unit);
    this.log.lastForAppend().append(this.unit);
    if (empty) this.firstBase = queueOffset;
    this.maxQ = queueOffset + batchSize;
    this.maxPhysicOffset = commitLogOffset + size;
  }

  /** Units from the one covering `from`, at most `count`, never crossing a segment end. */
  readUnits(from: number, count: number): BatchCqUnit[] {
    assert(Number.isSafeInteger(from) && from >= 0, 'queue offsets are non-negative integers');
    const i = count > 0 ? this.indexOf(from) : -1;
    if (i < 0) return [];
    const f = this.log.findByOffset(i * U)!;
    const inFile = i * U - f.fileFromOffset;
    const avail = Math.min(count * U, f.wrotePosition - inFile);
    const b = f.read(inFile, avail - (avail % U));
    const out: BatchCqUnit[] = [];
    for (let p = 0; p < b.length; p += U) out.push(decodeBatchCqUnit(b, p));
    assert(out.length >= 1 && out.length <= count, 'the covering unit and at most count');
    return out;
  }

  unitAt(queueOffset: number): BatchCqUnit | undefined {
    if (!Number.isSafeInteger(queueOffset) || queueOffset < this.minOffset) return undefined;
    const i = this.indexOf(queueOffset);
    return i < 0 ? undefined : this.unitAtIndex(i);
  }

  lastUnit(): BatchCqUnit | undefined {
    return this.unitAtIndex(this.endIndex - 1);
  }

  /**
   * Recovery: cuts at the first unit of the last three segments that cannot be right — a size of
   * 0 or less, a batch size below 1, a commit-log offset behind the previous unit's end or a
   * record past `commitLogEnd`, or a base that does not continue the previous unit.
   */
  truncateDirty(commitLogEnd: number): number {
    const files = this.log.files;
    const firstScanned = (files[Math.max(0, files.length - 3)]?.fileFromOffset ?? 0) / U;
    let i = Math.max(this.firstIndex, firstScanned);
    let prevEnd = 0;
    let nextBase = -1;
    const before = this.maxQ;
    scan: while (i < this.endIndex) {
      const f = this.log.findByOffset(i * U);
      if (!f) break;
      const inFile = i * U - f.fileFromOffset;
      const n = Math.min(CQ_RECOVERY_READ_UNITS, (f.wrotePosition - inFile) / U);
      if (n <= 0) break; // a hole: a segment shorter than its size
      const b = f.read(inFile, n * U);
      for (let p = 0; p < b.length; p += U) {
        const u = decodeBatchCqUnit(b, p);
        const bad =
          u.size <= 0 ||
          u.batchSize < 1 ||
          u.commitLogOffset < prevEnd ||
          u.commitLogOffset + u.size > commitLogEnd ||
          (nextBase >= 0 && u.msgBaseOffset !== nextBase);
        if (bad) break scan;
        prevEnd = u.commitLogOffset + u.size;
        nextBase = u.msgBaseOffset + u.batchSize;
        i++;
      }
    }
    if (i < this.endIndex) this.log.truncateFrom(i * U);
    this.refresh();
    assert(this.maxPhysicOffset <= commitLogEnd, 'no unit points past the commit log end');
    return before - this.maxQ;
  }

  /** Drops units of records at or past `commitLogEnd` (a failed write round); returns messages. */
  rollbackTo(commitLogEnd: number): number {
    const before = this.maxQ;
    let i = this.endIndex;
    while (i > this.firstIndex) {
      const u = this.unitAtIndex(i - 1);
      if (!u || u.commitLogOffset + u.size <= commitLogEnd) break;
      i--;
    }
    if (i < this.endIndex) this.log.rollbackTo(i * U);
    this.refresh();
    assert(this.maxPhysicOffset <= commitLogEnd, 'no unit points past the rolled back end');
    return before - this.maxQ;
  }

  endBefore(commitLogEnd: number): number {
    if (this.maxPhysicOffset <= commitLogEnd) return this.maxQ;
    for (let i = this.endIndex - 1; i >= this.firstIndex; i--) {
      const u = this.unitAtIndex(i);
      if (u && u.commitLogOffset + u.size <= commitLogEnd) return u.msgBaseOffset + u.batchSize;
    }
    return this.minOffset;
  }

  /** The min offset moves to the first unit whose record is at or past `minPhyOffset`. */
  correctMinOffset(minPhyOffset: number): void {
    let lo = this.firstIndex;
    let hi = this.endIndex;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const u = this.unitAtIndex(mid);
      if (u && u.commitLogOffset < minPhyOffset) lo = mid + 1;
      else hi = mid;
    }
    this.minLogicOffset = this.unitAtIndex(lo)?.msgBaseOffset ?? this.maxQ;
    assert(this.minOffset <= this.maxOffset, 'the min offset stays in range');
  }

  /** Deletes whole head segments (never the tail) whose last unit points below `minPhyOffset`. */
  deleteExpiredFiles(minPhyOffset: number): number {
    let cut = 0;
    for (const f of this.log.files.slice(0, -1)) {
      if (f.wrotePosition < U) break;
      const u = decodeBatchCqUnit(f.read(f.wrotePosition - U, U));
      if (u.commitLogOffset >= minPhyOffset) break;
      cut = f.fileFromOffset + this.log.fileSize;
    }
    const n = cut > 0 ? this.log.deleteHeadFilesBefore(cut) : 0;
    if (n > 0) this.refresh();
    this.correctMinOffset(minPhyOffset);
    return n;
  }

  flush(): Promise<void> {
    return this.log.flush();
  }

  close(): void {
    this.log.close();
  }

  destroy(): void {
    this.log.destroy();
  }

  abandon(): void {
    this.log.abandon();
  }
}
