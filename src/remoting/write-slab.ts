// A client connection's outgoing frames, written one after another into one buffer and handed
// to the socket as one view per event-loop pass (or when the buffer is full): a frame then costs
// no Buffer object, no pool slice and no buffered-write entry of its own, which were ~200 B of
// garbage per send. Bytes handed to the socket are never written again: the next frames go past
// them, and a full buffer is replaced, not reused, as the socket may still hold views of it.
import type { FrameSink } from '../protocol/frame-sink.js';

/** Big enough for ~50 one-KiB sends per buffer; a larger frame gets a buffer of its own size. */
export const WRITE_SLAB_BYTES = 64 * 1024;
const EMPTY = Buffer.alloc(0);

export class WriteSlab implements FrameSink {
  at = 0;
  private slab: Buffer = EMPTY;
  /** Bytes of slab before this offset are the socket's. */
  private flushed = 0;
  private readonly write: (bytes: Buffer) => void;

  constructor(write: (bytes: Buffer) => void) {
    this.write = write;
  }

  reserve(bytes: number): Buffer {
    if (this.slab.length - this.at < bytes) {
      this.flush();
      this.slab = Buffer.allocUnsafe(Math.max(WRITE_SLAB_BYTES, bytes));
      this.at = this.flushed = 0;
    }
    return this.slab;
  }

  /** Hands what was written since the last flush to the socket, as one view. */
  flush(): void {
    if (this.at === this.flushed) return;
    this.write(this.slab.subarray(this.flushed, this.at));
    this.flushed = this.at;
  }
}
