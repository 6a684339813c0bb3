// FrameDecoder: every stream decoder is fed whole, one byte at a time and at random split points
// (STYLE.md principle 1; nats.js byByteTest, undici server-fuzz-split-data).
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../common/errors.js';
import { FRAME_MAX_LENGTH_BYTES } from '../common/limits.js';
import { FrameDecoder } from './frame.js';

function golden(name: string): { hex: string } {
  return JSON.parse(readFileSync(new URL(`./golden/${name}`, import.meta.url), 'utf8'));
}

/** A frame as it travels: int32 length of the payload, then the payload. */
function framed(payload: Buffer): Buffer {
  const prefix = Buffer.alloc(4);
  prefix.writeInt32BE(payload.length, 0);
  return Buffer.concat([prefix, payload]);
}

function feed(decoder: FrameDecoder, chunks: readonly Buffer[]): Buffer[] {
  return chunks.flatMap((c) => decoder.push(c));
}

function splitAt(stream: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of [...points, stream.length]) {
    out.push(stream.subarray(prev, p)); // empty chunks are part of the test
    prev = p;
  }
  return out;
}

const GOLDEN_FRAMES = [
  'ali-ons-send-message-v2.json',
  'ali-ons-heart-beat.json',
  'ali-ons-pull-message.json',
  'spec-1.5-rocketmq-binary.json',
  'ali-ons-wire-send-message-v2.json',
].map((n) => Buffer.from(golden(n).hex, 'hex'));
const STREAM = Buffer.concat(GOLDEN_FRAMES);
const EXPECTED = GOLDEN_FRAMES.map((f) => f.subarray(4));

describe('FrameDecoder', () => {
  it('returns each frame without its length prefix when fed the whole stream', () => {
    const frames = new FrameDecoder().push(STREAM);
    expect(frames).toEqual(EXPECTED);
  });

  it('returns the same frames when fed one byte at a time', () => {
    const d = new FrameDecoder();
    const frames: Buffer[] = [];
    for (let i = 0; i < STREAM.length; i++) frames.push(...d.push(STREAM.subarray(i, i + 1)));
    expect(frames).toEqual(EXPECTED);
    expect(d.pendingBytes).toBe(0);
  });

  it('returns the same frames at random split points', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 40 }), (cuts) => {
        const d = new FrameDecoder();
        expect(feed(d, splitAt(STREAM, cuts))).toEqual(EXPECTED);
        expect(d.pendingBytes).toBe(0);
      }),
    );
  });

  it('reassembles arbitrary payloads split anywhere', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 4, maxLength: 300 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (payloads, cuts) => {
          const bufs = payloads.map((p) => Buffer.from(p));
          const stream = Buffer.concat(bufs.map(framed));
          expect(feed(new FrameDecoder(), splitAt(stream, cuts))).toEqual(bufs);
        },
      ),
    );
  });

  it('keeps a partial frame pending until its last byte arrives', () => {
    const d = new FrameDecoder();
    const whole = GOLDEN_FRAMES[0]!;
    expect(d.push(whole.subarray(0, 3))).toEqual([]);
    expect(d.pendingBytes).toBe(3);
    expect(d.push(whole.subarray(3, whole.length - 1))).toEqual([]);
    expect(d.pendingBytes).toBe(whole.length - 1);
    expect(d.push(whole.subarray(whole.length - 1))).toEqual([EXPECTED[0]]);
    expect(d.pendingBytes).toBe(0);
  });

  it('accepts the smallest frame (length 4: a header-length word and nothing else)', () => {
    expect(new FrameDecoder().push(framed(Buffer.alloc(4)))).toEqual([Buffer.alloc(4)]);
  });

  it('accepts a frame of exactly the maximum length', () => {
    const d = new FrameDecoder(64);
    expect(d.push(framed(Buffer.alloc(64, 1)))).toEqual([Buffer.alloc(64, 1)]);
  });

  it('defaults the maximum to com.rocketmq.remoting.frameMaxLength (16 MiB)', () => {
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(FRAME_MAX_LENGTH_BYTES + 1, 0);
    expect(() => new FrameDecoder().push(prefix)).toThrow(ProtocolError);
    prefix.writeInt32BE(FRAME_MAX_LENGTH_BYTES, 0);
    expect(new FrameDecoder().push(prefix)).toEqual([]);
  });

  it.each([
    ['oversize', 65],
    ['negative', -1],
    ['most negative', -0x80000000],
    ['zero', 0],
    ['shorter than the header-length word', 3],
  ])('rejects a %s length prefix before buffering its payload', (_name, length) => {
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(length, 0);
    const d = new FrameDecoder(64);
    expect(() => d.push(prefix)).toThrow(ProtocolError);
  });

  it('rejects a bad length even when its four bytes arrive one at a time', () => {
    const d = new FrameDecoder(64);
    const prefix = Buffer.from([0xff, 0xff, 0xff, 0xfe]);
    d.push(prefix.subarray(0, 1));
    d.push(prefix.subarray(1, 2));
    d.push(prefix.subarray(2, 3));
    expect(() => d.push(prefix.subarray(3))).toThrow(/outside \[4, 64\]/);
  });

  it('throws for the whole chunk when a bad length follows good frames in it', () => {
    // The decoder throws on the chunk as a whole; the connection closes, so earlier frames in that
    // chunk are dropped. This pins the behaviour: the caller must not expect partial results.
    const bad = Buffer.from([0x7f, 0xff, 0xff, 0xff]);
    const d = new FrameDecoder(1024);
    expect(() => d.push(Buffer.concat([GOLDEN_FRAMES[0]!, bad]))).toThrow(ProtocolError);
  });

  it('does not copy a frame that sits inside one chunk', () => {
    const whole = GOLDEN_FRAMES[1]!;
    const [frame] = new FrameDecoder().push(whole);
    expect(frame!.buffer).toBe(whole.buffer);
  });
});

describe('FrameDecoder copies', () => {
  it('returns the same frames for the stream cut in two at every byte boundary', () => {
    for (let i = 0; i <= STREAM.length; i++) {
      const d = new FrameDecoder();
      expect(feed(d, [STREAM.subarray(0, i), STREAM.subarray(i)])).toEqual(EXPECTED);
      expect(d.pendingBytes).toBe(0);
    }
  });

  it('copies a frame spanning chunks once into its own buffer; the next stay views', () => {
    const big = Buffer.alloc(20_000, 7);
    const small = Buffer.from('after');
    const stream = Buffer.concat([framed(big), framed(small), framed(small)]);
    // Three chunks, each in its own allocation as a socket hands them over.
    const cuts = [6_000, 12_000];
    const chunks = splitAt(stream, cuts).map((c) => Buffer.from(c));
    const d = new FrameDecoder();
    const frames = feed(d, chunks);
    expect(frames).toEqual([big, small, small]);
    // Exactly the frame's bytes (its prefix included), not the chunks joined.
    expect(frames[0]!.buffer.byteLength).toBe(4 + big.length);
    const last = chunks[chunks.length - 1]!;
    expect(frames[1]!.buffer).toBe(last.buffer);
    expect(frames[2]!.buffer).toBe(last.buffer);
  });

  it('returns a frame whole inside one chunk as a view of that chunk', () => {
    const chunk = Buffer.concat([framed(Buffer.from('first')), framed(Buffer.from('second'))]);
    const frames = new FrameDecoder().push(chunk);
    expect(frames.map(String)).toEqual(['first', 'second']);
    for (const f of frames) expect(f.buffer).toBe(chunk.buffer);
  });
});

describe('FrameDecoder.pushEach', () => {
  it('stops when the callback says so and hands out the rest on the next push', () => {
    const stream = Buffer.concat([framed(Buffer.from('first')), framed(Buffer.from('second'))]);
    const d = new FrameDecoder();
    const seen: string[] = [];
    d.pushEach(stream, (f) => {
      seen.push(f.toString());
      return false;
    });
    expect(seen).toEqual(['first']);
    expect(d.pendingBytes).toBe(10);
    expect(d.push(Buffer.alloc(0)).map((f) => f.toString())).toEqual(['second']);
    expect(d.pendingBytes).toBe(0);
  });
});
