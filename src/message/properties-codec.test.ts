// The properties string (spec part 1 §5.4): name U+0001 value U+0002, repeated. Decoding follows
// Java's MessageDecoder#string2messageProperties (5.x): empty names and values are dropped, the
// last duplicate wins. A port of that Java loop serves as the oracle for random inputs.
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeProperties,
  decodePropertiesExact,
  encodeProperties,
  NAME_VALUE_SEPARATOR,
  PROPERTY_SEPARATOR,
} from './properties-codec.js';

const require = createRequire(import.meta.url);
const AliMessageDecoder = require('ali-ons/lib/message/message_decoder') as {
  messageProperties2String(p: Record<string, unknown>): string;
};

/** Java 5.x string2messageProperties, index for index. */
function javaString2MessageProperties(s: string): Map<string, string> {
  const map = new Map<string, string>();
  const len = s.length;
  let index = 0;
  while (index < len) {
    let newIndex = s.indexOf(PROPERTY_SEPARATOR, index);
    if (newIndex < 0) newIndex = len;
    if (newIndex - index >= 3) {
      const kvSepIndex = s.indexOf(NAME_VALUE_SEPARATOR, index);
      if (kvSepIndex > index && kvSepIndex < newIndex - 1) {
        map.set(s.substring(index, kvSepIndex), s.substring(kvSepIndex + 1, newIndex));
      }
    }
    index = newIndex + 1;
  }
  return map;
}

const S1 = NAME_VALUE_SEPARATOR;
const S2 = PROPERTY_SEPARATOR;

describe('encodeProperties', () => {
  it('writes name U+0001 value U+0002 for each entry, with a trailing U+0002', () => {
    expect(encodeProperties({ TAGS: 'TagA', KEYS: 'k1 k2' })).toBe(
      `TAGS${S1}TagA${S2}KEYS${S1}k1 k2${S2}`,
    );
  });

  it('writes nothing for no properties', () => {
    expect(encodeProperties({})).toBe('');
  });

  it('skips undefined and null values, as Java skips nulls', () => {
    const props = { A: '1', B: undefined, C: null as unknown as string };
    expect(encodeProperties(props)).toBe(`A${S1}1${S2}`);
  });

  it('writes exactly what ali-ons writes for the same map', () => {
    const props = { TAGS: '订单', KEYS: 'a b', 颜色: '红', WAIT: 'true' };
    expect(encodeProperties(props)).toBe(AliMessageDecoder.messageProperties2String(props));
  });
});

describe('decodeProperties (Java rules)', () => {
  it('reads a Java/ali-ons string with its trailing separator', () => {
    expect(decodeProperties(`TAGS${S1}TagA${S2}KEYS${S1}k1 k2${S2}`)).toEqual({
      TAGS: 'TagA',
      KEYS: 'k1 k2',
    });
  });

  it('reads a string without the trailing separator', () => {
    expect(decodeProperties(`A${S1}1${S2}B${S1}2`)).toEqual({ A: '1', B: '2' });
  });

  it('returns {} for undefined and the empty string', () => {
    expect(decodeProperties(undefined)).toEqual({});
    expect(decodeProperties('')).toEqual({});
  });

  it('drops entries with an empty value', () => {
    expect(decodeProperties(`A${S1}${S2}B${S1}2${S2}`)).toEqual({ B: '2' });
  });

  it('drops entries with an empty name', () => {
    expect(decodeProperties(`${S1}x${S2}B${S1}2${S2}`)).toEqual({ B: '2' });
  });

  it('drops entries without a name/value separator and empty items', () => {
    expect(decodeProperties(`junk${S2}${S2}${S2}B${S1}2${S2}`)).toEqual({ B: '2' });
  });

  it('keeps the last value of a duplicated name', () => {
    expect(decodeProperties(`K${S1}first${S2}K${S1}second${S2}`)).toEqual({ K: 'second' });
  });

  it('lets a later empty duplicate leave the earlier value alone (it is dropped, not applied)', () => {
    expect(decodeProperties(`K${S1}first${S2}K${S1}${S2}`)).toEqual({ K: 'first' });
  });

  it('splits at the first U+0001: the value may contain more of them', () => {
    expect(decodeProperties(`K${S1}a${S1}b${S2}`)).toEqual({ K: `a${S1}b` });
  });

  it('reads the ali-ons tagless message TAGS "null" as the string "null"', () => {
    expect(decodeProperties(`TAGS${S1}null${S2}`)).toEqual({ TAGS: 'null' });
  });

  it('reads non-ASCII names and values', () => {
    expect(decodeProperties(`订单号${S1}20240101-001${S2}emoji${S1}😀${S2}`)).toEqual({
      订单号: '20240101-001',
      emoji: '😀',
    });
  });

  it('agrees with the Java parser on any string over a small alphabet (fast-check)', () => {
    const alphabet = fc.constantFrom('a', 'b', 'K', S1, S2);
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 30 }), (chars) => {
        const s = chars.join('');
        expect(decodeProperties(s)).toEqual(Object.fromEntries(javaString2MessageProperties(s)));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('round trip', () => {
  it('decode(encode(p)) equals p for names without separators and non-empty values', () => {
    const name = fc
      .string({ minLength: 1, maxLength: 12 })
      .filter((k) => !k.includes(S1) && !k.includes(S2) && k !== '__proto__');
    const value = fc.string({ minLength: 1, maxLength: 24 }).filter((v) => !v.includes(S2));
    fc.assert(
      fc.property(fc.dictionary(name, value, { maxKeys: 10 }), (p) => {
        expect(decodeProperties(encodeProperties(p))).toEqual(p);
      }),
    );
  });
});

describe('decodePropertiesExact', () => {
  const piece = fc.constantFrom('\u0001', '\u0002', 'A', 'TAGS', '1', '__proto__', 'é', '');
  const text = fc.array(piece, { maxLength: 24 }).map((a) => a.join(''));

  it('decodes as decodeProperties does, and is exact only when re-encoding gives the string', () => {
    fc.assert(
      fc.property(fc.oneof(text, fc.string()), (s) => {
        const { props, exact } = decodePropertiesExact(s);
        expect(props).toStrictEqual(decodeProperties(s));
        if (exact) expect(encodeProperties(props)).toBe(s);
      }),
      { numRuns: 5000 },
    );
  });

  it('is exact for what a producer encodes from plain names', () => {
    const s = encodeProperties({ TAGS: 'a', KEYS: 'k1 k2', UNIQ_KEY: 'U', x: '\u0001y' });
    expect(decodePropertiesExact(s).exact).toBe(true);
    expect(decodePropertiesExact(`${s}TAGS\u0001b\u0002`).exact).toBe(false);
  });
});
