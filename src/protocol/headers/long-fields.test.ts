// Java long header fields (timestamps, offsets, broker ids): the Java client sends the whole long
// range, e.g. QUERY_MESSAGE endTimestamp=Long.MAX_VALUE when it looks a message up by unique key.
// As a string (Java, binary or JSON header) or as a JSON number (ali-ons), the value must reach
// the reader exactly; beyond ±2^53 the number form saturates, keeping every comparison's result.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RequestValidationError } from '../../common/errors.js';
import { FrameDecoder } from '../frame.js';
import {
  createRequest,
  decodeCommand,
  encodeBinaryCommand,
  encodeCommand,
} from '../remoting-command.js';
import { ResponseCode } from '../response-code.js';
import { JAVA_LONG_MAX, JAVA_LONG_MIN, optLong, reqLong, reqLongExact } from './fields.js';

const MAX = '9223372036854775807';
const MIN = '-9223372036854775808';

function frameOf(bytes: Buffer): Buffer {
  const [frame] = new FrameDecoder().push(bytes);
  return frame!;
}

function jsonFrame(header: string): Buffer {
  const h = Buffer.from(header, 'utf8');
  const b = Buffer.alloc(8 + h.length);
  b.writeInt32BE(4 + h.length, 0);
  b.writeInt32BE(h.length, 4);
  h.copy(b, 8);
  return frameOf(b);
}

describe('reqLongExact', () => {
  it.each([
    [MAX, JAVA_LONG_MAX],
    [MIN, JAVA_LONG_MIN],
    ['0', 0n],
    ['+42', 42n],
    ['9007199254740993', 9007199254740993n],
  ])('reads %s exactly', (text, want) => {
    expect(reqLongExact({ v: text }, 'v')).toBe(want);
  });

  it.each([['9223372036854775808'], ['-9223372036854775809'], ['1e3'], [''], ['0x10']])(
    'rejects %j as Long.parseLong would, naming the field',
    (text) => {
      let err: unknown;
      try {
        reqLongExact({ endTimestamp: text }, 'endTimestamp');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(RequestValidationError);
      expect((err as RequestValidationError).responseCode).toBe(ResponseCode.SYSTEM_ERROR);
      expect((err as RequestValidationError).remark).toContain("'endTimestamp'");
      expect((err as RequestValidationError).remark).toContain('Java long');
    },
  );

  it('round-trips every Java long through its decimal text', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: JAVA_LONG_MIN, max: JAVA_LONG_MAX }), (n) => {
        expect(reqLongExact({ v: n.toString() }, 'v')).toBe(n);
      }),
    );
  });
});

describe('reqLong / optLong', () => {
  it('saturates beyond ±2^53 instead of refusing the value', () => {
    expect(reqLong({ v: MAX }, 'v')).toBe(Number.MAX_SAFE_INTEGER);
    expect(reqLong({ v: MIN }, 'v')).toBe(-Number.MAX_SAFE_INTEGER);
    expect(optLong({ v: MAX }, 'v', 0)).toBe(Number.MAX_SAFE_INTEGER);
    expect(optLong({ v: MIN }, 'v')).toBe(-Number.MAX_SAFE_INTEGER);
  });

  it('is exact for every safe integer', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        expect(reqLong({ v: String(n) }, 'v')).toBe(n);
      }),
    );
  });

  it('uses the default for missing, empty and "null" values', () => {
    expect(optLong({}, 'v', 7)).toBe(7);
    expect(optLong({ v: '' }, 'v', 7)).toBe(7);
    expect(optLong({ v: 'null' }, 'v', 7)).toBe(7);
    expect(optLong({}, 'v')).toBeUndefined();
  });

  it('still refuses what is not a Java long', () => {
    expect(() => reqLong({ v: '9223372036854775808' }, 'v')).toThrow(RequestValidationError);
    expect(() => optLong({ v: '1.5' }, 'v', 0)).toThrow(RequestValidationError);
  });
});

describe('64-bit values through the header codecs', () => {
  it('keeps JSON numbers beyond 2^53 exact (as ali-ons would send a long)', () => {
    const cmd = decodeCommand(
      jsonFrame(
        `{"code":12,"opaque":1,"flag":0,"extFields":{"endTimestamp":${MAX},` +
          `"beginTimestamp":${MIN},"offset":9007199254740993,"s":"a 12345678901234567 \\" ${MAX}","n":5}}`,
      ),
    );
    expect(cmd.extFields.endTimestamp).toBe(MAX);
    expect(cmd.extFields.beginTimestamp).toBe(MIN);
    expect(cmd.extFields.offset).toBe('9007199254740993');
    // Digits inside strings are left as they are; small numbers still coerce as before.
    expect(cmd.extFields.s).toBe(`a 12345678901234567 " ${MAX}`);
    expect(cmd.extFields.n).toBe('5');
    expect(reqLongExact(cmd.extFields, 'endTimestamp')).toBe(JAVA_LONG_MAX);
    expect(reqLongExact(cmd.extFields, 'beginTimestamp')).toBe(JAVA_LONG_MIN);
  });

  it('keeps long strings exact in JSON and binary (ROCKETMQ) headers', () => {
    const req = createRequest(12, 3, { endTimestamp: MAX, beginTimestamp: MIN });
    for (const bytes of [encodeCommand(req), encodeBinaryCommand(req)]) {
      const ext = decodeCommand(frameOf(bytes)).extFields;
      expect(reqLongExact(ext, 'endTimestamp')).toBe(JAVA_LONG_MAX);
      expect(reqLongExact(ext, 'beginTimestamp')).toBe(JAVA_LONG_MIN);
    }
  });

  it('decodes any header with big integers the same as with those integers quoted', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ minLength: 1, maxLength: 8 }),
          fc.oneof(
            fc.bigInt({ min: JAVA_LONG_MIN, max: JAVA_LONG_MAX }),
            fc.string(),
            fc.integer(),
          ),
          { maxKeys: 6 },
        ),
        (fields) => {
          const entries = Object.entries(fields);
          const quoted = Object.fromEntries(entries.map(([k, v]) => [k, String(v)]));
          const parts = entries.map(
            ([k, v]) =>
              `${JSON.stringify(k)}:${typeof v === 'string' ? JSON.stringify(v) : String(v)}`,
          );
          const ext = decodeCommand(
            jsonFrame(`{"code":12,"extFields":{${parts.join(',')}}}`),
          ).extFields;
          expect({ ...ext }).toEqual(quoted);
        },
      ),
    );
  });
});
