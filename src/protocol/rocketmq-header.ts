// ROCKETMQ binary header (serialize type 1, spec part 1 §1.5), the layout of Java's
// RocketMQSerializable:
//   code int16 | language int8 | version int16 | opaque int32 | flag int32 |
//   remarkLen int32 | remark | extLen int32 | { keyLen int16 | key | valLen int32 | val }*
// The encoder writes the header straight into the frame buffer and the decoder reads fields
// straight out of it: no JSON text, no Buffer per field. Header strings are nearly always short
// ASCII (field names, topics, numbers), so those are copied byte by byte in JS, which is cheaper
// than a call into C++ per string; anything else goes through Buffer's UTF-8 codec.
import { assert } from '../common/assert.js';
import { ProtocolError } from '../common/errors.js';
import type { ExtFields, RemotingCommand } from './remoting-command.js';

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

/** UTF-8 length of s; short ASCII strings are measured without leaving JS. */
function utf8Length(s: string): number {
  const n = s.length;
  if (n > SHORT_STRING) return Buffer.byteLength(s, 'utf8');
  for (let i = 0; i < n; i++) if (s.charCodeAt(i) > 0x7f) return Buffer.byteLength(s, 'utf8');
  return n;
}

/** Writes s (of UTF-8 length `bytes`) at pos; returns the position after it. */
function writeString(buf: Buffer, pos: number, s: string, bytes: number): number {
  if (bytes === s.length && bytes <= SHORT_STRING) {
    for (let i = 0; i < bytes; i++) buf[pos + i] = s.charCodeAt(i);
    return pos + bytes;
  }
  return pos + buf.write(s, pos, bytes, 'utf8');
}

/**
 * The frame's length prefix and binary header, uncopied body beside it (as encodeCommandParts).
 * The caller checks fitsRocketMQHeader first.
 */
export function encodeRocketMQParts(cmd: RemotingCommand): [Buffer, Buffer | undefined] {
  const remark = cmd.remark ?? '';
  const remarkBytes = remark === '' ? 0 : utf8Length(remark);
  const ext = cmd.extFields;
  let extBytes = 0;
  for (const k in ext) {
    if (!Object.hasOwn(ext, k)) continue;
    const v = ext[k];
    if (v === undefined || v === null) continue;
    extBytes += 6 + utf8Length(k) + utf8Length(v);
  }
  const headerLength = ROCKETMQ_HEADER_FIXED_BYTES + remarkBytes + extBytes;
  const bodyLength = cmd.body?.length ?? 0;
  const out = Buffer.allocUnsafe(8 + headerLength);
  out.writeInt32BE(4 + headerLength + bodyLength, 0);
  out.writeInt32BE((1 << 24) | headerLength, 4);
  out.writeInt16BE(cmd.code, 8);
  out[10] = languageByte(cmd.language);
  out.writeInt16BE(cmd.version, 11);
  out.writeInt32BE(cmd.opaque, 13);
  out.writeInt32BE(cmd.flag, 17);
  out.writeInt32BE(remarkBytes, 21);
  let pos = writeString(out, 25, remark, remarkBytes);
  out.writeInt32BE(extBytes, pos);
  pos += 4;
  for (const k in ext) {
    if (!Object.hasOwn(ext, k)) continue;
    const v = ext[k];
    if (v === undefined || v === null) continue;
    // Measured again rather than kept from the first pass: an array of lengths per frame would
    // cost more than re-scanning a short string.
    const kb = utf8Length(k);
    if (kb > 0x7fff) throw new ProtocolError(`extFields key of ${kb} bytes exceeds int16`);
    out.writeInt16BE(kb, pos);
    pos = writeString(out, pos + 2, k, kb);
    const vb = utf8Length(v);
    out.writeInt32BE(vb, pos);
    pos = writeString(out, pos + 4, v, vb);
  }
  assert(pos === 8 + headerLength, 'binary header wrote as many bytes as it measured');
  return [out, bodyLength > 0 ? cmd.body : undefined];
}

/** s from b[start, end): short ASCII runs without a call into C++. */
function readString(b: Buffer, start: number, end: number): string {
  const n = end - start;
  if (n <= 16) {
    let ascii = true;
    for (let i = start; i < end; i++) {
      if (b[i]! > 0x7f) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      if (n === 1) return String.fromCharCode(b[start]!);
      return String.fromCharCode.apply(null, b.subarray(start, end) as unknown as number[]);
    }
  }
  return b.toString('utf8', start, end);
}

/** `out[k] = v`, except that a key named __proto__ becomes a field instead of a prototype. */
function setField(out: ExtFields, k: string, v: string): void {
  if (k === '__proto__') {
    Object.defineProperty(out, k, {
      value: v,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    out[k] = v;
  }
}

function truncated(what: string, pos: number, need: number, end: number): ProtocolError {
  return new ProtocolError(
    `binary header truncated reading ${what}: ${need} bytes at ${pos}, header ends at ${end}`,
  );
}

/**
 * Decodes the binary header in b[start, end) (the frame's header bytes). Every length is checked
 * against the bytes present before anything is read or allocated: a hostile length costs nothing.
 */
export function decodeRocketMQHeader(
  b: Buffer,
  start: number,
  end: number,
): Omit<RemotingCommand, 'body'> {
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
    // 5.x Java reads zero-length keys and values as null, so the entry is absent.
    if (kl > 0 && vl > 0)
      setField(extFields, readString(b, keyStart, keyStart + kl), readString(b, pos, pos + vl));
    pos += vl;
  }
  return { code, language, version, opaque, flag, remark, extFields, serializeType: 1 };
}
