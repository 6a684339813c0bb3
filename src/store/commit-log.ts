// The append-only log of every message (CommitLog). Records never span segments: when one does
// not fit the rest of the tail segment, an end-of-file blank (size, BLANK_MAGIC_CODE) fills it and
// the record goes to the next segment, as RocketMQ lays it out.
import { assert } from '../common/assert.js';
import type { Logger } from '../common/logger.js';
import { BLANK_MAGIC_CODE } from '../message/message.js';
import { checkRecord, setRecordPositions } from '../message/record-codec.js';
import type { CommitService } from './commit-service.js';
import type { FileIO } from './file-io.js';
import { MappedFileQueue } from './mapped-file-queue.js';

const SCAN_CHUNK_BYTES = 8 * 1024 * 1024;
/** Appends of one event-loop turn are staged up to this size, then written at once. */
const COMMIT_LOG_STAGING_BYTES = 1024 * 1024;

export interface ScannedRecord {
  offset: number;
  size: number;
  bytes: Buffer;
}

export class CommitLog {
  readonly queue: MappedFileQueue;
  private readonly log: Logger;
  private readonly blank = Buffer.alloc(8);

  constructor(io: FileIO, dir: string, fileSize: number, log: Logger, committer?: CommitService) {
    this.queue = new MappedFileQueue(io, dir, fileSize, committer, COMMIT_LOG_STAGING_BYTES);
    this.log = log;
  }

  load(): void {
    this.queue.load();
  }

  get maxOffset(): number {
    return this.queue.maxOffset;
  }

  get minOffset(): number {
    return this.queue.minOffset;
  }

  /** Appends one encoded record, filling in its offsets; returns its commit-log offset. */
  append(bytes: Buffer, storeTsPos: number, queueOffset: number, storeTimestamp: number): number {
    assert(bytes.length <= this.queue.fileSize - 8, 'a record always fits an empty segment');
    let f = this.queue.lastForAppend();
    if (f.remaining < bytes.length + 8) {
      // Keep 8 bytes for the blank so the scan always finds a marker before the file end.
      if (f.remaining >= 8) {
        this.blank.writeInt32BE(f.remaining, 0);
        this.blank.writeInt32BE(BLANK_MAGIC_CODE, 4);
        f.append(this.blank, 0, 8);
      }
      f.markFull();
      f = this.queue.lastForAppend();
    }
    const offset = f.fileFromOffset + f.wrotePosition;
    setRecordPositions(bytes, 0, storeTsPos, queueOffset, offset, storeTimestamp);
    const at = f.append(bytes);
    assert(at === offset, 'record written where its physicalOffset says');
    return offset;
  }

  read(offset: number, size: number): Buffer | undefined {
    const f = this.queue.findByOffset(offset);
    if (!f) return undefined;
    const pos = offset - f.fileFromOffset;
    if (pos + size > f.wrotePosition) return undefined;
    return f.read(pos, size);
  }

  readSizeAt(offset: number): number | undefined {
    const head = this.read(offset, 4);
    return head?.readInt32BE(0);
  }

  /**
   * Validates records from `from` to the end and cuts the log after the last good one
   * (CommitLog#recoverNormally / recoverAbnormally). Calls onRecord for each valid record.
   */
  recover(from: number, onRecord: (r: ScannedRecord) => void): number {
    let offset = Math.max(from, this.queue.minOffset);
    for (;;) {
      const f = this.queue.findByOffset(offset);
      if (!f) break;
      const pos = offset - f.fileFromOffset;
      const next = this.scanSegment(f.fileFromOffset, pos, f.wrotePosition, onRecord);
      if (next.endOfFile && f !== this.queue.last) {
        offset = f.fileFromOffset + this.queue.fileSize;
        continue;
      }
      offset = f.fileFromOffset + next.pos;
      if (!next.endOfFile && next.pos < f.wrotePosition) {
        this.log.warn(
          { offset, dropped: this.queue.maxOffset - offset, reason: next.reason },
          'commit log tail is torn or corrupt; truncating after the last valid record',
        );
      }
      break;
    }
    const end = Math.max(offset, this.queue.minOffset);
    if (end < this.queue.maxOffset) this.queue.truncateFrom(end);
    assert(
      this.queue.maxOffset === end || this.queue.files.length === 0,
      'log ends at the last valid record',
    );
    return end;
  }

  private scanSegment(
    base: number,
    start: number,
    wrote: number,
    onRecord: (r: ScannedRecord) => void,
  ): { pos: number; endOfFile: boolean; reason?: string } {
    const f = this.queue.findByOffset(base)!;
    let pos = start;
    while (pos < wrote) {
      const want = Math.min(SCAN_CHUNK_BYTES, wrote - pos);
      const chunk = f.read(pos, want);
      let p = 0;
      while (p + 8 <= chunk.length) {
        const size = chunk.readInt32BE(p);
        if (chunk.readInt32BE(p + 4) === BLANK_MAGIC_CODE) return { pos: pos + p, endOfFile: true };
        // A record crossing the chunk end is re-read from its start by the next chunk.
        if (size > 0 && p + size > chunk.length && pos + p + size <= wrote && p > 0) break;
        const check = checkRecord(chunk, p, chunk.length - p);
        if (!check.ok) return { pos: pos + p, endOfFile: false, reason: check.reason };
        onRecord({
          offset: base + pos + p,
          size: check.size,
          bytes: chunk.subarray(p, p + check.size),
        });
        p += check.size;
      }
      if (p === 0) return { pos, endOfFile: false, reason: 'record larger than scan window' };
      pos += p;
    }
    return { pos, endOfFile: pos >= this.queue.fileSize };
  }

  close(): void {
    this.queue.close();
  }
}
