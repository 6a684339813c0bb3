// A RemotingCommand JSON header read straight from its bytes, for the shapes clients send: the
// top-level fields RemotingCommand has, and extFields values that are strings, integers or
// booleans (ali-ons sends the last two). The header's text is decoded once (one native call; V8
// keeps ASCII as one-byte strings) and read with charCodeAt and slice: decoding each string from
// the bytes on its own cost a native call apiece, slower than JSON.parse. What is saved is
// JSON.parse's object and the pass that coerces it; the field names of SEND_MESSAGE_V2 (one
// letter) come from a table instead of a slice per field.
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

let text = '';
let pos = 0;
let end = 0;

/** `bytes` as UTF-8 JSON, decoded as the JSON.parse path decodes them. */
export function scanJsonHeader(bytes: Buffer): ScannedHeader | undefined {
  return scanJsonText(bytes.toString('utf8'));
}

export function scanJsonText(t: string): ScannedHeader | undefined {
  text = t;
  pos = 0;
  end = t.length;
  try {
    return scanHeader();
  } finally {
    text = '';
  }
}

const ONE_CHAR = Array.from({ length: 128 }, (_, c) => String.fromCharCode(c));

function scanHeader(): ScannedHeader | undefined {
  let code: number | undefined;
  let language: string | undefined;
  let version = 0;
  let opaque = 0;
  let flag = 0;
  let remark: string | undefined;
  let extFields: ExtFields = {};
  skipWs();
  if (text.charCodeAt(pos) !== 0x7b /* { */) return undefined;
  pos++;
  skipWs();
  // No code: the JSON.parse path says so.
  if (text.charCodeAt(pos) === 0x7d /* } */) return undefined;
  for (;;) {
    skipWs();
    if (text.charCodeAt(pos) !== 0x22) return undefined;
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
        if (text.charCodeAt(pos) !== 0x22) return undefined;
        const s = readString();
        if (s === FAIL) return undefined;
        if (key === 'language') language = s;
        break;
      }
      case 'remark': {
        if (text.charCodeAt(pos) === 0x22) {
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
    const c = text.charCodeAt(pos++);
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
  if (text.charCodeAt(pos) !== 0x7b) return FAIL;
  pos++;
  skipWs();
  if (text.charCodeAt(pos) === 0x7d) {
    pos++;
    return out;
  }
  for (;;) {
    skipWs();
    if (text.charCodeAt(pos) !== 0x22) return FAIL;
    const k = readString();
    if (k === FAIL || !colon()) return FAIL;
    const c = text.charCodeAt(pos);
    let v: string | Fail;
    if (c === 0x22) v = readString();
    else if (c === 0x74 /* t */) v = literal('true') ? 'true' : FAIL;
    else if (c === 0x66 /* f */) v = literal('false') ? 'false' : FAIL;
    else v = readIntText();
    if (v === FAIL) return FAIL;
    setField(out, k, v);
    skipWs();
    const d = text.charCodeAt(pos++);
    if (d === 0x7d) return out;
    if (d !== 0x2c) return FAIL;
  }
}

function colon(): boolean {
  skipWs();
  if (text.charCodeAt(pos) !== 0x3a /* : */) return false;
  pos++;
  skipWs();
  return true;
}

function skipWs(): void {
  while (pos < end) {
    const c = text.charCodeAt(pos);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
    pos++;
  }
}

function literal(word: string): boolean {
  if (pos + word.length > end) return false;
  for (let i = 0; i < word.length; i++) {
    if (text.charCodeAt(pos + i) !== word.charCodeAt(i)) return false;
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
  if (text.charCodeAt(pos) === 0x2d /* - */) pos++;
  const digitsFrom = pos;
  while (pos < end && text.charCodeAt(pos) >= 0x30 && text.charCodeAt(pos) <= 0x39) pos++;
  const digits = pos - digitsFrom;
  if (digits === 0) return FAIL;
  if (text.charCodeAt(digitsFrom) === 0x30 && digits > 1) return FAIL;
  const next = text.charCodeAt(pos);
  if (next === 0x2e || next === 0x65 || next === 0x45) return FAIL;
  const t = text.slice(from, pos);
  if (t === '-0') return FAIL;
  return t;
}

/** The string whose opening quote is at pos; pos ends past its closing quote. */
function readString(): string | Fail {
  const from = pos + 1;
  let i = from;
  for (;;) {
    if (i >= end) return FAIL;
    const c = text.charCodeAt(i);
    if (c === 0x22) break;
    if (c === 0x5c /* \ */) return readEscapedString(from);
    if (c < 0x20) return FAIL;
    i++;
  }
  pos = i + 1;
  if (i === from + 1) {
    const c = text.charCodeAt(from);
    if (c < 0x80) return ONE_CHAR[c]!;
  }
  return text.slice(from, i);
}

function readEscapedString(from: number): string | Fail {
  let out = '';
  let run = from;
  let i = from;
  for (;;) {
    if (i >= end) return FAIL;
    const c = text.charCodeAt(i);
    if (c === 0x22) break;
    if (c < 0x20) return FAIL;
    if (c !== 0x5c) {
      i++;
      continue;
    }
    if (i > run) out += text.slice(run, i);
    const e = text.charCodeAt(i + 1);
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
  if (i > run) out += text.slice(run, i);
  pos = i + 1;
  return out;
}

function hex4(at: number): number {
  if (at + 4 > end) return -1;
  let v = 0;
  for (let k = 0; k < 4; k++) {
    const c = text.charCodeAt(at + k);
    let d: number;
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (c >= 0x41 && c <= 0x46) d = c - 0x37;
    else if (c >= 0x61 && c <= 0x66) d = c - 0x57;
    else return -1;
    v = (v << 4) | d;
  }
  return v;
}
