// RemotingCommand codec (spec part 1 §1.2–§1.9). Frame on the wire:
//   int32 L (bytes after itself) | int32 (serializeType << 24 | headerLength) | header | body
// Header is JSON (type 0) or ROCKETMQ binary (type 1, rocketmq-header.ts). A command carries the
// type it came in or goes out with; a server answers in its request's type, which keeps JSON-only
// clients (ali-ons, C++: they read the second int32 as a plain header length) on JSON.
// extFields values go out as strings; on input numbers and booleans (ali-ons) become strings.
import { ProtocolError } from '../common/errors.js';
import { KITEMQ_REMOTING_VERSION } from '../common/limits.js';
import { type ExtFields, setField } from './ext-fields.js';
import { parseHeaderJson } from './json-header.js';
import { scanJsonText } from './json-header-scan.js';
import {
  decodeRocketMQHeader,
  encodeRocketMQHead,
  encodeRocketMQParts,
  fitsRocketMQHeader,
} from './rocketmq-header.js';

export const SerializeType = { JSON: 0, ROCKETMQ: 1 } as const;
export type SerializeTypeValue = (typeof SerializeType)[keyof typeof SerializeType];
/** The names Java's rocketmq.serialize.type takes. */
export type SerializeTypeName = keyof typeof SerializeType;

export const FLAG_RESPONSE = 1;
export const FLAG_ONEWAY = 2;

export type { ExtFields } from './ext-fields.js';

export interface RemotingCommand {
  code: number;
  language: string;
  version: number;
  opaque: number;
  flag: number;
  remark?: string | undefined;
  extFields: ExtFields;
  body?: Buffer | undefined;
  /** The header's encoding; absent means JSON. Responses take their request's. */
  serializeType?: SerializeTypeValue | undefined;
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
  // serializeType present from the start: the connection sets it, and a field added later
  // would change the object's shape (and allocate) on every request.
  return {
    code,
    language: 'JAVA',
    version: KITEMQ_REMOTING_VERSION,
    opaque: 0,
    flag: 0,
    extFields,
    body,
    serializeType: undefined,
  };
}

export function createResponse(
  request: Pick<RemotingCommand, 'opaque' | 'serializeType'>,
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
    serializeType: request.serializeType,
  };
}

/**
 * A response whose extFields are already strings, as the header codecs (protocol/headers/) give
 * them: the send and pull answers, once per message, with no second object.
 */
export function createResponseWithFields(
  request: Pick<RemotingCommand, 'opaque' | 'serializeType'>,
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
    serializeType: request.serializeType,
  };
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

/** Encodes a whole frame, length prefix included, in the command's serialize type. */
export function encodeCommand(cmd: RemotingCommand): Buffer {
  const [head, body] = encodeCommandParts(cmd);
  return body ? Buffer.concat([head, body]) : head;
}

/**
 * The frame as [length prefix + header] and the body, uncopied: a socket writes both in one
 * writev, so a pull response's stored records are not copied once more.
 */
export function encodeCommandParts(cmd: RemotingCommand): [Buffer, Buffer | undefined] {
  // A code or version past int16 (5.x POP codes) cannot travel in binary: that frame goes as
  // JSON, which every peer that sent binary also reads.
  if (cmd.serializeType === SerializeType.ROCKETMQ && fitsRocketMQHeader(cmd)) {
    return encodeRocketMQParts(cmd);
  }
  return encodeJsonParts(cmd);
}

/**
 * The frame's length prefix and header, and its body too when that is at most inlineBodyBytes
 * long: a small frame is one buffer and one socket write, with no array per frame. When the
 * body is longer the caller writes cmd.body after this.
 */
export function encodeCommandHead(cmd: RemotingCommand, inlineBodyBytes = 0): Buffer {
  const withBody = (cmd.body?.length ?? 0) <= inlineBodyBytes;
  if (cmd.serializeType === SerializeType.ROCKETMQ && fitsRocketMQHeader(cmd)) {
    return encodeRocketMQHead(cmd, withBody);
  }
  return encodeJsonHead(cmd, withBody);
}

function encodeJsonParts(cmd: RemotingCommand): [Buffer, Buffer | undefined] {
  const bodyLength = cmd.body?.length ?? 0;
  return [encodeJsonHead(cmd, false), bodyLength > 0 ? cmd.body : undefined];
}

function encodeJsonHead(cmd: RemotingCommand, withBody: boolean): Buffer {
  // The same bytes JSON.stringify gives for the whole header (key order included), ~20 % faster:
  // only the strings go through it. Numbers are integers (the decoder insists on it).
  const remark = cmd.remark === undefined ? '' : `,"remark":${JSON.stringify(cmd.remark)}`;
  const json =
    `{"code":${cmd.code},"extFields":${JSON.stringify(cmd.extFields)},"flag":${cmd.flag},` +
    `"language":${JSON.stringify(cmd.language)},"opaque":${cmd.opaque}${remark},` +
    `"serializeTypeCurrentRPC":"JSON","version":${cmd.version}}`;
  const headerLength = Buffer.byteLength(json, 'utf8');
  const bodyLength = cmd.body?.length ?? 0;
  const head = Buffer.allocUnsafe(8 + headerLength + (withBody ? bodyLength : 0));
  head.writeInt32BE(4 + headerLength + bodyLength, 0);
  head.writeInt32BE(headerLength, 4); // serialize type 0 (JSON) in the high byte
  head.write(json, 8, headerLength, 'utf8');
  if (withBody && bodyLength > 0) cmd.body!.copy(head, 8 + headerLength);
  return head;
}

/**
 * Decodes one frame *without* its 4-byte length prefix (what FrameDecoder yields).
 * Throws ProtocolError on anything malformed; the caller closes the connection.
 */
export function decodeCommand(frame: Buffer, copyBody = true): RemotingCommand {
  return decodeCommandAt(frame, 0, frame.length, copyBody);
}

/**
 * decodeCommand of the frame in b[start, end) (FrameDecoder.pushRanges): no view of the frame
 * is made, and a frame without a body (most responses) makes no body object either.
 */
export function decodeCommandAt(
  b: Buffer,
  start: number,
  end: number,
  copyBody = true,
): RemotingCommand {
  const length = end - start;
  if (length < 4) throw new ProtocolError(`frame of ${length} bytes has no header`);
  const mark = b.readInt32BE(start);
  const type = (mark >>> 24) & 0xff;
  const headerLength = mark & 0xffffff;
  if (headerLength > length - 4) {
    throw new ProtocolError(`header length ${headerLength} exceeds frame payload ${length - 4}`);
  }
  const headerEnd = start + 4 + headerLength;
  let cmd: RemotingCommand;
  if (type === SerializeType.JSON) cmd = decodeJsonHeader(b, start + 4, headerEnd);
  else if (type === SerializeType.ROCKETMQ) cmd = decodeRocketMQHeader(b, start + 4, headerEnd);
  else throw new ProtocolError(`unknown serialize type ${type} in frame header`);
  // Copied out by default so a body kept for long (a client's pulled messages) does not pin the
  // network chunk; a broker stores or parses a request's body at once and skips the copy.
  cmd.body =
    headerEnd === end
      ? undefined
      : copyBody
        ? copyOf(b, headerEnd, end)
        : b.subarray(headerEnd, end);
  return cmd;
}

function copyOf(b: Buffer, start: number, end: number): Buffer {
  const out = Buffer.allocUnsafe(end - start);
  b.copy(out, 0, start, end);
  return out;
}

// KITEMQ_JSON_HEADER_SCAN=0 decodes every JSON header with JSON.parse: the A/B switch of the
// scanner's benchmark (bench/README.md).
const SCAN_JSON_HEADERS = process.env.KITEMQ_JSON_HEADER_SCAN !== '0';

function decodeJsonHeader(b: Buffer, start: number, end: number): Omit<RemotingCommand, 'body'> {
  const text = b.toString('utf8', start, end);
  const scanned = SCAN_JSON_HEADERS ? scanJsonText(text) : undefined;
  return scanned ?? decodeJsonText(text);
}

/** The JSON.parse path: every header the scanner leaves, and the reference it is tested against. */
export function decodeJsonHeaderSlow(bytes: Buffer): Omit<RemotingCommand, 'body'> {
  return decodeJsonText(bytes.toString('utf8'));
}

function decodeJsonText(text: string): Omit<RemotingCommand, 'body'> {
  let raw: unknown;
  try {
    // C++ clients append a newline; JSON.parse tolerates surrounding whitespace.
    // Integers beyond 2^53 come back as their exact text (Java longs sent as JSON numbers).
    raw = parseHeaderJson(text);
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

/** A ROCKETMQ binary header frame whatever cmd.serializeType says: for goldens and tests. */
export function encodeBinaryCommand(cmd: RemotingCommand): Buffer {
  const [head, body] = encodeRocketMQParts(cmd);
  return body ? Buffer.concat([head, body]) : head;
}
