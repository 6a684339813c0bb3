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
    this.files.push(f);
    return f;
  }

  /** Creates (empty) segments up to the one holding `offset`; used when a log starts mid-way. */
  rollTo(offset: number): MappedFile {
    const from = offset - (offset % this.fileSize);
    let last = this.last;
    while (!last || last.fileFromOffset < from) {
      if (last && last.wrotePosition < this.fileSize) last.truncate(last.wrotePosition);
      const next = last ? last.fileFromOffset + this.fileSize : from;
      last = this.newFile(next);
      this.files.push(last);
    }
    return last;
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

  get flushedOffset(): number {
    let flushed = this.minOffset;
    for (const f of this.files) {
      flushed = f.fileFromOffset + f.flushedPosition;
      if (f.flushedPosition < f.wrotePosition) break;
    }
    return flushed;
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

  async flush(): Promise<void> {
    for (const f of this.files) {
      if (f.flushedPosition < f.wrotePosition) await f.flush();
    }
  }

  close(): void {
    for (const f of this.files) f.close();
  }
}
