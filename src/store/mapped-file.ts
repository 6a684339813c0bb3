// One segment file of a commit log or consume queue. Named by the 20-digit offset of its first
// byte; holds [fileFromOffset, fileFromOffset + fileSize). Bytes are appended with positional
// writes; wrotePosition is what readers may see, flushedPosition what fdatasync has made durable.
import { join } from 'node:path';
import { assert } from '../common/assert.js';
import type { FileIO } from './file-io.js';

export function segmentName(offset: number): string {
  return String(offset).padStart(20, '0');
}

export class MappedFile {
  readonly fileFromOffset: number;
  readonly fileSize: number;
  readonly path: string;
  wrotePosition: number;
  flushedPosition: number;
  private readonly fd: number;
  private readonly io: FileIO;

  constructor(io: FileIO, dir: string, fileFromOffset: number, fileSize: number) {
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
    this.flushedPosition = onDisk;
  }

  get remaining(): number {
    return this.fileSize - this.wrotePosition;
  }

  get isFull(): boolean {
    return this.wrotePosition >= this.fileSize;
  }

  append(buf: Buffer, offset = 0, length = buf.length): number {
    assert(length <= this.remaining, 'callers check that a write fits the segment');
    const at = this.wrotePosition;
    this.io.write(this.fd, buf, offset, length, at);
    this.wrotePosition += length;
    return this.fileFromOffset + at;
  }

  /** Reads `length` bytes at file position `pos` (relative to the segment). */
  read(pos: number, length: number): Buffer {
    assert(pos >= 0 && pos + length <= this.wrotePosition, 'reads stay below the write position');
    const b = Buffer.allocUnsafe(length);
    const n = this.io.read(this.fd, b, 0, length, pos);
    assert(n === length, `short read of ${this.path} at ${pos}`);
    return b;
  }

  async flush(): Promise<void> {
    const upTo = this.wrotePosition;
    if (upTo <= this.flushedPosition) return;
    await this.io.datasync(this.fd);
    if (upTo > this.flushedPosition) this.flushedPosition = upTo;
  }

  /** Cuts the segment at `pos`: a torn tail is removed from disk, not just hidden. */
  truncate(pos: number): void {
    assert(pos >= 0 && pos <= this.fileSize, 'truncate position inside the segment');
    this.io.truncate(this.fd, pos);
    this.wrotePosition = pos;
    this.flushedPosition = Math.min(this.flushedPosition, pos);
  }

  destroy(): void {
    this.io.close(this.fd);
    this.io.unlink(this.path);
  }

  close(): void {
    this.io.close(this.fd);
  }
}
