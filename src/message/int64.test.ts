import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readInt64BE, writeInt64BE } from './int64.js';

describe('int64 without BigInt', () => {
  it('writes the same bytes as writeBigInt64BE and reads them back, for every safe integer', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (v) => {
        const a = Buffer.alloc(10);
        const b = Buffer.alloc(10);
        expect(writeInt64BE(a, v, 1)).toBe(9);
        b.writeBigInt64BE(BigInt(v), 1);
        expect(a).toEqual(b);
        expect(readInt64BE(a, 1)).toBe(v);
      }),
      { numRuns: 2000 },
    );
  });

  it('handles the edges: 0, -1, int32 and uint32 bounds', () => {
    for (const v of [
      0,
      -1,
      2 ** 31 - 1,
      -(2 ** 31),
      2 ** 32 - 1,
      2 ** 32,
      -(2 ** 32),
      2 ** 53 - 1,
    ]) {
      const a = Buffer.alloc(8);
      writeInt64BE(a, v, 0);
      expect(a.readBigInt64BE(0)).toBe(BigInt(v));
      expect(readInt64BE(a, 0)).toBe(v);
    }
  });
});
