// RocketMQ's SQL92 filter semantics, case by case (cases follow the behaviour of
// filter/expression/*.java and SelectorParser.jj in apache/rocketmq).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileSql92, Sql92SyntaxError } from './compile.js';

const m = (sql: string, props: Record<string, string>) => compileSql92(sql).matches(props);

describe('SQL92 filter: the seed example', () => {
  it("matches age=18, sex=女 with age<=20 AND sex='女'", () => {
    expect(m("age<=20 AND sex='女'", { age: '18', sex: '女' })).toBe(true);
    expect(m("age<=20 AND sex='女'", { age: '21', sex: '女' })).toBe(false);
    expect(m("age<=20 AND sex='女'", { age: '18', sex: '男' })).toBe(false);
    expect(m("age<=20 AND sex='女'", { sex: '女' })).toBe(false);
  });
});

describe('SQL92 filter: comparisons', () => {
  const p = {
    ...{ a: '3', s: 'abc', d: '2.5', big: '3000000000', t: 'true', neg: '-4' },
    ...{ nan: 'NaN', huge: '9007199254740993' },
  };
  it.each([
    ['a = 3', true],
    ['a = 3.0', true],
    ['a <> 3', false],
    ['a > 2', true],
    ['a >= 3', true],
    ['a < 3', false],
    ['a <= 2.99', false],
    ['d > 2', false], // Integer.valueOf("2.5") fails: no match
    ['d > 2.0', true],
    ['big > 1', false], // Integer.valueOf("3000000000") fails
    ['big > 1L', false], // 1L fits an int, so it is an Integer (as createFromDecimal does)
    ['big > 2147483648', true], // a literal past int range is a long
    ["s = 'abc'", true],
    ["s <> 'abd'", true],
    ['s = 1', false], // not a number: an error, so no match
    ['t = TRUE', true],
    ['t = FALSE', false],
    ['TRUE = t', false], // Java casts the Boolean to String: an error
    ['neg < -3', true],
    ['-a = -3', false], // a property is a string: negating it yields NULL
    ['a > neg', true], // two strings compare as doubles
    ['s > a', false], // 'abc' is no double: an error
    ['a BETWEEN 1 AND 3', true],
    ['a BETWEEN 4 AND 9', false],
    ['a NOT BETWEEN 4 AND 9', true],
    ['a NOT BETWEEN 1 AND 3', false],
    // Double.compare: NaN is above every number and equal only to itself
    ['nan > 1.5', true],
    ['nan = 1.5', false],
    ['nan <> 1.5', true],
    ['nan < 1.5', false],
    ['nan > a', true], // two strings, both read as doubles
    // longs compare exactly, past 2^53
    ['huge = 9007199254740993', true],
    ['huge = 9007199254740992', false],
    ['huge > 9007199254740992', true],
    ['huge = 9007199254740993.0', true], // as doubles, both are 2^53
    ['a = - -3', true],
  ])('%s → %s', (sql, want) => {
    expect(m(sql, p)).toBe(want);
  });
});

describe('SQL92 filter: NULL, IN and string predicates', () => {
  const p = { region: 'hangzhou', s: 'order-42', empty: '' };
  it.each([
    ['missing IS NULL', true],
    ['region IS NULL', false],
    ['region IS NOT NULL', true],
    ['missing IS NOT NULL', false],
    ["missing = 'x'", false], // unknown
    ["missing <> 'x'", false], // NOT unknown is still unknown
    ["NOT (missing = 'x')", false],
    ['missing > 1', false],
    ["region IN ('hangzhou', 'beijing')", true],
    ["region NOT IN ('hangzhou', 'beijing')", false],
    ["missing NOT IN ('a')", false],
    ["s CONTAINS 'der-4'", true],
    ["s NOT CONTAINS 'der-4'", false],
    ["s STARTSWITH 'order'", true],
    ["s NOT STARTSWITH 'order'", false],
    ["s ENDSWITH '42'", true],
    ["s NOT ENDSWITH '42'", false],
    ["missing NOT CONTAINS 'x'", false], // a missing property is FALSE for every string predicate
    ["s CONTAINS ''", false],
    ["empty = ''", true],
  ])('%s → %s', (sql, want) => {
    expect(m(sql, p)).toBe(want);
  });
});

describe('SQL92 filter: logic', () => {
  it('uses three-valued AND / OR / NOT', () => {
    expect(m("missing = 'x' OR a = '1'", { a: '1' })).toBe(true);
    expect(m("missing = 'x' AND a = '1'", { a: '1' })).toBe(false);
    expect(m("NOT (missing = 'x') OR a = '1'", { a: '2' })).toBe(false);
    expect(m("(a = '1' OR a = '2') AND NOT (b = 'x')", { a: '2', b: 'y' })).toBe(true);
    // NOT binds tighter than '=' in RocketMQ's grammar: (NOT b) = 'x' compares a boolean with a
    // string, which fails, so the message does not match.
    expect(m("(a = '1' OR a = '2') AND NOT b = 'x'", { a: '2', b: 'y' })).toBe(false);
    expect(m('TRUE', {})).toBe(true);
    expect(m('FALSE OR TRUE', {})).toBe(true);
    expect(m('flag', { flag: 'true' })).toBe(false); // a property is a string, never a Boolean
    // NULL is a boolean-typed literal there: unknown, so never a match, and NOT keeps it unknown.
    expect(m('NULL', {})).toBe(false);
    expect(m('NOT NULL', {})).toBe(false);
    expect(m("NULL OR a = '1'", { a: '1' })).toBe(true);
    expect(m('NULL IS NULL', {})).toBe(true);
    // Negating a number-valued property yields NULL; negating a boolean throws there: no match,
    // even under IS NULL.
    expect(m('(-a) IS NULL', { a: '1' })).toBe(true);
    expect(m('(-(a = 1)) IS NULL', { a: '1' })).toBe(false);
  });

  it('sees the system properties a message carries (TAGS, KEYS) like any other', () => {
    const props = { TAGS: 'TagA', KEYS: 'k1 k2', UNIQ_KEY: 'AC11' };
    expect(m("TAGS = 'TagA' AND KEYS CONTAINS 'k2'", props)).toBe(true);
    expect(m("TAGS IN ('TagB')", props)).toBe(false);
  });

  it('is case-insensitive for keywords and case-sensitive for names; skips comments', () => {
    expect(m("a = '1' and b between 1 And 3 -- note\n", { a: '1', b: '2' })).toBe(true);
    expect(m("A = '1'", { a: '1' })).toBe(false);
    expect(m("/* pick */ a = '1'", { a: '1' })).toBe(true);
    expect(m("a = 'it''s'", { a: "it's" })).toBe(true);
  });

  it('agrees with a direct computation for random integers', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), fc.integer(), (x, bound) => {
        const b = Math.max(-2147483648, Math.min(2147483647, bound));
        expect(m(`x <= ${b}`, { x: String(x) })).toBe(x <= b);
        expect(m(`x BETWEEN ${Math.min(b, 0)} AND ${Math.max(b, 0)}`, { x: String(x) })).toBe(
          x >= Math.min(b, 0) && x <= Math.max(b, 0),
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('SQL92 filter: compiled once', () => {
  it('caches compiled filters and errors', () => {
    expect(compileSql92("a = '1'")).toBe(compileSql92("a = '1'"));
    expect(() => compileSql92('a >')).toThrow(Sql92SyntaxError);
    expect(() => compileSql92('a >')).toThrow(Sql92SyntaxError);
  });
});
