// One segment file of a commit log or consume queue. Named by the 20-digit offset of its first
// byte; holds [fileFromOffset, fileFromOffset + fileSize). Appends go to a staging buffer that
// the CommitService writes once per event-loop turn: wrotePosition is what readers may see
// (staged bytes are served from memory), committedPosition what the kernel has, flushedPosition
// what fdatasync has made durable. wrote >= committed >= flushed.
import { join } from 'node:path';
import { assert } from '../common/assert.js';
import type { CommitService } from './commit-service.js';
import type { FileIO } from './file-io.js';

export function segmentName(offset: number): string {
  return String(offset).padStart(20, '0');
}

export class MappedFile {
  readonly fileFromOffset: number;
  readonly fileSize: number;
  readonly path: string;
  wrotePosition: number;
  committedPosition: number;
  flushedPosition: number;
  private readonly fd: number;
  private readonly io: FileIO;
  private readonly committer: CommitService | undefined;
  private readonly stagingBytes: number;
  private staging: Buffer | undefined;
  private stagedLength = 0;
  private full = false;
  private closed = false;
  /** Bumped by every cut: a flush that began before one must not count bytes written after it. */
  private cuts = 0;

  constructor(
    io: FileIO,
    dir: string,
    fileFromOffset: number,
    fileSize: number,
    committer?: CommitService,
    stagingBytes = 0,
  ) {
    assert(
      fileFromOffset >= 0 && fileFromOffset % fileSize === 0,
      'segments start on a file-size boundary',
    );
    this.io = io;
    this.fileFromOffset = fileFromOffset;
    this.fileSize = fileSize;
    this.path = join(dir, segmentName(fileFromOffset));
    this.fd = io.open(this.path);
    const onDisk = io.size(this.fd);
    assert(onDisk <= fileSize, `segment ${this.path} is larger than the configured file size`);
    this.wrotePosition = onDisk;
    this.committedPosition = onDisk;
    this.flushedPosition = onDisk;
    this.committer = committer;
    this.stagingBytes = committer ? stagingBytes : 0;
  }

  get remaining(): number {
    return this.full ? 0 : this.fileSize - this.wrotePosition;
  }

  get isFull(): boolean {
    return this.full || this.wrotePosition >= this.fileSize;
  }

  /** The rest of the segment belongs to an end-of-file blank: appends go to the next one. */
  markFull(): void {
    assert(this.stagedLength <= this.wrotePosition, 'staging never exceeds what was written');
    this.full = true;
  }

  append(buf: Buffer, offset = 0, length = buf.length): number {
    if (length > this.stagingBytes) return this.writeThrough(buf, offset, length);
    return this.appendWith(length, (b, pos) => buf.copy(b, pos, offset, offset + length));
  }

  /**
   * Reserves `length` bytes and lets `fill` write them in place (into the staging buffer, or a
   * buffer of their own when bigger than it). Returns the offset they start at.
   */
  appendWith(length: number, fill: (b: Buffer, pos: number) => void): number {
    if (length > this.stagingBytes) {
      const b = Buffer.allocUnsafe(length);
      fill(b, 0);
      return this.writeThrough(b, 0, length);
    }
    assert(length > 0 && length <= this.remaining, 'callers check that a write fits the segment');
    const at = this.wrotePosition;
    if (this.stagedLength + length > this.stagingBytes) this.commit();
    this.staging ??= Buffer.allocUnsafe(this.stagingBytes);
    fill(this.staging, this.stagedLength);
    this.stagedLength += length;
    this.wrotePosition += length;
    assert(
      this.committedPosition + this.stagedLength === this.wrotePosition,
      'staging covers the gap',
    );
    this.committer!.markDirty(this);
    return this.fileFromOffset + at;
  }

  /** A write bigger than the staging buffer goes straight to the file, after what is staged. */
  private writeThrough(buf: Buffer, offset: number, length: number): number {
    assert(length > 0 && length <= this.remaining, 'callers check that a write fits the segment');
    const at = this.wrotePosition;
    this.commit();
    this.io.write(this.fd, buf, offset, length, at);
    this.wrotePosition += length;
    this.committedPosition = this.wrotePosition;
    return this.fileFromOffset + at;
  }

  /** Hands staged bytes to the kernel (one positional write). */
  commit(): void {
    if (this.stagedLength === 0) return;
    assert(
      this.committedPosition + this.stagedLength <= this.fileSize,
      'staged bytes fit the file',
    );
    this.io.write(this.fd, this.staging!, 0, this.stagedLength, this.committedPosition);
    this.committedPosition += this.stagedLength;
    this.stagedLength = 0;
    assert(this.committedPosition === this.wrotePosition, 'a commit writes everything staged');
  }

  /** Reads `length` bytes at file position `pos` (relative to the segment). */
  read(pos: number, length: number): Buffer {
    const b = Buffer.allocUnsafe(length);
    this.readInto(pos, b);
    return b;
  }

  /** Fills `b` with the bytes at file position `pos`: the disk's, then the staged ones. */
  readInto(pos: number, b: Buffer): void {
    const length = b.length;
    assert(pos >= 0 && pos + length <= this.wrotePosition, 'reads stay below the write position');
    const fromDisk = Math.min(length, Math.max(0, this.committedPosition - pos));
    if (fromDisk > 0) {
      const n = this.io.read(this.fd, b, 0, fromDisk, pos);
      assert(n === fromDisk, `short read of ${this.path} at ${pos}`);
    }
    if (fromDisk < length) {
      const from = pos + fromDisk - this.committedPosition;
      this.staging!.copy(b, fromDisk, from, from + length - fromDisk);
    }
  }

  /** Commits, then fdatasyncs; flushedPosition moves to what was written before the call. */
  async flush(): Promise<void> {
    if (this.closed) return; // rolled back and deleted while a flush round held it
    this.commit();
    const upTo = this.wrotePosition;
    if (upTo <= this.flushedPosition) return;
    const cuts = this.cuts;
    await this.io.datasync(this.fd);
    if (cuts === this.cuts && upTo > this.flushedPosition) this.flushedPosition = upTo;
    assert(this.flushedPosition <= this.committedPosition, 'only written bytes are durable');
  }

  /** Cuts the segment at `pos`: a torn tail is removed from disk, not just hidden. */
  truncate(pos: number): void {
    assert(pos >= 0 && pos <= this.fileSize, 'truncate position inside the segment');
    this.commit();
    this.io.truncate(this.fd, pos);
    this.full = false;
    this.cuts++;
    this.wrotePosition = pos;
    this.committedPosition = Math.min(this.committedPosition, pos);
    this.flushedPosition = Math.min(this.flushedPosition, pos);
    assert(this.committedPosition === pos, 'a cut segment has nothing staged');
  }

  /**
   * Drops everything from `pos` on, staged or written, without writing what is staged: the undo
   * of a write that failed (a full disk). The file is cut to the bytes that stay, so a failed
   * write's partial tail (write(2) may have stored part of it) never remains for recovery to cut.
   */
  rollback(pos: number): void {
    assert(pos >= 0 && pos <= this.wrotePosition, 'a rollback cuts inside what was written');
    if (pos < this.wrotePosition) this.full = false; // the end-of-file blank went with the cut
    const kept = Math.min(pos, this.committedPosition);
    this.stagedLength = pos - kept;
    this.wrotePosition = pos;
    this.committedPosition = kept;
    this.flushedPosition = Math.min(this.flushedPosition, kept);
    this.cuts++;
    this.io.truncate(this.fd, kept);
    assert(this.committedPosition + this.stagedLength === this.wrotePosition, 'staging covers');
  }

  destroy(): void {
    this.stagedLength = 0; // a commit round that still lists this file writes nothing
    this.wrotePosition = this.committedPosition;
    this.closeFd();
    this.io.unlink(this.path);
  }

  close(): void {
    this.commit();
    this.closeFd();
  }

  /** Closes the file without writing staged bytes: what a crash does to them. */
  abandon(): void {
    this.stagedLength = 0;
    this.wrotePosition = this.committedPosition;
    this.closeFd();
  }

  private closeFd(): void {
    if (this.closed) return;
    this.closed = true;
    this.io.close(this.fd);
  }
}
