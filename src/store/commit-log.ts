// The append-only log of every message (CommitLog). Records never span segments: when a record
// (or a whole batch) does not fit the rest of the tail segment, an end-of-file blank (int32 size
// = bytes left in the segment, int32 BLANK_MAGIC_CODE) fills it and the record goes to the next
// segment, which starts at the next multiple of the file size, as RocketMQ lays it out
// (CommitLog.DefaultAppendMessageCallback#doAppend, END_FILE_MIN_BLANK_LENGTH = 8).
import { assert } from '../common/assert.js';
import {
  COMMIT_LOG_SCAN_CHUNK_BYTES,
  COMMIT_LOG_STAGING_BYTES,
  END_FILE_MIN_BLANK_BYTES,
  MAX_PROPERTIES_SIZE_BYTES,
  RETRY_TOPIC_MAX_LENGTH,
} from '../common/limits.js';
import type { Logger } from '../common/logger.js';
import {
  BLANK_MAGIC_CODE,
  MESSAGE_MAGIC_CODE_V1,
  MESSAGE_MAGIC_CODE_V2,
} from '../message/message.js';
import {
  checkRecord,
  RECORD_FIXED_OVERHEAD_BYTES,
  type RecordPlan,
  setRecordPositions,
  writeRecord,
} from '../message/record-codec.js';
import type { CommitService } from './commit-service.js';
import type { FileIO } from './file-io.js';
import type { MappedFile } from './mapped-file.js';
import { MappedFileQueue } from './mapped-file-queue.js';
import { ReadCache } from './read-cache.js';

export { END_FILE_MIN_BLANK_BYTES };

/** Largest fixed part of a record: IPv6 hosts (12 bytes more each), a v2 (2-byte) topic length. */
const RECORD_MAX_OVERHEAD_BYTES = RECORD_FIXED_OVERHEAD_BYTES + 2 * 12 + 1;

/** Opening the next segment failed (disk full, permissions): CREATE_MAPPED_FILE_FAILED. */
export class CreateMappedFileError extends Error {
  override name = 'CreateMappedFileError';
}

export interface ScannedRecord {
  offset: number;
  size: number;
  bytes: Buffer;
}

export interface RecordToAppend {
  plan: RecordPlan;
  queueOffset: number;
}

export interface CommitLogOptions {
  fileSize: number;
  maxMessageSize: number;
  committer?: CommitService;
  /** Read size of the recovery scan; tests make it small to cross chunk ends. */
  scanChunkBytes?: number;
}

type ScanEnd = { pos: number; endOfFile: boolean; reason?: string };

export class CommitLog {
  readonly queue: MappedFileQueue;
  /** Largest record a valid log can hold; a bigger size field is corruption. */
  readonly maxRecordBytes: number;
  private readonly log: Logger;
  private readonly blank = Buffer.alloc(END_FILE_MIN_BLANK_BYTES);
  /** Complete blocks recently read by pulls (read-cache.ts). */
  readonly readCache = new ReadCache();
  private readonly scanChunkBytes: number;
  /** The record appendBatch is writing, for fillRecord (one bound function, no closure a put). */
  private filling: RecordToAppend | undefined;
  private fillingOffset = 0;
  private fillingTimestamp = 0;
  private readonly fillRecord = (b: Buffer, pos: number): void => {
    const r = this.filling;
    assert(r !== undefined, 'fillRecord runs inside appendBatch');
    writeRecord(r.plan, b, pos);
    const tsPos = r.plan.storeTimestampPos;
    setRecordPositions(b, pos, tsPos, r.queueOffset, this.fillingOffset, this.fillingTimestamp);
  };

  constructor(io: FileIO, dir: string, log: Logger, opts: CommitLogOptions) {
    this.queue = new MappedFileQueue(
      io,
      dir,
      opts.fileSize,
      opts.committer,
      COMMIT_LOG_STAGING_BYTES,
    );
    this.log = log;
    this.scanChunkBytes = opts.scanChunkBytes ?? COMMIT_LOG_SCAN_CHUNK_BYTES;
    this.maxRecordBytes = Math.min(
      opts.fileSize - END_FILE_MIN_BLANK_BYTES,
      opts.maxMessageSize +
        MAX_PROPERTIES_SIZE_BYTES +
        RETRY_TOPIC_MAX_LENGTH +
        RECORD_MAX_OVERHEAD_BYTES,
    );
    assert(this.scanChunkBytes >= END_FILE_MIN_BLANK_BYTES, 'the scan reads at least a header');
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

  /**
   * Appends records back to back in one segment (a batch is contiguous, like one record), filling
   * in queueOffset, physicalOffset and storeTimestamp. Returns each record's commit-log offset.
   */
  appendBatch(records: RecordToAppend[], storeTimestamp: number): number[] {
    let total = 0;
    for (const r of records) total += r.plan.size;
    assert(records.length > 0, 'a batch holds at least one record');
    assert(total <= this.queue.fileSize - END_FILE_MIN_BLANK_BYTES, 'callers check the size');
    const f = this.segmentWithRoom(total);
    const offsets: number[] = [];
    this.fillingTimestamp = storeTimestamp;
    for (const r of records) {
      const offset = f.fileFromOffset + f.wrotePosition;
      this.filling = r;
      this.fillingOffset = offset;
      const at = f.appendWith(r.plan.size, this.fillRecord);
      assert(at === offset, 'record written where its physicalOffset says');
      offsets.push(offset);
    }
    this.filling = undefined;
    assert(f.wrotePosition <= f.fileSize - END_FILE_MIN_BLANK_BYTES, 'room left for a blank');
    return offsets;
  }

  /** The tail segment if `bytes` fit before its blank reserve; else blank it and roll. */
  private segmentWithRoom(bytes: number): MappedFile {
    let f = this.tailForAppend();
    if (f.remaining >= bytes + END_FILE_MIN_BLANK_BYTES) return f;
    assert(f.remaining >= END_FILE_MIN_BLANK_BYTES, 'every segment keeps room for its blank');
    this.blank.writeInt32BE(f.remaining, 0);
    this.blank.writeInt32BE(BLANK_MAGIC_CODE, 4);
    f.append(this.blank, 0, END_FILE_MIN_BLANK_BYTES);
    f.markFull();
    f = this.tailForAppend();
    assert(f.wrotePosition === 0, 'a rolled segment starts empty');
    return f;
  }

  private tailForAppend(): MappedFile {
    try {
      return this.queue.lastForAppend();
    } catch (err) {
      throw new CreateMappedFileError(`cannot open a commit log segment: ${String(err)}`, {
        cause: err,
      });
    }
  }

  /** `size` bytes at `offset`, or undefined when they are not (or no longer) in the log. */
  read(offset: number, size: number): Buffer | undefined {
    if (!Number.isSafeInteger(offset) || size <= 0) return undefined;
    const f = this.queue.findByOffset(offset);
    if (!f) return undefined;
    const pos = offset - f.fileFromOffset;
    if (pos + size > f.wrotePosition) return undefined;
    return f.read(pos, size);
  }

  /**
   * Up to `maxBytes` from `offset`, never past its segment's written end; undefined if none. At
   * least `minBytes` when that many are written (the read cache may answer with less than
   * `maxBytes`, up to the end of its block). A view of the read cache may come back: it is valid
   * until the next readWindow, so callers copy what they keep first.
   */
  readWindow(offset: number, maxBytes: number, minBytes = 1): Buffer | undefined {
    if (!Number.isSafeInteger(offset) || maxBytes <= 0) return undefined;
    const f = this.queue.findByOffset(offset);
    if (!f) return undefined;
    const pos = offset - f.fileFromOffset;
    const n = Math.min(maxBytes, f.wrotePosition - pos);
    if (n <= 0) return undefined;
    return this.readCache.read(f, pos, Math.min(minBytes, n), n) ?? f.read(pos, n);
  }

  /**
   * The whole record at `offset` if one starts there and passes its checks (size, magic, CRC);
   * undefined otherwise. For offsets from the outside world (VIEW_MESSAGE_BY_ID).
   */
  readRecord(offset: number): Buffer | undefined {
    const head = this.read(offset, END_FILE_MIN_BLANK_BYTES);
    if (!head) return undefined;
    const size = head.readInt32BE(0);
    const magic = head.readInt32BE(4);
    if (magic !== MESSAGE_MAGIC_CODE_V1 && magic !== MESSAGE_MAGIC_CODE_V2) return undefined;
    if (size <= END_FILE_MIN_BLANK_BYTES || size > this.maxRecordBytes) return undefined;
    const b = this.read(offset, size);
    if (!b || !checkRecord(b, 0, size).ok) return undefined;
    assert(b.length === size, 'read returns the asked size');
    return b;
  }

  /** Deletes whole segments below `offset` (never the tail); returns the new min offset. */
  deleteSegmentsBefore(offset: number): number {
    const before = this.minOffset;
    const n = this.queue.deleteHeadFilesBefore(offset);
    this.readCache.clear();
    if (n > 0) this.log.info({ deleted: n, minOffset: this.minOffset }, 'commit log head deleted');
    assert(this.minOffset >= before, 'the log head only moves forward');
    return this.minOffset;
  }

  /**
   * Validates records from `from` (a record boundary) to the end and cuts the log after the last
   * good one (CommitLog#recoverNormally / #recoverAbnormally). Returns the new end.
   */
  recover(from: number): number {
    const start = Math.max(from, this.queue.minOffset);
    let end = this.scan(start, Number.MAX_SAFE_INTEGER, () => {}).end;
    const f = this.queue.findByOffset(start);
    if (end === start && f && start > f.fileFromOffset && start < this.maxOffset) {
      // Not even one record at `from`: maybe `from` is no boundary (a damaged checkpoint). The
      // segment start always is one; validating from there costs time, never data.
      this.log.warn({ from: start }, 'no record at the recovery start; validating its segment');
      end = this.scan(f.fileFromOffset, Number.MAX_SAFE_INTEGER, () => {}).end;
    }
    if (end < this.queue.maxOffset) {
      this.log.warn(
        { offset: end, dropped: this.queue.maxOffset - end },
        'commit log tail is torn or corrupt; truncating after the last valid record',
      );
      this.queue.truncateFrom(end);
    }
    this.readCache.clear(); // bytes past the cut will be written anew
    assert(this.queue.maxOffset === end || this.queue.files.length === 0, 'log ends at the cut');
    return end;
  }

  /**
   * Drops the records from `offset` (a record boundary) on, staged or written: the undo of a
   * write round that failed, so that no byte of a refused put is ever written or read.
   */
  rollbackTo(offset: number): void {
    const dropped = this.maxOffset - offset;
    assert(dropped >= 0, 'a rollback cuts below the end');
    this.readCache.clear(); // blocks past the cut will hold other records
    this.queue.rollbackTo(offset);
    this.log.warn({ offset, dropped }, 'commit log rolled back after a failed write');
  }

  /**
   * Drops every record from `offset` (a record boundary, nothing staged) on: a log that diverged
   * from its master's is cut where they part (CommitLog#truncateDirtyFiles).
   */
  truncateTo(offset: number): void {
    const dropped = this.maxOffset - offset;
    assert(dropped >= 0, 'a truncation cuts below the end');
    this.readCache.clear(); // blocks past the cut will hold other records
    this.queue.rollbacks++; // a flush round overlapping the cut may end below its target
    this.queue.truncateFrom(offset);
    this.log.warn({ offset, dropped }, 'commit log truncated');
  }

  /**
   * Calls onRecord for each valid record from `from` up to `to`, crossing end-of-file blanks.
   * Stops at the first invalid record (returning where, and why) without changing anything.
   */
  scan(
    from: number,
    to: number,
    onRecord: (r: ScannedRecord) => void,
  ): { end: number; reason?: string } {
    let offset = from;
    for (;;) {
      const f = this.queue.findByOffset(offset);
      if (!f || offset >= to) return { end: offset };
      const r = this.scanSegment(f, offset - f.fileFromOffset, to - f.fileFromOffset, onRecord);
      if (r.endOfFile && f !== this.queue.last) {
        offset = f.fileFromOffset + this.queue.fileSize;
        continue;
      }
      return { end: f.fileFromOffset + r.pos, reason: r.reason };
    }
  }

  private scanSegment(
    f: MappedFile,
    start: number,
    limit: number,
    onRecord: (r: ScannedRecord) => void,
  ): ScanEnd {
    const wrote = f.wrotePosition;
    let window: Buffer = Buffer.alloc(0);
    let windowAt = start;
    let pos = start;
    // Bytes [pos, pos + need) as a view, reading a new window when the current one ends early.
    const view = (need: number): Buffer => {
      if (pos + need > windowAt + window.length) {
        windowAt = pos;
        window = f.read(pos, Math.min(wrote - pos, Math.max(need, this.scanChunkBytes)));
      }
      return window.subarray(pos - windowAt, pos - windowAt + need);
    };
    while (pos < wrote && pos < limit) {
      if (wrote - pos < END_FILE_MIN_BLANK_BYTES) return { pos, endOfFile: false, reason: 'short' };
      const head = view(END_FILE_MIN_BLANK_BYTES);
      const size = head.readInt32BE(0);
      if (head.readInt32BE(4) === BLANK_MAGIC_CODE) return { pos, endOfFile: true };
      if (size <= END_FILE_MIN_BLANK_BYTES || size > this.maxRecordBytes || pos + size > wrote) {
        return { pos, endOfFile: false, reason: `record size ${size} at ${pos} is impossible` };
      }
      const bytes = view(size);
      const check = checkRecord(bytes, 0, size);
      if (!check.ok) return { pos, endOfFile: false, reason: check.reason };
      assert(check.size === size, 'a valid record is as long as its size field');
      onRecord({ offset: f.fileFromOffset + pos, size, bytes });
      pos += size;
    }
    return { pos, endOfFile: pos >= this.queue.fileSize };
  }

  close(): void {
    this.queue.close();
  }
}
