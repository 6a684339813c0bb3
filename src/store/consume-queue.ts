// The index of one (topic, queueId) (ConsumeQueue): 20-byte units, one per message, in queue
// offset order — commit-log offset int64, size int32, tagsCode int64. Queue offset n lives at
// byte n * 20 of the log, so lookups are arithmetic.
import { join } from 'node:path';
import { assert } from '../common/assert.js';
import { CQ_UNIT_SIZE_BYTES } from '../common/limits.js';
import type { CommitService } from './commit-service.js';
import type { FileIO } from './file-io.js';
import { MappedFileQueue } from './mapped-file-queue.js';

export interface CqUnit {
  commitLogOffset: number;
  size: number;
  tagsCode: number;
}

export class ConsumeQueue {
  readonly topic: string;
  readonly queueId: number;
  private readonly log: MappedFileQueue;
  private readonly unit = Buffer.alloc(CQ_UNIT_SIZE_BYTES);
  /** Commit-log offset just past the last indexed message (for idempotent re-dispatch). */
  maxPhysicOffset = 0;

  constructor(
    io: FileIO,
    rootDir: string,
    topic: string,
    queueId: number,
    fileSize: number,
    committer?: CommitService,
  ) {
    assert(fileSize % CQ_UNIT_SIZE_BYTES === 0, 'CQ segment holds whole units');
    this.topic = topic;
    this.queueId = queueId;
    const dir = join(rootDir, 'consumequeue', topic, String(queueId));
    // 205 units: one write per turn for a busy queue, little memory for thousands of idle ones.
    this.log = new MappedFileQueue(io, dir, fileSize, committer, 4_100);
  }

  load(): void {
    this.log.load();
    // A crash can leave half a unit at the tail; drop it.
    const tail = this.log.maxOffset % CQ_UNIT_SIZE_BYTES;
    if (tail !== 0) this.log.truncateFrom(this.log.maxOffset - tail);
    const last = this.lastUnit();
    if (last) this.maxPhysicOffset = last.commitLogOffset + last.size;
  }

  /** Next queue offset to be written (RocketMQ's "max offset"). */
  get maxOffset(): number {
    return this.log.maxOffset / CQ_UNIT_SIZE_BYTES;
  }

  /** First queue offset still indexed. */
  get minOffset(): number {
    return this.log.minOffset / CQ_UNIT_SIZE_BYTES;
  }

  append(queueOffset: number, commitLogOffset: number, size: number, tagsCode: number): void {
    assert(
      size > 0 && commitLogOffset >= this.maxPhysicOffset,
      'units are appended in commit-log order',
    );
    if (this.log.last === undefined && queueOffset > 0) {
      // A queue whose early segments were deleted (or a store started mid-way) resumes in place.
      this.log.rollTo(queueOffset * CQ_UNIT_SIZE_BYTES);
    }
    assert(
      queueOffset === this.maxOffset,
      `queue offset ${queueOffset} continues ${this.topic}-${this.queueId} at ${this.maxOffset}`,
    );
    this.unit.writeBigInt64BE(BigInt(commitLogOffset), 0);
    this.unit.writeInt32BE(size, 8);
    this.unit.writeBigInt64BE(BigInt(tagsCode), 12);
    this.log.lastForAppend().append(this.unit);
    this.maxPhysicOffset = commitLogOffset + size;
  }

  /** Reads up to `count` units starting at queue offset `from`, within one segment. */
  readUnits(from: number, count: number): CqUnit[] {
    const pos = from * CQ_UNIT_SIZE_BYTES;
    const f = this.log.findByOffset(pos);
    if (!f) return [];
    const inFile = pos - f.fileFromOffset;
    const avail = Math.min(count * CQ_UNIT_SIZE_BYTES, f.wrotePosition - inFile);
    if (avail <= 0) return [];
    const b = f.read(inFile, avail - (avail % CQ_UNIT_SIZE_BYTES));
    const out: CqUnit[] = [];
    for (let p = 0; p < b.length; p += CQ_UNIT_SIZE_BYTES) {
      out.push({
        commitLogOffset: Number(b.readBigInt64BE(p)),
        size: b.readInt32BE(p + 8),
        tagsCode: Number(b.readBigInt64BE(p + 12)),
      });
    }
    return out;
  }

  unitAt(queueOffset: number): CqUnit | undefined {
    if (queueOffset < this.minOffset || queueOffset >= this.maxOffset) return undefined;
    return this.readUnits(queueOffset, 1)[0];
  }

  lastUnit(): CqUnit | undefined {
    return this.maxOffset > this.minOffset ? this.unitAt(this.maxOffset - 1) : undefined;
  }

  /** Drops units that point at or past `commitLogEnd` (recovery after the commit log was cut). */
  truncateDirty(commitLogEnd: number): number {
    let keep = this.maxOffset;
    while (keep > this.minOffset) {
      const u = this.unitAt(keep - 1);
      if (u && u.commitLogOffset + u.size <= commitLogEnd) break;
      keep--;
    }
    const dropped = this.maxOffset - keep;
    if (dropped > 0) this.log.truncateFrom(keep * CQ_UNIT_SIZE_BYTES);
    const last = this.lastUnit();
    this.maxPhysicOffset = last ? last.commitLogOffset + last.size : 0;
    return dropped;
  }

  flush(): Promise<void> {
    return this.log.flush();
  }

  close(): void {
    this.log.close();
  }
}
