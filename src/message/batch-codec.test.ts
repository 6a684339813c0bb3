// SEND_BATCH_MESSAGE body (spec part 1 §4.6, MessageDecoder#encodeMessage/#decodeMessages): a
// hand-assembled golden body, round trips, and a precise error for every malformed length.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BatchItem, decodeBatch, encodeBatch, encodeBatchItem } from './batch-codec.js';
import { encodeProperties } from './properties-codec.js';

interface BatchFixture {
  hex: string;
  expect: { flag: number; bodyUtf8: string; properties: Record<string, string> }[];
}
const golden = JSON.parse(
  readFileSync(new URL('../protocol/golden/batch-two-items.json', import.meta.url), 'utf8'),
) as BatchFixture;
const GOLDEN = Buffer.from(golden.hex, 'hex');
const GOLDEN_ITEMS: BatchItem[] = golden.expect.map((e) => ({
  flag: e.flag,
  body: Buffer.from(e.bodyUtf8, 'utf8'),
  properties: e.properties,
}));

function item(body: string, properties: Record<string, string> = {}, flag = 0): BatchItem {
  return { flag, body: Buffer.from(body, 'utf8'), properties };
}

describe('golden batch body', () => {
  it('decodes the hand-assembled two-message body', () => {
    expect(decodeBatch(GOLDEN)).toEqual(GOLDEN_ITEMS);
  });

  it('encodes the same items to the same bytes', () => {
    expect(encodeBatch(GOLDEN_ITEMS)).toEqual(GOLDEN);
  });

  it('lays out each item as totalSize, magic 0, bodyCRC 0, flag, bodyLen, body, propsLen, props', () => {
    const b = encodeBatch([item('hey', { A: '1' }, 9)]);
    const props = Buffer.from('A\u00011\u0002');
    expect(b.length).toBe(22 + 3 + props.length);
    expect(b.readInt32BE(0)).toBe(b.length);
    expect(b.readInt32BE(4)).toBe(0);
    expect(b.readInt32BE(8)).toBe(0);
    expect(b.readInt32BE(12)).toBe(9);
    expect(b.readInt32BE(16)).toBe(3);
    expect(b.toString('utf8', 20, 23)).toBe('hey');
    expect(b.readInt16BE(23)).toBe(props.length);
    expect(b.subarray(25)).toEqual(props);
  });
});

describe('encodeBatchItem', () => {
  it('writes the golden body item by item from encoded properties strings', () => {
    const parts = GOLDEN_ITEMS.map((i) =>
      encodeBatchItem(i.flag, i.body, encodeProperties(i.properties)),
    );
    expect(Buffer.concat(parts)).toEqual(GOLDEN);
  });

  it('counts multi-byte properties in bytes, not characters', () => {
    const it1 = item('b', { K: 'é中' });
    expect(encodeBatchItem(0, it1.body, encodeProperties(it1.properties))).toEqual(
      encodeBatch([it1]),
    );
  });
});

describe('round trip', () => {
  it('handles an empty batch, empty bodies and empty properties', () => {
    expect(encodeBatch([])).toEqual(Buffer.alloc(0));
    expect(decodeBatch(Buffer.alloc(0))).toEqual([]);
    const items = [item(''), item('', { K: 'v' }), item('x')];
    expect(decodeBatch(encodeBatch(items))).toEqual(items);
  });

  it('decode(encode(items)) equals items (fast-check)', () => {
    const name = fc
      .string({ minLength: 1, maxLength: 8 })
      .filter((k) => !/[\u0001\u0002]/.test(k) && k !== '__proto__');
    const value = fc.string({ minLength: 1, maxLength: 16 }).filter((v) => !v.includes('\u0002'));
    const batchItem = fc.record({
      flag: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
      body: fc.uint8Array({ maxLength: 100 }).map((a) => Buffer.from(a)),
      properties: fc.dictionary(name, value, { maxKeys: 5 }),
    });
    fc.assert(
      fc.property(fc.array(batchItem, { maxLength: 10 }), (items) => {
        expect(decodeBatch(encodeBatch(items))).toEqual(items);
      }),
    );
  });

  it('ignores the magic and bodyCRC words, as the broker recomputes the CRC', () => {
    const b = encodeBatch([item('abc')]);
    b.writeInt32BE(-626843481, 4);
    b.writeInt32BE(12345, 8);
    expect(decodeBatch(b)).toEqual([item('abc')]);
  });

  it('applies the Java property rules to inner messages', () => {
    const props = Buffer.from('A\u0001\u0002B\u00012\u0002B\u00013\u0002');
    const b = Buffer.alloc(22 + props.length);
    b.writeInt32BE(b.length, 0);
    b.writeInt16BE(props.length, 20);
    props.copy(b, 22);
    expect(decodeBatch(b)).toEqual([{ flag: 0, body: Buffer.alloc(0), properties: { B: '3' } }]);
  });
});

describe('malformed bodies raise RangeError naming the item offset', () => {
  const one = encodeBatch([item('hello', { K: 'v' })]);
  const second = one.length; // offset of the second item in a two-item body

  function corrupt(edit: (b: Buffer) => void, base = Buffer.concat([one, one])): Buffer {
    const b = Buffer.from(base);
    edit(b);
    return b;
  }

  const cases: [string, Buffer, RegExp][] = [
    ['fewer than 22 bytes left', Buffer.concat([one, one.subarray(0, 21)]), /at \d+ is truncated/],
    ['a size below 22', corrupt((b) => b.writeInt32BE(21, second)), /declares size 21/],
    ['a negative size', corrupt((b) => b.writeInt32BE(-1, second)), /declares size -1/],
    [
      'a size past the end',
      corrupt((b) => b.writeInt32BE(one.length + 1, second)),
      /declares size/,
    ],
    [
      'a negative body length',
      corrupt((b) => b.writeInt32BE(-1, second + 16)),
      /body length -1 beyond/,
    ],
    [
      'a body length past the item',
      corrupt((b) => b.writeInt32BE(one.length, second + 16)),
      /body length \d+ beyond/,
    ],
    [
      'a properties length too small',
      corrupt((b) => b.writeInt16BE(1, second + 20 + 5)),
      /inconsistent lengths/,
    ],
    [
      'a properties length too large',
      corrupt((b) => b.writeInt16BE(100, second + 20 + 5)),
      /inconsistent lengths/,
    ],
    [
      'a negative properties length',
      corrupt((b) => b.writeInt16BE(-1, second + 20 + 5)),
      /inconsistent lengths/,
    ],
  ];

  it.each(cases)('%s', (_name, body, message) => {
    let err: unknown;
    try {
      decodeBatch(body);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RangeError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toContain(`at ${second}`);
  });

  it('never throws anything but RangeError on random bytes (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (a) => {
        const b = Buffer.from(a);
        if (b.length >= 4) b.writeInt32BE(Math.min(b.length, b.readUInt8(3)), 0);
        try {
          decodeBatch(b);
        } catch (err) {
          expect(err).toBeInstanceOf(RangeError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
