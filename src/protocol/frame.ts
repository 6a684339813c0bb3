// Splits a TCP byte stream into RemotingCommand frames. push(chunk) returns every frame completed
// by that chunk, each *without* its 4-byte length prefix; pushEach(chunk, onFrame) hands them to
// a callback instead, with no array per chunk; pushRanges(chunk, onRange) hands over where each
// frame lies (buffer, start, end) and so makes no object at all for a frame inside one chunk
// (a connection decodes it in place). The first chunk is read from an offset rather than
// re-sliced after each frame. A frame spanning chunks is copied once, when complete, into a
// buffer of its own size.
import { ProtocolError } from '../common/errors.js';
import { FRAME_MAX_LENGTH_BYTES } from '../common/limits.js';

/** Takes one frame; returning false stops the decoder (what is left stays buffered). */
export type OnFrame = (frame: Buffer) => boolean | undefined;
/** Takes the frame in buf[start, end) (no length prefix); false stops the decoder. */
export type OnFrameRange = (buf: Buffer, start: number, end: number) => boolean | undefined;

const EMPTY = Buffer.alloc(0);

export class FrameDecoder {
  private chunks: Buffer[] = [];
  /** Bytes of chunks[0] already handed out. */
  private offset = 0;
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
    const frames: Buffer[] = [];
    this.pushEach(chunk, (f) => {
      frames.push(f);
      return true;
    });
    return frames;
  }

  pushEach(chunk: Buffer, onFrame: OnFrame): void {
    this.pushRanges(chunk, (b, start, end) => onFrame(b.subarray(start, end)));
  }

  pushRanges(chunk: Buffer, onRange: OnFrameRange): void {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    for (;;) {
      if (this.buffered < 4) break;
      const length = this.peekLength();
      if (length < 4 || length > this.maxFrameBytes) {
        throw new ProtocolError(
          `frame length ${length} outside [4, ${this.maxFrameBytes}]; closing the connection`,
        );
      }
      if (this.buffered < 4 + length) break;
      const start = this.take(4 + length);
      const b = this.taken;
      this.taken = EMPTY; // not to keep a large frame alive past its callback
      if (onRange(b, start, start + length) === false) break;
    }
  }

  private peekLength(): number {
    const first = this.chunks[0]!;
    if (first.length - this.offset >= 4) return first.readInt32BE(this.offset);
    const head = Buffer.allocUnsafe(4);
    let filled = 0;
    for (let i = 0; filled < 4; i++) {
      const c = this.chunks[i]!;
      filled += c.copy(head, filled, i === 0 ? this.offset : 0);
    }
    return head.readInt32BE(0);
  }

  /** The buffer of the frame take() cut out last; read at once by pushRanges. */
  private taken: Buffer = EMPTY;

  /**
   * Cuts out the next n bytes (a whole frame, length prefix included); returns where the frame
   * proper (past the prefix) starts in this.taken.
   */
  private take(n: number): number {
    const first = this.chunks[0]!;
    if (first.length - this.offset >= n) {
      // The frame sits inside one chunk: read in place, no copy and no view.
      const start = this.offset + 4;
      this.taken = first;
      this.offset += n;
      this.buffered -= n;
      if (this.offset === first.length) {
        this.chunks.shift();
        this.offset = 0;
      }
      return start;
    }
    // The frame spans chunks: one buffer of exactly its size, so a body kept from it pins
    // nothing else, and the bytes after it stay views of the chunk they arrived in rather than
    // being copied along with the frame.
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0]!;
      const take = Math.min(c.length - this.offset, n - filled);
      c.copy(out, filled, this.offset, this.offset + take);
      filled += take;
      if (this.offset + take === c.length) {
        this.chunks.shift();
        this.offset = 0;
      } else {
        this.offset += take;
      }
    }
    this.buffered -= n;
    this.taken = out;
    return 4;
  }
}
