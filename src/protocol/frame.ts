// Splits a TCP byte stream into RemotingCommand frames. push(chunk) returns every frame completed
// by that chunk, each *without* its 4-byte length prefix. A frame inside one chunk is a view of
// it; one spanning chunks is copied once, when complete, into a buffer of its own size.
import { ProtocolError } from '../common/errors.js';
import { FRAME_MAX_LENGTH_BYTES } from '../common/limits.js';

export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private readonly maxFrameBytes: number;

  constructor(maxFrameBytes = FRAME_MAX_LENGTH_BYTES) {
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Bytes received but not yet part of a returned frame. */
  get pendingBytes(): number {
    return this.buffered;
  }

  push(chunk: Buffer): Buffer[] {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const frames: Buffer[] = [];
    for (;;) {
      if (this.buffered < 4) break;
      const length = this.peekLength();
      if (length < 4 || length > this.maxFrameBytes) {
        throw new ProtocolError(
          `frame length ${length} outside [4, ${this.maxFrameBytes}]; closing the connection`,
        );
      }
      if (this.buffered < 4 + length) break;
      const whole = this.take(4 + length);
      frames.push(whole.subarray(4));
    }
    return frames;
  }

  private peekLength(): number {
    const first = this.chunks[0]!;
    if (first.length >= 4) return first.readInt32BE(0);
    const head = Buffer.concat(this.chunks, 4);
    return head.readInt32BE(0);
  }

  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= n) {
      // Fast path: the frame sits inside one chunk, no copy.
      const out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.buffered -= n;
      return out;
    }
    // The frame spans chunks: one buffer of exactly its size (pooled when small), so a body kept
    // from it pins nothing else, and the bytes after it stay views of the chunk they arrived in
    // rather than being copied along with the frame.
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0]!;
      const take = Math.min(c.length, n - filled);
      c.copy(out, filled, 0, take);
      filled += take;
      if (take === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(take);
    }
    this.buffered -= n;
    return out;
  }
}
