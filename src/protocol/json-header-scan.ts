// A RemotingCommand JSON header read straight from its bytes, for the shapes clients send: the
// top-level fields RemotingCommand has, and extFields values that are strings, integers or
// booleans (ali-ons sends the last two). Strings are decoded once from the bytes (latin1 when they
// are ASCII), with no intermediate text of the whole header and no JSON.parse object to coerce.
// Anything else (other keys, nested values, nulls, fractions, a leading zero, malformed input)
// answers undefined and the caller takes the JSON.parse path, so the result, and every error, is
// the one that path gives.
import { type ExtFields, setField } from './ext-fields.js';

export interface ScannedHeader {
  code: number;
  language: string;
  version: number;
  opaque: number;
  flag: number;
  remark: string | undefined;
  extFields: ExtFields;
}

// Integers up to 15 digits are exact doubles whose String() is their text; 16 and more are kept
// as text by parseHeaderJson (json-header.ts), which is also what this scanner answers.
const MAX_EXACT_DIGITS = 15;
const FAIL = Symbol('unscannable');
type Fail = typeof FAIL;

let buf: Buffer = Buffer.alloc(0);
let pos = 0;
let end = 0;

export function scanJsonHeader(bytes: Buffer): ScannedHeader | undefined {
  buf = bytes;
  pos = 0;
  end = bytes.length;
  try {
    return scanHeader();
  } finally {
    buf = EMPTY;
  }
}

const EMPTY = Buffer.alloc(0);

function scanHeader(): ScannedHeader | undefined {
  let code: number | undefined;
  let language: string | undefined;
  let version = 0;
  let opaque = 0;
  let flag = 0;
  let remark: string | undefined;
  let extFields: ExtFields = {};
  skipWs();
  if (buf[pos] !== 0x7b /* { */) return undefined;
  pos++;
  skipWs();
  if (buf[pos] === 0x7d /* } */) return undefined; // no code: the JSON.parse path says so
  for (;;) {
    skipWs();
    if (buf[pos] !== 0x22) return undefined;
    const key = readString();
    if (key === FAIL || !colon()) return undefined;
    switch (key) {
      case 'code':
      case 'version':
      case 'opaque':
      case 'flag': {
        const n = readInt();
        if (n === FAIL) return undefined;
        if (key === 'code') code = n;
        else if (key === 'version') version = n;
        else if (key === 'opaque') opaque = n;
        else flag = n;
        break;
      }
      case 'language':
      case 'serializeTypeCurrentRPC': {
        if (buf[pos] !== 0x22) return undefined;
        const s = readString();
        if (s === FAIL) return undefined;
        if (key === 'language') language = s;
        break;
      }
      case 'remark': {
        if (buf[pos] === 0x22) {
          const s = readString();
          if (s === FAIL) return undefined;
          remark = s === '' ? undefined : s;
        } else if (literal('null')) remark = undefined;
        else return undefined;
        break;
      }
      case 'extFields': {
        const f = readExtFields();
        if (f === FAIL) return undefined;
        extFields = f;
        break;
      }
      default:
        return undefined;
    }
    skipWs();
    const c = buf[pos++];
    if (c === 0x7d) break;
    if (c !== 0x2c /* , */) return undefined;
  }
  skipWs();
  if (pos !== end || code === undefined) return undefined;
  return { code, language: language ?? 'OTHER', version, opaque, flag, remark, extFields };
}

function readExtFields(): ExtFields | Fail {
  const out: ExtFields = {};
  if (literal('null')) return out;
  if (buf[pos] !== 0x7b) return FAIL;
  pos++;
  skipWs();
  if (buf[pos] === 0x7d) {
    pos++;
    return out;
  }
  for (;;) {
    skipWs();
    if (buf[pos] !== 0x22) return FAIL;
    const k = readString();
    if (k === FAIL || !colon()) return FAIL;
    const c = buf[pos];
    let v: string | Fail;
    if (c === 0x22) v = readString();
    else if (c === 0x74 /* t */) v = literal('true') ? 'true' : FAIL;
    else if (c === 0x66 /* f */) v = literal('false') ? 'false' : FAIL;
    else v = readIntText();
    if (v === FAIL) return FAIL;
    setField(out, k, v);
    skipWs();
    const d = buf[pos++];
    if (d === 0x7d) return out;
    if (d !== 0x2c) return FAIL;
  }
}

function colon(): boolean {
  skipWs();
  if (buf[pos] !== 0x3a /* : */) return false;
  pos++;
  skipWs();
  return true;
}

function skipWs(): void {
  while (pos < end) {
    const c = buf[pos]!;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
    pos++;
  }
}

function literal(word: string): boolean {
  if (pos + word.length > end) return false;
  for (let i = 0; i < word.length; i++) {
    if (buf[pos + i] !== word.charCodeAt(i)) return false;
  }
  pos += word.length;
  return true;
}

/** A top-level integer field, as the JSON.parse path would take it. */
function readInt(): number | Fail {
  const from = pos;
  const t = readIntText();
  // Longer literals reach toInt as text there; -0 stays -0. Both are left to that path.
  if (t === FAIL || pos - from > MAX_EXACT_DIGITS || t === '-0') return FAIL;
  return Number(t);
}

/** An integer literal's text; FAIL for fractions, exponents, leading zeros and -0. */
function readIntText(): string | Fail {
  const from = pos;
  if (buf[pos] === 0x2d /* - */) pos++;
  const digitsFrom = pos;
  while (pos < end && buf[pos]! >= 0x30 && buf[pos]! <= 0x39) pos++;
  const digits = pos - digitsFrom;
  if (digits === 0) return FAIL;
  if (buf[digitsFrom] === 0x30 && digits > 1) return FAIL;
  const next = buf[pos];
  if (next === 0x2e || next === 0x65 || next === 0x45) return FAIL;
  const text = buf.toString('latin1', from, pos);
  if (text === '-0') return FAIL;
  return text;
}

/** The string whose opening quote is at pos; pos ends past its closing quote. */
function readString(): string | Fail {
  const from = pos + 1;
  let i = from;
  let ascii = true;
  for (;;) {
    if (i >= end) return FAIL;
    const c = buf[i]!;
    if (c === 0x22) break;
    if (c === 0x5c /* \ */) return readEscapedString(from);
    if (c < 0x20) return FAIL;
    if (c >= 0x80) ascii = false;
    i++;
  }
  pos = i + 1;
  return ascii ? buf.toString('latin1', from, i) : buf.toString('utf8', from, i);
}

// Runs between escapes are decoded as UTF-8 on their own: their ends are ASCII bytes (a quote
// or a backslash), which never sit inside a multi-byte sequence, so each run decodes as it
// would inside the whole header's text.
function readEscapedString(from: number): string | Fail {
  let out = '';
  let run = from;
  let i = from;
  for (;;) {
    if (i >= end) return FAIL;
    const c = buf[i]!;
    if (c === 0x22) break;
    if (c < 0x20) return FAIL;
    if (c !== 0x5c) {
      i++;
      continue;
    }
    if (i > run) out += buf.toString('utf8', run, i);
    const e = buf[i + 1];
    i += 2;
    switch (e) {
      case 0x22:
        out += '"';
        break;
      case 0x5c:
        out += '\\';
        break;
      case 0x2f:
        out += '/';
        break;
      case 0x62:
        out += '\b';
        break;
      case 0x66:
        out += '\f';
        break;
      case 0x6e:
        out += '\n';
        break;
      case 0x72:
        out += '\r';
        break;
      case 0x74:
        out += '\t';
        break;
      case 0x75: {
        const u = hex4(i);
        if (u < 0) return FAIL;
        out += String.fromCharCode(u);
        i += 4;
        break;
      }
      default:
        return FAIL;
    }
    run = i;
  }
  if (i > run) out += buf.toString('utf8', run, i);
  pos = i + 1;
  return out;
}

function hex4(at: number): number {
  if (at + 4 > end) return -1;
  let v = 0;
  for (let k = 0; k < 4; k++) {
    const c = buf[at + k]!;
    let d: number;
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (c >= 0x41 && c <= 0x46) d = c - 0x37;
    else if (c >= 0x61 && c <= 0x66) d = c - 0x57;
    else return -1;
    v = (v << 4) | d;
  }
  return v;
}
