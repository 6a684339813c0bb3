// ROCKETMQ binary header (serialize type 1, spec part 1 §1.5), the layout of Java's
// RocketMQSerializable:
//   code int16 | language int8 | version int16 | opaque int32 | flag int32 |
//   remarkLen int32 | remark | extLen int32 | { keyLen int16 | key | valLen int32 | val }*
// The encoder writes the header in one pass into a reused scratch buffer and copies it out at
// its exact size: measuring every string first to size the frame cost more than that memcpy. The
// decoder reads fields straight out of the frame. Neither makes JSON text or a Buffer per field.
// Header strings are nearly always short ASCII (field names, topics, numbers), so those are
// copied byte by byte in JS, cheaper than a call into C++ per string; the rest go through
// Buffer's UTF-8 codec.
import { ProtocolError } from '../common/errors.js';
import { type ExtFields, setField } from './ext-fields.js';
import type { FrameSink } from './frame-sink.js';
import type { RemotingCommand } from './remoting-command.js';

/** LanguageCode by its byte (5.x LanguageCode.java); a byte past the end decodes as OTHER. */
export const LANGUAGES = [
  'JAVA',
  'CPP',
  'DOTNET',
  'PYTHON',
  'DELPHI',
  'ERLANG',
  'RUBY',
  'OTHER',
  'HTTP',
  'GO',
  'PHP',
  'OMS',
  'RUST',
  'NODE_JS',
] as const;

const LANGUAGE_OTHER = 7;
/** code, language, version, opaque, flag, remark length, extFields length. */
export const ROCKETMQ_HEADER_FIXED_BYTES = 21;
/** Strings up to this many UTF-16 units are tried as ASCII in JS before Buffer's codec. */
const SHORT_STRING = 64;

function languageByte(language: string): number {
  const i = LANGUAGES.indexOf(language as (typeof LANGUAGES)[number]);
  return i < 0 ? LANGUAGE_OTHER : i;
}

function fitsInt16(n: number): boolean {
  return n >= -0x8000 && n <= 0x7fff;
}

/** Whether cmd can travel with a binary header: code and version are int16 there (§1.5). */
export function fitsRocketMQHeader(cmd: RemotingCommand): boolean {
  return fitsInt16(cmd.code) && fitsInt16(cmd.version);
}

/** Where headers are written before being copied out at their exact size; grows, then shrinks. */
const SCRATCH_BYTES = 64 * 1024;
let scratch = Buffer.allocUnsafe(SCRATCH_BYTES);

/** Makes room for `more` bytes past pos in scratch, keeping what is written before pos. */
function reserve(pos: number, more: number): void {
  if (pos + more <= scratch.length) return;
  const bigger = Buffer.allocUnsafe(Math.max(scratch.length * 2, pos + more));
  scratch.copy(bigger, 0, 0, pos);
  scratch = bigger;
}

/**
 * Writes s at pos in scratch (room for 3 bytes per UTF-16 unit reserved); returns its UTF-8
 * length. Short ASCII is copied in JS; the rest, or a string found not to be ASCII, by Buffer.
 */
function put(pos: number, s: string): number {
  const n = s.length;
  if (n <= SHORT_STRING) {
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) break;
      scratch[pos + i] = c;
    }
    if (i === n) return n;
  }
  return scratch.write(s, pos, 'utf8');
}

/**
 * The frame's length prefix and binary header, uncopied body beside it (as encodeCommandParts).
 * The caller checks fitsRocketMQHeader first.
 */
export function encodeRocketMQParts(cmd: RemotingCommand): [Buffer, Buffer | undefined] {
  const bodyLength = cmd.body?.length ?? 0;
  return [encodeRocketMQHead(cmd, false), bodyLength > 0 ? cmd.body : undefined];
}

/** Headers up to this many bytes are copied out of scratch in JS (no view object per copy). */
const COPY_IN_JS_BYTES = 512;

/**
 * The length prefix and binary header, followed by the body when `withBody`: then the whole
 * frame is one buffer (one socket write). The caller checks fitsRocketMQHeader first.
 */
export function encodeRocketMQHead(cmd: RemotingCommand, withBody: boolean): Buffer {
  return frameOfScratch(writeHeader(cmd), cmd.body, withBody);
}

/** The frame of the header written in scratch[0, pos): length prefix, type mark, header, body. */
function frameOfScratch(pos: number, body: Buffer | undefined, withBody: boolean): Buffer {
  const bodyLength = body?.length ?? 0;
  const out = Buffer.allocUnsafe(8 + pos + (withBody ? bodyLength : 0));
  copyFrameOfScratch(pos, body, withBody, out, 0);
  return out;
}

function copyFrameOfScratch(
  pos: number,
  body: Buffer | undefined,
  withBody: boolean,
  out: Buffer,
  at: number,
): void {
  const bodyLength = body?.length ?? 0;
  out.writeInt32BE(4 + pos + bodyLength, at);
  out.writeInt32BE((1 << 24) | pos, at + 4);
  const b = scratch;
  const h = at + 8;
  if (pos <= COPY_IN_JS_BYTES) {
    for (let i = 0; i < pos; i++) out[h + i] = b[i]!;
  } else {
    b.copy(out, h, 0, pos);
  }
  if (withBody && bodyLength > 0) body!.copy(out, h + pos);
  // One huge header must not keep its scratch alive for the life of the process.
  if (scratch.length > SCRATCH_BYTES) scratch = Buffer.allocUnsafe(SCRATCH_BYTES);
}

// A header written field by field, for a request whose fields are not an extFields object (the
// producer's send, send-request-frame.ts): beginHeader, then put*Field for each extFields entry
// in order, then endHeader. The bytes are those writeHeader gives for the same fields.

/** The fixed fields of a header without a remark; returns where the first extFields entry goes. */
export function beginHeader(
  code: number,
  language: string,
  version: number,
  opaque: number,
  flag: number,
): number {
  reserve(0, ROCKETMQ_HEADER_FIXED_BYTES);
  const b = scratch;
  b.writeInt16BE(code, 0);
  b[2] = languageByte(language);
  b.writeInt16BE(version, 3);
  b.writeInt32BE(opaque, 5);
  b.writeInt32BE(flag, 9);
  b.writeInt32BE(0, 13); // remark length: no remark
  return ROCKETMQ_HEADER_FIXED_BYTES;
}

/** Writes the key and its length prefix at pos; returns where the value's length goes. */
function putKey(pos: number, key: string, valueRoom: number): number {
  reserve(pos, 6 + 3 * key.length + valueRoom);
  const kb = put(pos + 2, key);
  if (kb > 0x7fff) throw new ProtocolError(`extFields key of ${kb} bytes exceeds int16`);
  scratch.writeInt16BE(kb, pos);
  return pos + 2 + kb;
}

/** An entry whose value is a + b + c, written without joining them; returns the next pos. */
export function putStringField(pos: number, key: string, a: string, b = '', c = ''): number {
  const at = putKey(pos, key, 3 * (a.length + b.length + c.length));
  let end = at + 4;
  end += put(end, a);
  if (b !== '') end += put(end, b);
  if (c !== '') end += put(end, c);
  scratch.writeInt32BE(end - at - 4, at);
  return end;
}

/** An entry whose value is String(n), written from the number's digits. */
export function putIntegerField(pos: number, key: string, n: number): number {
  if (!Number.isSafeInteger(n)) return putStringField(pos, key, String(n));
  const at = putKey(pos, key, 17);
  let end = at + 4;
  const b = scratch;
  let v = n;
  if (v < 0) {
    b[end++] = 0x2d; // '-'
    v = -v;
  }
  let digits = 1;
  for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
  for (let i = end + digits - 1; i >= end; i--) {
    b[i] = 0x30 + (v % 10);
    v = Math.floor(v / 10);
  }
  end += digits;
  scratch.writeInt32BE(end - at - 4, at);
  return end;
}

/**
 * Closes the extFields begun by beginHeader at pos and puts the frame (as encodeRocketMQHead
 * makes it) into the sink.
 */
export function endHeader(
  pos: number,
  body: Buffer | undefined,
  withBody: boolean,
  sink: FrameSink,
): void {
  scratch.writeInt32BE(pos - ROCKETMQ_HEADER_FIXED_BYTES, ROCKETMQ_HEADER_FIXED_BYTES - 4);
  const n = 8 + pos + (withBody ? (body?.length ?? 0) : 0);
  const out = sink.reserve(n);
  copyFrameOfScratch(pos, body, withBody, out, sink.at);
  sink.at += n;
}

/** Writes cmd's header into scratch from 0; returns its length. */
function writeHeader(cmd: RemotingCommand): number {
  const remark = cmd.remark ?? '';
  reserve(0, ROCKETMQ_HEADER_FIXED_BYTES + 3 * remark.length);
  const b = scratch;
  b.writeInt16BE(cmd.code, 0);
  b[2] = languageByte(cmd.language);
  b.writeInt16BE(cmd.version, 3);
  b.writeInt32BE(cmd.opaque, 5);
  b.writeInt32BE(cmd.flag, 9);
  const remarkBytes = remark === '' ? 0 : put(17, remark);
  b.writeInt32BE(remarkBytes, 13);
  const extAt = 17 + remarkBytes;
  let pos = extAt + 4;
  const ext = cmd.extFields;
  for (const k in ext) {
    if (!Object.hasOwn(ext, k)) continue;
    const v = ext[k];
    if (v === undefined || v === null) continue;
    reserve(pos, 6 + 3 * (k.length + v.length));
    const kb = put(pos + 2, k);
    if (kb > 0x7fff) throw new ProtocolError(`extFields key of ${kb} bytes exceeds int16`);
    scratch.writeInt16BE(kb, pos);
    pos += 2 + kb;
    const vb = put(pos + 4, v);
    scratch.writeInt32BE(vb, pos);
    pos += 4 + vb;
  }
  scratch.writeInt32BE(pos - extAt - 4, extAt);
  return pos;
}

/**
 * Recently decoded short ASCII strings, by a hash of their bytes. Field names and most values
 * ('0', 'false', topic and group names) repeat on every request, and handing back the same
 * string skips both the call into C++ that makes one and, for a key, its internalization when
 * it becomes a property name. Bounded: a new string only replaces the one in its slot.
 */
const CACHE_SLOTS = 512;
const CACHEABLE_BYTES = 24;
const cache: (string | undefined)[] = new Array(CACHE_SLOTS).fill(undefined);

/** s from b[start, end): a cached or single-byte string when it can be, else Buffer's UTF-8. */
function readString(b: Buffer, start: number, end: number): string {
  const n = end - start;
  if (n === 1 && b[start]! < 0x80) return String.fromCharCode(b[start]!);
  if (n > CACHEABLE_BYTES) return b.toString('utf8', start, end);
  let h = n;
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (c > 0x7f) return b.toString('utf8', start, end);
    h = (Math.imul(h, 31) + c) | 0;
  }
  const slot = h & (CACHE_SLOTS - 1);
  const hit = cache[slot];
  if (hit !== undefined && hit.length === n) {
    let same = true;
    for (let i = 0; i < n; i++) {
      if (hit.charCodeAt(i) !== b[start + i]) {
        same = false;
        break;
      }
    }
    if (same) return hit;
  }
  const s = b.toString('latin1', start, end);
  cache[slot] = s;
  return s;
}

/**
 * The opaque of the frame in b[start, end) (no length prefix) when it is a response with a
 * binary header, else undefined (a JSON header, a request, or too short to tell): a connection
 * finds the waiter of such a frame before decoding it, and the waiter may read it in place.
 */
export function rocketMQResponseOpaque(b: Buffer, start: number, end: number): number | undefined {
  if (end - start < 4 + ROCKETMQ_HEADER_FIXED_BYTES || b[start] !== 1) return undefined;
  if ((b.readInt32BE(start + 4 + 9) & 1) === 0) return undefined; // FLAG_RESPONSE
  return b.readInt32BE(start + 4 + 5);
}

export function truncated(what: string, pos: number, need: number, end: number): ProtocolError {
  return new ProtocolError(
    `binary header truncated reading ${what}: ${need} bytes at ${pos}, header ends at ${end}`,
  );
}

/**
 * Decodes the binary header in b[start, end) (the frame's header bytes). Every length is checked
 * against the bytes present before anything is read or allocated: a hostile length costs nothing.
 */
export function decodeRocketMQHeader(b: Buffer, start: number, end: number): RemotingCommand {
  if (end - start < ROCKETMQ_HEADER_FIXED_BYTES) {
    throw truncated('fixed fields', start, ROCKETMQ_HEADER_FIXED_BYTES, end);
  }
  const code = b.readInt16BE(start);
  const language = LANGUAGES[b.readInt8(start + 2)] ?? 'OTHER';
  const version = b.readInt16BE(start + 3);
  const opaque = b.readInt32BE(start + 5);
  const flag = b.readInt32BE(start + 9);
  const remarkLength = b.readInt32BE(start + 13);
  let pos = start + 17;
  if (remarkLength < 0) throw new ProtocolError(`binary header remark length ${remarkLength}`);
  // The 4 bytes of the extFields length must follow the remark.
  if (remarkLength > end - pos - 4) throw truncated('remark', pos, remarkLength + 4, end);
  const remark = remarkLength > 0 ? b.toString('utf8', pos, pos + remarkLength) : undefined;
  pos += remarkLength;
  const extLength = b.readInt32BE(pos);
  pos += 4;
  if (extLength < 0) throw new ProtocolError(`binary header extFields length ${extLength}`);
  if (extLength > end - pos) throw truncated('extFields', pos, extLength, end);
  const extEnd = pos + extLength;
  const extFields: ExtFields = {};
  walkExtFields(b, pos, extEnd, extFields, addField);
  // body present from the start: decodeCommand sets it, and a field added later would change
  // the object's shape (and allocate a property array) on every frame.
  return {
    code,
    language,
    version,
    opaque,
    flag,
    remark,
    extFields,
    body: undefined,
    serializeType: 1,
  };
}

/**
 * Walks a binary header's extFields between `pos` and `extEnd`, checking every length, and hands
 * each entry's key and value ranges to `visit` with `ctx` (a module function and a context, so a
 * walk allocates nothing). decodeRocketMQHeader and the producer's in-place send-answer read
 * share it, so both refuse the same malformed headers.
 */
export function walkExtFields<C>(
  b: Buffer,
  pos: number,
  extEnd: number,
  ctx: C,
  visit: (
    ctx: C,
    b: Buffer,
    key: number,
    keyLength: number,
    value: number,
    valueLength: number,
  ) => void,
): void {
  while (pos < extEnd) {
    if (extEnd - pos < 2) throw truncated('extFields key length', pos, 2, extEnd);
    const kl = b.readInt16BE(pos);
    pos += 2;
    if (kl < 0) throw new ProtocolError(`binary header extFields key length ${kl}`);
    if (kl > extEnd - pos - 4) throw truncated('extFields key', pos, kl + 4, extEnd);
    const keyStart = pos;
    pos += kl;
    const vl = b.readInt32BE(pos);
    pos += 4;
    if (vl < 0) throw new ProtocolError(`binary header extFields value length ${vl}`);
    if (vl > extEnd - pos) throw truncated('extFields value', pos, vl, extEnd);
    visit(ctx, b, keyStart, kl, pos, vl);
    pos += vl;
  }
}

/** 5.x Java reads zero-length keys and values as null, so such an entry is absent. */
function addField(ext: ExtFields, b: Buffer, k: number, kl: number, v: number, vl: number): void {
  if (kl > 0 && vl > 0) setField(ext, readString(b, k, k + kl), readString(b, v, v + vl));
}
