// The ordered segments of one log (MappedFileQueue). Offsets are global: a segment covers
// [n * fileSize, (n + 1) * fileSize). Segment files are created on demand when the tail rolls.
import { assert } from '../common/assert.js';
import type { CommitService } from './commit-service.js';
import type { FileIO } from './file-io.js';
import { MappedFile } from './mapped-file.js';

export class MappedFileQueue {
  readonly dir: string;
  readonly fileSize: number;
  readonly files: MappedFile[] = [];
  private readonly io: FileIO;
  private readonly committer: CommitService | undefined;
  private readonly stagingBytes: number;
  /** Rollbacks so far: a flush round that overlapped one may end below its target. */
  rollbacks = 0;

  constructor(
    io: FileIO,
    dir: string,
    fileSize: number,
    committer?: CommitService,
    stagingBytes = 0,
  ) {
    assert(fileSize > 0, 'segment size is positive');
    this.io = io;
    this.committer = committer;
    this.stagingBytes = stagingBytes;
    this.dir = dir;
    this.fileSize = fileSize;
  }

  load(): void {
    this.io.mkdirp(this.dir);
    const names = this.io
      .readdir(this.dir)
      .filter((n) => /^\d{20}$/.test(n))
      .sort();
    for (const n of names) this.files.push(this.newFile(Number(n)));
    for (let i = 1; i < this.files.length; i++) {
      assert(
        this.files[i]!.fileFromOffset === this.files[i - 1]!.fileFromOffset + this.fileSize,
        `segments of ${this.dir} are contiguous`,
      );
    }
  }

  private newFile(from: number): MappedFile {
    return new MappedFile(
      this.io,
      this.dir,
      from,
      this.fileSize,
      this.committer,
      this.stagingBytes,
    );
  }

  get last(): MappedFile | undefined {
    return this.files[this.files.length - 1];
  }

  get first(): MappedFile | undefined {
    return this.files[0];
  }

  /** The segment new bytes go to, rolling to a fresh one when the tail is full. */
  lastForAppend(startOffset = 0): MappedFile {
    const last = this.last;
    if (last && !last.isFull) return last;
    const from = last
      ? last.fileFromOffset + this.fileSize
      : startOffset - (startOffset % this.fileSize);
    const f = this.newFile(from);
    assert(f.wrotePosition === 0, `a new segment ${f.path} is empty (a stale file is in the way)`);
    this.files.push(f);
    return f;
  }

  /** Closes and deletes every segment and the directory (the queue is gone). */
  destroy(): void {
    while (this.files.length > 0) this.files.pop()!.destroy();
    this.io.removeDir(this.dir);
  }

  /** Deletes every segment and starts over with an empty one holding `offset`. */
  resetTo(offset: number): MappedFile {
    while (this.files.length > 0) this.files.pop()!.destroy();
    const f = this.newFile(offset - (offset % this.fileSize));
    this.files.push(f);
    assert(this.maxOffset === f.fileFromOffset && this.minOffset === f.fileFromOffset, 'empty');
    return f;
  }

  findByOffset(offset: number): MappedFile | undefined {
    const first = this.first;
    if (!first || offset < first.fileFromOffset) return undefined;
    const i = Math.floor((offset - first.fileFromOffset) / this.fileSize);
    const f = this.files[i];
    assert(
      !f || (offset >= f.fileFromOffset && offset < f.fileFromOffset + this.fileSize),
      'segment index math',
    );
    return f;
  }

  get minOffset(): number {
    return this.first?.fileFromOffset ?? 0;
  }

  /** One past the last written byte. */
  get maxOffset(): number {
    const last = this.last;
    return last ? last.fileFromOffset + last.wrotePosition : 0;
  }

  /**
   * One past the last durable byte. Only the tail segment (and, right after a roll, the one
   * before it with its end-of-file blank) receives appends, and flush rounds go oldest first, so
   * the unflushed segments are a suffix of the list: walk back from the tail until a segment
   * with data is fully flushed. Constant time in practice, whatever the number of segments.
   */
  get flushedOffset(): number {
    let i = this.files.length - 1;
    let earliestDirty = -1;
    for (; i >= 0; i--) {
      const f = this.files[i]!;
      if (f.flushedPosition < f.wrotePosition) earliestDirty = i;
      else if (f.wrotePosition > 0) break;
    }
    if (earliestDirty < 0) return this.maxOffset;
    const f = this.files[earliestDirty]!;
    const flushed = f.fileFromOffset + f.flushedPosition;
    assert(flushed <= this.maxOffset, 'nothing is flushed past the end');
    return flushed;
  }

  /**
   * Deletes whole segments that end at or before `offset`, never the tail (the clean service's
   * primitive, DefaultMappedFileQueue#deleteExpiredFileByOffset). Returns how many went.
   */
  deleteHeadFilesBefore(offset: number): number {
    let n = 0;
    while (this.files.length > 1 && this.files[0]!.fileFromOffset + this.fileSize <= offset) {
      this.files.shift()!.destroy();
      n++;
    }
    assert(this.files.length > 0 || n === 0, 'the tail segment is never deleted');
    return n;
  }

  /** Drops everything at or after `offset` (recovery of a torn tail). */
  truncateFrom(offset: number): void {
    while (this.last && this.last.fileFromOffset > offset) {
      this.files.pop()!.destroy();
    }
    const last = this.last;
    if (last && offset - last.fileFromOffset < last.wrotePosition)
      last.truncate(offset - last.fileFromOffset);
    assert(this.maxOffset <= Math.max(offset, this.minOffset), 'nothing survives past the cut');
  }

  /**
   * Drops every byte at or after `offset`, staged or written, without writing what is staged (a
   * failed write's rollback): later segments are deleted, the one holding `offset` is cut.
   */
  rollbackTo(offset: number): void {
    assert(offset <= this.maxOffset, 'a rollback never extends the log');
    while (this.files.length > 1 && this.last!.fileFromOffset > offset) this.files.pop()!.destroy();
    this.rollbacks++;
    const last = this.last;
    if (last && offset >= last.fileFromOffset) last.rollback(offset - last.fileFromOffset);
    assert(this.maxOffset === offset || this.files.length === 0, 'the log ends at the cut');
  }

  async flush(): Promise<void> {
    // A snapshot: the clean service may drop head segments while a datasync is awaited (it only
    // drops fully flushed ones, so none of these is closed under us).
    for (const f of [...this.files]) {
      if (f.flushedPosition < f.wrotePosition) await f.flush();
    }
  }

  close(): void {
    for (const f of this.files) f.close();
  }

  /** Closes every segment without writing staged bytes (crash simulation). */
  abandon(): void {
    for (const f of this.files) f.abandon();
  }
}
