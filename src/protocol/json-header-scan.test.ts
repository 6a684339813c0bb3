// The JSON header scanner against the JSON.parse path it stands in for: every JSON golden frame,
// random extFields the way ali-ons and Java write them, arbitrary JSON, and malformed headers.
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../common/errors.js';
import { scanJsonHeader } from './json-header-scan.js';
import { decodeCommand, decodeJsonHeaderSlow } from './remoting-command.js';

const GOLDEN_DIR = new URL('./golden/', import.meta.url);

/** The JSON header bytes of every frame among a fixture's hex values. */
function jsonHeadersIn(value: unknown, out: Buffer[]): void {
  if (typeof value === 'string') {
    if (!/^([0-9a-f]{2})+$/i.test(value) || value.length < 16) return;
    const b = Buffer.from(value, 'hex');
    const frame = b.readInt32BE(0) === b.length - 4 ? b.subarray(4) : b;
    const mark = frame.readInt32BE(0);
    const len = mark & 0xffffff;
    if (mark >>> 24 !== 0 || len === 0 || len > frame.length - 4) return;
    const header = frame.subarray(4, 4 + len);
    if (header.toString('latin1').trimStart().startsWith('{')) out.push(header);
  } else if (Array.isArray(value)) {
    for (const v of value) jsonHeadersIn(v, out);
  } else if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) jsonHeadersIn(v, out);
  }
}

function goldenJsonHeaders(): { name: string; header: Buffer }[] {
  const found: { name: string; header: Buffer }[] = [];
  for (const name of readdirSync(GOLDEN_DIR).filter((f) => f.endsWith('.json'))) {
    const headers: Buffer[] = [];
    jsonHeadersIn(JSON.parse(readFileSync(new URL(name, GOLDEN_DIR), 'utf8')), headers);
    for (const header of headers) found.push({ name, header });
  }
  return found;
}

/** JSON text as a client writes it; a bigint goes out as a bare integer literal (a Java long). */
function jsonText(v: unknown): string {
  return JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `@@${x}@@` : x)).replace(
    /"@@(-?\d+)@@"/g,
    '$1',
  );
}

function header(extFields: unknown, extra: Record<string, unknown> = {}): Buffer {
  const h = { code: 310, language: 'NODE', opaque: 7, flag: 0, version: 121, extFields, ...extra };
  return Buffer.from(jsonText(h), 'utf8');
}

function slowOrError(bytes: Buffer): unknown {
  try {
    return decodeJsonHeaderSlow(bytes);
  } catch (err) {
    return err;
  }
}

/** Either the scanner steps aside or it answers exactly what JSON.parse's path answers. */
function expectSameAsSlow(bytes: Buffer): boolean {
  const fast = scanJsonHeader(bytes);
  if (fast === undefined) return false;
  expect(fast).toStrictEqual(decodeJsonHeaderSlow(bytes));
  return true;
}

describe('scanJsonHeader', () => {
  it('decodes every JSON golden frame as the JSON.parse path does', () => {
    const goldens = goldenJsonHeaders();
    expect(goldens.length).toBeGreaterThanOrEqual(12);
    for (const { name, header } of goldens) {
      expect(scanJsonHeader(header), name).toStrictEqual(decodeJsonHeaderSlow(header));
    }
  });

  it('reads an ali-ons send: numbers and booleans as strings, \\u0001 escapes, UTF-8', () => {
    const props = 'TAGS\u0001订单\u0002KEYS\u0001k "1" \\ /\u0002';
    const bytes = header({ a: 'PID', d: 4, g: 1795572442750, k: false, i: props, n: true });
    const h = scanJsonHeader(bytes);
    expect(h?.extFields).toStrictEqual({
      a: 'PID',
      d: '4',
      g: '1795572442750',
      k: 'false',
      i: props,
      n: 'true',
    });
    expect(h).toStrictEqual(decodeJsonHeaderSlow(bytes));
  });

  it('keeps integers of 16 digits and more as their text, as parseHeaderJson does', () => {
    const bytes = Buffer.from(
      '{"code":11,"extFields":{"o":9223372036854775807,"m":-1234567890123456}}',
    );
    expect(scanJsonHeader(bytes)?.extFields).toStrictEqual({
      o: '9223372036854775807',
      m: '-1234567890123456',
    });
    expect(expectSameAsSlow(bytes)).toBe(true);
  });

  it('decodes every JSON escape and surrogate pairs', () => {
    const bytes = Buffer.from(
      '{"code":1,"remark":"a\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\\u00e9\\ud83d\\ude00\\uD800x","extFields":{}}',
    );
    expect(scanJsonHeader(bytes)?.remark).toBe('a"b\\c/d\be\ff\ng\rh\ti\u00e9\u{1f600}\ud800x');
    expect(expectSameAsSlow(bytes)).toBe(true);
  });

  it('takes whitespace around tokens (C++ clients end with a newline)', () => {
    const bytes = Buffer.from(' {\n "code" : 10 ,\t"extFields" : { "a" : "b" , "c" : 1 } }\n');
    expect(expectSameAsSlow(bytes)).toBe(true);
  });

  it('keeps a __proto__ field a field', () => {
    const bytes = Buffer.from('{"code":1,"extFields":{"__proto__":"x","a":2}}');
    const h = scanJsonHeader(bytes)!;
    expect(Object.getPrototypeOf(h.extFields)).toBe(Object.prototype);
    expect(Object.keys(h.extFields)).toStrictEqual(['__proto__', 'a']);
    expect(expectSameAsSlow(bytes)).toBe(true);
  });

  it.each([
    ['nested object', '{"code":1,"extFields":{"a":{"b":1}}}'],
    ['null value', '{"code":1,"extFields":{"a":null}}'],
    ['fraction', '{"code":1,"extFields":{"a":1.5}}'],
    ['exponent', '{"code":1,"extFields":{"a":1e3}}'],
    ['minus zero', '{"code":1,"extFields":{"a":-0}}'],
    ['unknown top-level key', '{"code":1,"other":2}'],
    ['string code', '{"code":"310"}'],
    ['long code', '{"code":1234567890123456}'],
    ['numeric language', '{"code":1,"language":3}'],
    ['array extFields', '{"code":1,"extFields":["a"]}'],
  ])('steps aside for what it does not know: %s', (_, text) => {
    expect(scanJsonHeader(Buffer.from(text))).toBeUndefined();
  });

  it.each([
    '',
    '{',
    '{}',
    '[1]',
    'null',
    '{"code":1,}',
    '{"code":1}x',
    '{"code":01}',
    '{"code":1,"extFields":{"a":"b}}',
    '{"code":1,"remark":"\\x"}',
    '{"code":1,"remark":"\\u12"}',
    '{"code":1,"remark":"tab\there"}',
    '{"code":1.5}',
    '{"language":"JAVA"}',
    '{"code":1,"extFields":"s"}',
    '{"code":1,"extFields":{"a":tru}}',
  ])('malformed %j: the scanner steps aside and the error is ProtocolError as before', (text) => {
    const bytes = Buffer.from(text);
    expect(scanJsonHeader(bytes)).toBeUndefined();
    const frame = Buffer.alloc(4 + bytes.length);
    frame.writeInt32BE(bytes.length, 0);
    bytes.copy(frame, 4);
    expect(() => decodeCommand(frame)).toThrow(ProtocolError);
  });

  const value = fc.oneof(
    fc.string({ unit: 'grapheme' }),
    fc.string({ unit: 'binary' }),
    fc.string({ unit: fc.constantFrom('\u0001', '\u0002', '"', '\\', '/', '\n', '\t', 'a', 'é') }),
    fc.integer(),
    fc.maxSafeInteger(),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    fc.boolean(),
  );
  const extFields = fc.dictionary(fc.string({ unit: 'binary', maxLength: 12 }), value, {
    maxKeys: 20,
  });

  it('answers what JSON.parse does for random extFields, as ali-ons sends them', () => {
    fc.assert(
      fc.property(extFields, fc.string({ unit: 'grapheme' }), (fields, remark) => {
        const text = jsonText({ code: 310, remark, extFields: fields });
        expect(expectSameAsSlow(Buffer.from(text, 'utf8'))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('never disagrees with JSON.parse on arbitrary JSON or random bytes', () => {
    const anyJson = fc.oneof(
      fc.json().map((t) => Buffer.from(t)),
      fc.jsonValue().map((v) => header(v)),
      fc.dictionary(fc.string(), fc.jsonValue()).map((v) => header(undefined, v)),
      fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.concat([header({ a: 'x' }), a])),
      fc.tuple(extFields, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([f, at, byte]) => {
        const b = header(f);
        b[at % b.length] = byte;
        return b;
      }),
    );
    fc.assert(
      fc.property(anyJson, (bytes) => {
        const fast = scanJsonHeader(bytes);
        if (fast !== undefined) expect(fast).toStrictEqual(slowOrError(bytes));
      }),
      { numRuns: 3000 },
    );
  });
});
