// Whether a client copies a response body out of the bytes it arrived in. A client keeps bodies
// for long (pulled messages live until consumed, and each message body is a view of its pull's
// body), so a view may pin at most twice its own bytes. Socket reads hand over chunks of their
// own allocation of at most 64 KiB, and the frame decoder gives a frame that spanned chunks a
// buffer of its own size, so a pull's body (tens of KiB) mostly stays a view, saving a copy per
// pull; a small frame among many in one chunk is copied, cheaply.

/** A view may keep alive at most this many times its own bytes. */
const MAX_PIN_RATIO = 2;

/** True when `frame` is a small part of a larger allocation, so its body must be copied out. */
export function bodyWouldPin(frame: Buffer): boolean {
  return frame.buffer.byteLength > MAX_PIN_RATIO * frame.length;
}

/** bodyWouldPin of the frame in buf[start, end), as FrameDecoder.pushRanges hands it over. */
export function rangeWouldPin(buf: Buffer, start: number, end: number): boolean {
  return buf.buffer.byteLength > MAX_PIN_RATIO * (end - start);
}
