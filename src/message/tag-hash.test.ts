// Java String#hashCode over UTF-16 code units (spec part 2 §2.8): the broker's tagsCode and the
// clients' codeSet must agree bit for bit, or tag filtering silently drops messages.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { javaStringHashCode, tagsCode } from './tag-hash.js';

const require = createRequire(import.meta.url);
const aliUtils = require('ali-ons/lib/utils') as { hashCode(s: string): number };

const golden = JSON.parse(
  readFileSync(
    new URL('../protocol/golden/spec-2.8-string-hashcode.json', import.meta.url),
    'utf8',
  ),
) as { values: Record<string, number> };

describe('javaStringHashCode', () => {
  it.each(Object.entries(golden.values))('%j hashes to %i', (s, h) => {
    expect(javaStringHashCode(s)).toBe(h);
  });

  it('covers the golden values the spec names, including 订单 and the emoji', () => {
    expect(golden.values.订单).toBe(1129459);
    expect(golden.values['😀']).toBe(1772899);
    expect(javaStringHashCode('订单')).toBe(1129459);
    expect(javaStringHashCode('😀')).toBe(1772899);
  });

  it('hashes the emoji as its two UTF-16 surrogates, not as one code point', () => {
    expect(javaStringHashCode('😀')).toBe(31 * 0xd83d + 0xde00);
    expect(javaStringHashCode('😀')).not.toBe(0x1f600);
  });

  it('wraps to a signed 32-bit int', () => {
    const h = javaStringHashCode('TopicTest#key1');
    expect(h).toBeLessThan(0);
    expect(h | 0).toBe(h);
  });

  it('agrees with ali-ons utils.hashCode on any string (fast-check)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 64, unit: 'binary' }), (s) => {
        expect(javaStringHashCode(s)).toBe(aliUtils.hashCode(s));
      }),
    );
  });

  it('agrees with a BigInt evaluation of s[0]*31^(n-1) + ... + s[n-1] mod 2^32 (fast-check)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40, unit: 'grapheme' }), (s) => {
        let h = 0n;
        for (let i = 0; i < s.length; i++) h = (h * 31n + BigInt(s.charCodeAt(i))) % 2n ** 32n;
        expect(javaStringHashCode(s)).toBe(Number(BigInt.asIntN(32, h)));
      }),
    );
  });
});

describe('tagsCode', () => {
  it('is 0 for a message without a tag', () => {
    expect(tagsCode(undefined)).toBe(0);
    expect(tagsCode('')).toBe(0);
  });

  it('is the hash of the whole TAGS value', () => {
    expect(tagsCode('TagA')).toBe(2598919);
    expect(tagsCode('TagA || TagB')).toBe(javaStringHashCode('TagA || TagB'));
  });

  it('hashes the ali-ons tagless "null" like any other tag', () => {
    expect(tagsCode('null')).toBe(javaStringHashCode('null'));
  });
});
