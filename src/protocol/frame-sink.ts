// Where a frame writer puts a frame when the caller, not the writer, owns the bytes: a
// connection's write slab, many frames one after another in one buffer, so a frame needs no
// Buffer object of its own. reserve(n) gives a buffer with n bytes free from sink.at; the writer
// writes them there and advances sink.at by n.
export interface FrameSink {
  /** Where the next frame starts in the buffer reserve returns. */
  at: number;
  reserve(bytes: number): Buffer;
}

/** A sink whose every frame is a buffer of its own size (encode* functions that return one). */
export class OwnBufferSink implements FrameSink {
  at = 0;
  buffer: Buffer = Buffer.alloc(0);

  reserve(bytes: number): Buffer {
    this.buffer = Buffer.allocUnsafe(bytes);
    this.at = 0;
    return this.buffer;
  }
}

/** Copies a whole frame made elsewhere (a JSON header's) into the sink. */
export function putFrame(sink: FrameSink, frame: Buffer): void {
  const out = sink.reserve(frame.length);
  frame.copy(out, sink.at);
  sink.at += frame.length;
}
