// Typed extFields reads. Values reach these helpers as strings: Java sends String.valueOf(field),
// ali-ons' numbers and booleans were coerced by the RemotingCommand decoder. Parsing follows what
// Java's decodeCommandCustomHeader accepts (Integer/Long.parseLong, Boolean.parseBoolean), except
// that a bad or missing value is answered at once with a remark naming the field.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validationError } from '../../../test/harness/header-golden.js';
import { RequestValidationError } from '../../common/errors.js';
import { FrameDecoder } from '../frame.js';
import { decodeCommand } from '../remoting-command.js';
import { ResponseCode } from '../response-code.js';
import { optBool, optInt, optString, reqInt, reqString } from './fields.js';

describe('reqString / optString', () => {
  it('returns the value, including the empty string', () => {
    expect(reqString({ topic: 'T' }, 'topic')).toBe('T');
    expect(reqString({ topic: '' }, 'topic')).toBe('');
    expect(optString({ topic: 'T' }, 'topic')).toBe('T');
  });

  it('answers SYSTEM_ERROR naming a missing required field', () => {
    const err = validationError(() => reqString({}, 'producerGroup'));
    expect(err.responseCode).toBe(ResponseCode.SYSTEM_ERROR);
    expect(err.remark).toContain("'producerGroup'");
    expect(err.remark).toContain('missing');
  });

  it('returns undefined for a missing optional field', () => {
    expect(optString({}, 'x')).toBeUndefined();
  });
});

describe('reqInt / optInt', () => {
  it.each([
    ['0', 0],
    ['3', 3],
    ['-1', -1],
    ['+7', 7],
    ['2147483647', 2147483647],
    ['-2147483648', -2147483648],
    ['1700000000000', 1700000000000],
    ['9007199254740991', 9007199254740991],
  ])('parses %s as a Java int/long would', (text, n) => {
    expect(reqInt({ v: text }, 'v')).toBe(n);
    expect(optInt({ v: text }, 'v')).toBe(n);
  });

  it.each([
    [''],
    [' '],
    ['abc'],
    ['1.5'],
    ['1.0'],
    ['1e3'],
    ['0x10'],
    ['0b11'],
    [' 5'],
    ['5 '],
    ['Infinity'],
    ['NaN'],
    ['9007199254740993'],
  ])('rejects %j, naming the field and the value', (text) => {
    const err = validationError(() => reqInt({ queueId: text }, 'queueId'));
    expect(err.responseCode).toBe(ResponseCode.SYSTEM_ERROR);
    expect(err.remark).toContain("'queueId'");
    expect(err.remark).toContain('an integer');
  });

  it('answers SYSTEM_ERROR naming a missing required integer', () => {
    expect(validationError(() => reqInt({}, 'queueOffset')).remark).toContain("'queueOffset'");
  });

  it('uses the default for missing, empty and "null" optional values', () => {
    expect(optInt({}, 'v', 4)).toBe(4);
    expect(optInt({ v: '' }, 'v', 4)).toBe(4);
    expect(optInt({ v: 'null' }, 'v', 4)).toBe(4);
    expect(optInt({}, 'v')).toBeUndefined();
  });

  it('rejects a present but malformed optional integer rather than defaulting', () => {
    expect(() => optInt({ v: 'x' }, 'v', 4)).toThrow(RequestValidationError);
  });

  it('parses every safe integer written by String(n)', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        expect(reqInt({ v: String(n) }, 'v')).toBe(n);
      }),
    );
  });
});

describe('optBool', () => {
  it('reads true and false', () => {
    expect(optBool({ k: 'true' }, 'k', false)).toBe(true);
    expect(optBool({ k: 'false' }, 'k', true)).toBe(false);
  });

  it('ignores case as Java Boolean.parseBoolean does', () => {
    expect(optBool({ k: 'TRUE' }, 'k', false)).toBe(true);
    expect(optBool({ k: 'True' }, 'k', false)).toBe(true);
    expect(optBool({ k: 'FALSE' }, 'k', true)).toBe(false);
  });

  it('uses the default for missing or empty values', () => {
    expect(optBool({}, 'k', true)).toBe(true);
    expect(optBool({ k: '' }, 'k', false)).toBe(false);
  });

  it('rejects other text, naming the field', () => {
    const err = validationError(() => optBool({ unitMode: 'yes' }, 'unitMode', false));
    expect(err.responseCode).toBe(ResponseCode.SYSTEM_ERROR);
    expect(err.remark).toContain("'unitMode'");
  });
});

describe('reading a real ali-ons header', () => {
  it('reads SEND_MESSAGE_V2 fields whose JSON numbers and booleans were coerced', () => {
    const g = JSON.parse(
      readFileSync(new URL('../golden/ali-ons-send-message-v2.json', import.meta.url), 'utf8'),
    ) as { hex: string };
    const [frame] = new FrameDecoder().push(Buffer.from(g.hex, 'hex'));
    const ext = decodeCommand(frame!).extFields;
    expect(reqString(ext, 'a')).toBe('PID_GOLDEN');
    expect(reqInt(ext, 'd')).toBe(4);
    expect(reqInt(ext, 'e')).toBe(3);
    expect(reqInt(ext, 'g')).toBe(1700000000000);
    expect(optBool(ext, 'k', true)).toBe(false);
    expect(optInt(ext, 'l', 16)).toBe(16);
  });
});
