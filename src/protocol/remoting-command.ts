// RemotingCommand codec (spec part 1 §1.2–§1.9). Frame on the wire:
//   int32 L (bytes after itself) | int32 (serializeType << 24 | headerLength) | header | body
// Header is JSON (type 0) or ROCKETMQ binary (type 1). We always answer in JSON: ali-ons and the
// C++ client read the second int32 as a plain header length. extFields values go out as strings;
// on input numbers and booleans (ali-ons) are coerced to strings.
import { ProtocolError } from '../common/errors.js';
import { KITEMQ_REMOTING_VERSION } from '../common/limits.js';
import { parseHeaderJson } from './json-header.js';

export const SerializeType = { JSON: 0, ROCKETMQ: 1 } as const;
export type SerializeTypeValue = (typeof SerializeType)[keyof typeof SerializeType];

export const FLAG_RESPONSE = 1;
export const FLAG_ONEWAY = 2;

export type ExtFields = Record<string, string>;

export interface RemotingCommand {
  code: number;
  language: string;
  version: number;
  opaque: number;
  flag: number;
  remark?: string | undefined;
  extFields: ExtFields;
  body?: Buffer | undefined;
}

export function isResponse(cmd: RemotingCommand): boolean {
  return (cmd.flag & FLAG_RESPONSE) !== 0;
}

export function isOneway(cmd: RemotingCommand): boolean {
  return (cmd.flag & FLAG_ONEWAY) !== 0;
}

export function createRequest(
  code: number,
  opaque: number,
  extFields: Record<string, string | number | boolean | bigint | undefined | null> = {},
  body?: Buffer,
  oneway = false,
): RemotingCommand {
  return {
    code,
    language: 'JAVA',
    version: KITEMQ_REMOTING_VERSION,
    opaque,
    flag: oneway ? FLAG_ONEWAY : 0,
    extFields: stringifyFields(extFields),
    body,
  };
}

/** A request whose extFields are already strings (hot paths build them so: no second object). */
export function createRequestWithFields(
  code: number,
  extFields: ExtFields,
  body?: Buffer,
): RemotingCommand {
  return {
    code,
    language: 'JAVA',
    version: KITEMQ_REMOTING_VERSION,
    opaque: 0,
    flag: 0,
    extFields,
    body,
  };
}

export function createResponse(
  request: Pick<RemotingCommand, 'opaque'>,
  code: number,
  remark?: string,
  extFields: Record<string, string | number | boolean | bigint | undefined | null> = {},
  body?: Buffer,
): RemotingCommand {
  return {
    code,
    language: 'JAVA',
    version: KITEMQ_REMOTING_VERSION,
    opaque: request.opaque,
    flag: FLAG_RESPONSE,
    remark,
    extFields: stringifyFields(extFields),
    body,
  };
}

/**
 * A response whose extFields are already strings, as the header codecs (protocol/headers/) give
 * them: the send and pull answers, once per message, with no second object.
 */
export function createResponseWithFields(
  request: Pick<RemotingCommand, 'opaque'>,
  code: number,
  remark: string | undefined,
  extFields: ExtFields,
  body?: Buffer,
): RemotingCommand {
  return {
    code,
    language: 'JAVA',
    version: KITEMQ_REMOTING_VERSION,
    opaque: request.opaque,
    flag: FLAG_RESPONSE,
    remark,
    extFields,
    body,
  };
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

/** Drops null/undefined values and turns every other scalar into its string form. */
export function stringifyFields(
  fields: Record<string, string | number | boolean | bigint | undefined | null>,
): ExtFields {
  const out: ExtFields = {};
  // for-in, not Object.entries: no [key, value] array per field on every request and response.
  for (const k in fields) {
    if (!Object.hasOwn(fields, k)) continue;
    const v = fields[k];
    if (v === undefined || v === null) continue;
    setField(out, k, typeof v === 'string' ? v : String(v));
  }
  return out;
}

/** Encodes a whole frame, length prefix included, with a JSON header. */
export function encodeCommand(cmd: RemotingCommand): Buffer {
  const [head, body] = encodeCommandParts(cmd);
  return body ? Buffer.concat([head, body]) : head;
}

/**
 * The frame as [length prefix + header] and the body, uncopied: a socket writes both in one
 * writev, so a pull response's stored records are not copied once more.
 */
export function encodeCommandParts(cmd: RemotingCommand): [Buffer, Buffer | undefined] {
  // The same bytes JSON.stringify gives for the whole header (key order included), ~20 % faster:
  // only the strings go through it. Numbers are integers (the decoder insists on it).
  const remark = cmd.remark === undefined ? '' : `,"remark":${JSON.stringify(cmd.remark)}`;
  const json =
    `{"code":${cmd.code},"extFields":${JSON.stringify(cmd.extFields)},"flag":${cmd.flag},` +
    `"language":${JSON.stringify(cmd.language)},"opaque":${cmd.opaque}${remark},` +
    `"serializeTypeCurrentRPC":"JSON","version":${cmd.version}}`;
  const headerLength = Buffer.byteLength(json, 'utf8');
  const bodyLength = cmd.body?.length ?? 0;
  const head = Buffer.allocUnsafe(8 + headerLength);
  head.writeInt32BE(4 + headerLength + bodyLength, 0);
  head.writeInt32BE(headerLength, 4); // serialize type 0 (JSON) in the high byte
  head.write(json, 8, headerLength, 'utf8');
  return [head, bodyLength > 0 ? cmd.body : undefined];
}

/**
 * Decodes one frame *without* its 4-byte length prefix (what FrameDecoder yields).
 * Throws ProtocolError on anything malformed; the caller closes the connection.
 */
export function decodeCommand(frame: Buffer, copyBody = true): RemotingCommand {
  if (frame.length < 4) throw new ProtocolError(`frame of ${frame.length} bytes has no header`);
  const mark = frame.readInt32BE(0);
  const type = (mark >>> 24) & 0xff;
  const headerLength = mark & 0xffffff;
  if (headerLength > frame.length - 4) {
    throw new ProtocolError(
      `header length ${headerLength} exceeds frame payload ${frame.length - 4}`,
    );
  }
  const headerBytes = frame.subarray(4, 4 + headerLength);
  const bodyBytes = frame.subarray(4 + headerLength);
  // Copied out by default so a body kept for long (a client's pulled messages) does not pin the
  // network chunk; a broker stores or parses a request's body at once and skips the copy.
  const body = bodyBytes.length === 0 ? undefined : copyBody ? Buffer.from(bodyBytes) : bodyBytes;
  let cmd: RemotingCommand;
  if (type === SerializeType.JSON) cmd = decodeJsonHeader(headerBytes);
  else if (type === SerializeType.ROCKETMQ) cmd = decodeBinaryHeader(headerBytes);
  else throw new ProtocolError(`unknown serialize type ${type} in frame header`);
  cmd.body = body;
  return cmd;
}

function decodeJsonHeader(bytes: Buffer): Omit<RemotingCommand, 'body'> {
  let raw: unknown;
  try {
    // C++ clients append a newline; JSON.parse tolerates surrounding whitespace.
    // Integers beyond 2^53 come back as their exact text (Java longs sent as JSON numbers).
    raw = parseHeaderJson(bytes.toString('utf8'));
  } catch (err) {
    throw new ProtocolError(`JSON header does not parse: ${(err as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ProtocolError('JSON header is not an object');
  }
  const h = raw as Record<string, unknown>;
  const code = toInt(h.code, 'code');
  return {
    code,
    language: typeof h.language === 'string' ? h.language : 'OTHER',
    version: h.version === undefined ? 0 : toInt(h.version, 'version'),
    opaque: h.opaque === undefined ? 0 : toInt(h.opaque, 'opaque'),
    flag: h.flag === undefined ? 0 : toInt(h.flag, 'flag'),
    remark: typeof h.remark === 'string' && h.remark !== '' ? h.remark : undefined,
    extFields: coerceExtFields(h.extFields),
  };
}

function toInt(v: unknown, name: string): number {
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    throw new ProtocolError(`header field '${name}' is not an integer: ${JSON.stringify(v)}`);
  }
  return n;
}

function coerceExtFields(v: unknown): ExtFields {
  const out: ExtFields = {};
  if (v === undefined || v === null) return out;
  if (typeof v !== 'object' || Array.isArray(v)) {
    throw new ProtocolError('header field extFields is not an object');
  }
  // Most clients send only strings: then JSON.parse's own object is the answer, as it is.
  let allStrings = true;
  for (const k in v) {
    if (typeof (v as Record<string, unknown>)[k] !== 'string') {
      allStrings = false;
      break;
    }
  }
  if (allStrings && Object.getPrototypeOf(v) === Object.prototype) return v as ExtFields;
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (val === null || val === undefined) continue;
    if (typeof val === 'string') setField(out, k, val);
    else if (typeof val === 'number' || typeof val === 'boolean') setField(out, k, String(val));
    else setField(out, k, JSON.stringify(val));
  }
  return out;
}

const LANGUAGES = [
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
];

function decodeBinaryHeader(b: Buffer): Omit<RemotingCommand, 'body'> {
  const need = (pos: number, n: number, what: string) => {
    if (n < 0) throw new ProtocolError(`binary header has a negative length for ${what}`);
    if (pos + n > b.length) throw new ProtocolError(`binary header truncated reading ${what}`);
  };
  need(0, 21, 'fixed fields');
  const code = b.readInt16BE(0);
  const language = LANGUAGES[b.readInt8(2)] ?? 'OTHER';
  const version = b.readInt16BE(3);
  const opaque = b.readInt32BE(5);
  const flag = b.readInt32BE(9);
  const remarkLength = b.readInt32BE(13);
  let pos = 17;
  need(pos, remarkLength, 'remark');
  const remark = remarkLength > 0 ? b.toString('utf8', pos, pos + remarkLength) : undefined;
  pos += remarkLength;
  need(pos, 4, 'extFields length');
  const extLength = b.readInt32BE(pos);
  pos += 4;
  need(pos, extLength, 'extFields');
  const end = pos + extLength;
  const extFields: ExtFields = {};
  while (pos < end) {
    need(pos, 2, 'extFields key length');
    const kl = b.readInt16BE(pos);
    pos += 2;
    need(pos, kl, 'extFields key');
    need(pos, kl + 4, 'extFields key');
    const key = b.toString('utf8', pos, pos + kl);
    pos += kl;
    const vl = b.readInt32BE(pos);
    pos += 4;
    need(pos, vl, 'extFields value');
    // Java decodes zero-length keys and values as null: the entry is absent. setField, since a
    // key named __proto__ was dropped by a plain assignment (the JSON header keeps it).
    if (kl > 0 && vl > 0) setField(extFields, key, b.toString('utf8', pos, pos + vl));
    pos += vl;
  }
  if (pos !== end) throw new ProtocolError('binary header extFields overrun');
  return { code, language, version, opaque, flag, remark, extFields };
}

/** Encodes a ROCKETMQ binary header frame; used by tests and by the Java-compat golden vectors. */
export function encodeBinaryCommand(cmd: RemotingCommand): Buffer {
  const remark = cmd.remark ? Buffer.from(cmd.remark, 'utf8') : Buffer.alloc(0);
  const entries: Buffer[] = [];
  for (const [k, v] of Object.entries(cmd.extFields)) {
    const kb = Buffer.from(k, 'utf8');
    const vb = Buffer.from(v, 'utf8');
    const e = Buffer.allocUnsafe(6 + kb.length + vb.length);
    e.writeInt16BE(kb.length, 0);
    kb.copy(e, 2);
    e.writeInt32BE(vb.length, 2 + kb.length);
    vb.copy(e, 6 + kb.length);
    entries.push(e);
  }
  const ext = Buffer.concat(entries);
  const header = Buffer.allocUnsafe(21 + remark.length + ext.length);
  header.writeInt16BE(cmd.code, 0);
  header.writeInt8(Math.max(0, LANGUAGES.indexOf(cmd.language)), 2);
  header.writeInt16BE(cmd.version, 3);
  header.writeInt32BE(cmd.opaque, 5);
  header.writeInt32BE(cmd.flag, 9);
  header.writeInt32BE(remark.length, 13);
  remark.copy(header, 17);
  header.writeInt32BE(ext.length, 17 + remark.length);
  ext.copy(header, 21 + remark.length);
  const body = cmd.body ?? Buffer.alloc(0);
  const out = Buffer.allocUnsafe(8 + header.length + body.length);
  out.writeInt32BE(4 + header.length + body.length, 0);
  out.writeInt32BE((SerializeType.ROCKETMQ << 24) | header.length, 4);
  header.copy(out, 8);
  body.copy(out, 8 + header.length);
  return out;
}
