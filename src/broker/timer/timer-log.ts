// TimerLog: the append-only file of timer units, <storePathRootDir>/timerlog/<20-digit offset>
// segments as RocketMQ names them. One 48-byte unit per timer message waiting in a slot, linked
// backwards to the slot's previous unit (TimerWheel keeps each slot's newest position), so a slot
// is read by following prevPos and nothing else of the file is touched. Units are written in
// batches: appended to a buffer, then written and fdatasynced by flush() before anything that
// points at them (the wheel, the checkpoint) is written. Layout (big-endian):
//   0 prevPos i64 (-1: first of its slot) | 8 slotMs i64 | 16 dueMs i64 (> slotMs: a roll)
//  24 phyOffset i64 (the message in the commit log) | 32 queueOffset i64 (in rmq_sys_wheel_timer)
//  40 size i32 (stored bytes) | 44 crc32 of bytes 0..43
import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import { assert } from '../../common/assert.js';
import { readInt64BE, writeInt64BE } from '../../message/int64.js';
import type { FileIO } from '../../store/file-io.js';

export const TIMER_UNIT_BYTES = 48;
/** "No unit": the end of a slot's chain, or a slot without units. */
export const NO_POS = -1;
/** RocketMQ's mappedFileSizeTimerLog is 100 MiB; this is the nearest multiple of a unit. */
export const DEFAULT_TIMER_LOG_SEGMENT_BYTES = TIMER_UNIT_BYTES * 2 ** 21;
const INITIAL_PENDING_BYTES = 64 * TIMER_UNIT_BYTES;

export interface TimerUnit {
  pos: number;
  prevPos: number;
  slotMs: number;
  dueMs: number;
  phyOffset: number;
  queueOffset: number;
  size: number;
}

interface Segment {
  from: number;
  fd: number;
}

function segmentName(from: number): string {
  return String(from).padStart(20, '0');
}

export function encodeUnit(u: Omit<TimerUnit, 'pos'>, b: Buffer, at: number): void {
  writeInt64BE(b, u.prevPos, at);
  writeInt64BE(b, u.slotMs, at + 8);
  writeInt64BE(b, u.dueMs, at + 16);
  writeInt64BE(b, u.phyOffset, at + 24);
  writeInt64BE(b, u.queueOffset, at + 32);
  b.writeInt32BE(u.size, at + 40);
  b.writeUInt32BE(crc32(b.subarray(at, at + 44)), at + 44);
}

/** The unit at `at` in `b`, or undefined when its checksum fails (torn or never written). */
export function decodeUnit(b: Buffer, at: number, pos: number): TimerUnit | undefined {
  if (b.readUInt32BE(at + 44) !== crc32(b.subarray(at, at + 44))) return undefined;
  const size = b.readInt32BE(at + 40);
  if (size <= 0) return undefined; // an all-zero unit has a matching checksum only by accident
  return {
    pos,
    prevPos: readInt64BE(b, at),
    slotMs: readInt64BE(b, at + 8),
    dueMs: readInt64BE(b, at + 16),
    phyOffset: readInt64BE(b, at + 24),
    queueOffset: readInt64BE(b, at + 32),
    size,
  };
}

export class TimerLog {
  readonly dir: string;
  readonly segmentBytes: number;
  private readonly io: FileIO;
  private readonly segments: Segment[] = [];
  /** Everything below is in the files (written; fdatasynced once flush() resolved). */
  private writtenEnd = 0;
  private pending = Buffer.alloc(INITIAL_PENDING_BYTES);
  private pendingBytes = 0;
  private readonly one = Buffer.alloc(TIMER_UNIT_BYTES);
  /** Directories with entries created since the last flush (a new segment, a new timerlog/). */
  private readonly unsyncedDirs = new Set<string>();

  constructor(
    io: FileIO,
    storePathRootDir: string,
    segmentBytes = DEFAULT_TIMER_LOG_SEGMENT_BYTES,
  ) {
    assert(segmentBytes % TIMER_UNIT_BYTES === 0, 'a timer log segment holds whole units');
    this.io = io;
    this.dir = join(storePathRootDir, 'timerlog');
    this.segmentBytes = segmentBytes;
  }

  load(): void {
    if (!this.io.exists(this.dir)) this.unsyncedDirs.add(dirname(this.dir));
    this.io.mkdirp(this.dir);
    const names = this.io
      .readdir(this.dir)
      .filter((n) => /^\d{20}$/.test(n))
      .sort();
    for (const n of names) {
      const from = Number(n);
      const prev = this.segments[this.segments.length - 1];
      assert(
        !prev || prev.from + this.segmentBytes === from,
        `${this.dir} segments are contiguous`,
      );
      this.segments.push({ from, fd: this.io.open(join(this.dir, n)) });
    }
    const last = this.segments[this.segments.length - 1];
    if (last) {
      const size = Math.min(this.io.size(last.fd), this.segmentBytes);
      this.writtenEnd = last.from + size - (size % TIMER_UNIT_BYTES);
    }
  }

  /** Where the next unit goes. */
  get end(): number {
    return this.writtenEnd + this.pendingBytes;
  }

  /** The first position still in a file. */
  get start(): number {
    return this.segments[0]?.from ?? this.writtenEnd;
  }

  /** Segment start offsets, oldest first. */
  segmentStarts(): number[] {
    return this.segments.map((s) => s.from);
  }

  /** Buffers a unit; returns its position. It reaches the file with the next flush(). */
  append(u: Omit<TimerUnit, 'pos'>): number {
    assert(u.size > 0 && u.phyOffset >= 0, 'a timer unit points at a stored message');
    if (this.pendingBytes === this.pending.length) {
      const bigger = Buffer.alloc(this.pending.length * 2);
      this.pending.copy(bigger, 0, 0, this.pendingBytes);
      this.pending = bigger;
    }
    const pos = this.end;
    encodeUnit(u, this.pending, this.pendingBytes);
    this.pendingBytes += TIMER_UNIT_BYTES;
    return pos;
  }

  /** Writes the buffered units and fdatasyncs every segment they went to. */
  async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const touched = new Set<Segment>();
    let done = 0;
    while (done < this.pendingBytes) {
      const pos = this.writtenEnd + done;
      const seg = this.segmentFor(pos);
      const n = Math.min(this.pendingBytes - done, seg.from + this.segmentBytes - pos);
      await this.io.writeAsync(seg.fd, this.pending, done, n, pos - seg.from);
      touched.add(seg);
      done += n;
    }
    for (const seg of touched) await this.io.datasync(seg.fd);
    // A new segment's name is durable only once its directory is synced: before the wheel (and
    // then the checkpoint) points at its units.
    for (const dir of [...this.unsyncedDirs]) {
      await this.io.syncDir(dir);
      this.unsyncedDirs.delete(dir);
    }
    this.writtenEnd += this.pendingBytes;
    this.pendingBytes = 0;
    // A burst grew the buffer; give the memory back rather than keep the peak.
    if (this.pending.length > 64 * INITIAL_PENDING_BYTES) {
      this.pending = Buffer.alloc(INITIAL_PENDING_BYTES);
    }
  }

  /** The unit at `pos`, or undefined when it fails its checksum or its segment is gone. */
  read(pos: number): TimerUnit | undefined {
    assert(pos >= 0 && pos % TIMER_UNIT_BYTES === 0, `timer log position ${pos} is a unit's`);
    assert(pos < this.end, `timer log position ${pos} is below the end ${this.end}`);
    if (pos >= this.writtenEnd) return decodeUnit(this.pending, pos - this.writtenEnd, pos);
    const first = this.segments[0];
    if (!first || pos < first.from) return undefined;
    const seg = this.segments[Math.floor((pos - first.from) / this.segmentBytes)];
    assert(seg && pos >= seg.from && pos < seg.from + this.segmentBytes, 'segment lookup');
    const n = this.io.read(seg.fd, this.one, 0, TIMER_UNIT_BYTES, pos - seg.from);
    return n === TIMER_UNIT_BYTES ? decodeUnit(this.one, 0, pos) : undefined;
  }

  /** Cuts the log back to `end` (recovery): later segments go, the last one is shortened. */
  truncate(end: number): void {
    assert(this.pendingBytes === 0, 'truncate only with nothing buffered');
    assert(end % TIMER_UNIT_BYTES === 0 && end >= 0, 'truncate at a unit boundary');
    while (this.segments.length > 0 && this.segments[this.segments.length - 1]!.from >= end) {
      const seg = this.segments.pop()!;
      this.io.close(seg.fd);
      this.io.unlink(join(this.dir, segmentName(seg.from)));
    }
    assert(end <= this.writtenEnd, `the timer log holds ${this.writtenEnd} bytes, not ${end}`);
    const last = this.segments[this.segments.length - 1];
    if (last && this.io.size(last.fd) > end - last.from) this.io.truncate(last.fd, end - last.from);
    this.writtenEnd = end;
  }

  /** Deletes the oldest segment (its every unit is delivered); never the one being written. */
  deleteFirstSegment(): number | undefined {
    const seg = this.segments[0];
    if (!seg || this.segments.length === 1) return undefined;
    this.segments.shift();
    this.io.close(seg.fd);
    this.io.unlink(join(this.dir, segmentName(seg.from)));
    return seg.from;
  }

  close(): void {
    for (const s of this.segments.splice(0)) this.io.close(s.fd);
  }

  private segmentFor(pos: number): Segment {
    const from = pos - (pos % this.segmentBytes);
    const last = this.segments[this.segments.length - 1];
    if (last && last.from === from) return last;
    assert(!last || last.from + this.segmentBytes === from, 'the timer log grows one segment on');
    const seg = { from, fd: this.io.open(join(this.dir, segmentName(from))) };
    this.segments.push(seg);
    this.unsyncedDirs.add(this.dir);
    return seg;
  }
}
