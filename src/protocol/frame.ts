// Splits a TCP byte stream into RemotingCommand frames. push(chunk) returns every frame completed
// by that chunk, each *without* its 4-byte length prefix; pushEach(chunk, onFrame) hands them to
// a callback instead, with no array per chunk. Chunks are kept in a list and joined only once a
// frame is complete, so a large frame arriving in many chunks costs one copy. The first chunk is
// read from an offset rather than re-sliced after each frame: one Buffer view per frame.
import { ProtocolError } from '../common/errors.js';
import { FRAME_MAX_LENGTH_BYTES } from '../common/limits.js';

/** Takes one frame; returning false stops the decoder (what is left stays buffered). */
export type OnFrame = (frame: Buffer) => boolean | undefined;

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
      if (onFrame(this.take(4 + length)) === false) break;
    }
  }

  private peekLength(): number {
    const first = this.chunks[0]!;
    if (first.length - this.offset >= 4) return first.readInt32BE(this.offset);
    this.join();
    return this.chunks[0]!.readInt32BE(0);
  }

  /** The next n bytes (a whole frame) without the length prefix. */
  private take(n: number): Buffer {
    let first = this.chunks[0]!;
    if (first.length - this.offset < n) {
      this.join();
      first = this.chunks[0]!;
    }
    // The frame sits inside one chunk: a view, no copy.
    const out = first.subarray(this.offset + 4, this.offset + n);
    this.offset += n;
    this.buffered -= n;
    if (this.offset === first.length) {
      this.chunks.shift();
      this.offset = 0;
    }
    return out;
  }

  /** Everything buffered as one chunk. */
  private join(): void {
    const first = this.chunks[0]!;
    if (this.offset > 0) this.chunks[0] = first.subarray(this.offset);
    this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    this.offset = 0;
  }
}
