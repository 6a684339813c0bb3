// Property-based checks of the SQL92 filter: random token soup never crashes the parser and its
// errors point at the token they name; literals round-trip; comparisons, IN, BETWEEN and the
// string predicates agree with direct computations; AND / OR / NOT follow Kleene's three-valued
// logic with a missing property as unknown, and only TRUE matches.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileSql92, Sql92SyntaxError } from './compile.js';

const m = (sql: string, props: Record<string, string>) => compileSql92(sql).matches(props);
const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;

const VOCABULARY = [
  ...['a', 'b', 'c', '=', '<>', '<', '<=', '>', '>=', '(', ')', ',', '+', '-'],
  ...['AND', 'OR', 'NOT', 'IS', 'NULL', 'IN', 'BETWEEN', 'TRUE', 'FALSE'],
  ...['CONTAINS', 'STARTSWITH', 'ENDSWITH', '1', '0', '2.5', '7L', "'x'", "''", "'1'"],
  ...['--\n', '/* c */', '#', "'open", '012', '0.0'],
];

describe('SQL92 filter: properties', () => {
  it('parses or throws Sql92SyntaxError naming a token at its column; matching never throws', () => {
    const props = fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.constantFrom('1', 'x', 'true'));
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...VOCABULARY), { maxLength: 12 }), props, (ts, p) => {
        const sql = ts.join(' ');
        let filter: ReturnType<typeof compileSql92>;
        try {
          filter = compileSql92(sql);
        } catch (err) {
          expect(err).toBeInstanceOf(Sql92SyntaxError);
          const e = err as Sql92SyntaxError;
          const line = sql.split(/\r\n|\r|\n/)[e.line - 1]!;
          expect(e.column).toBeGreaterThanOrEqual(1);
          expect(e.column).toBeLessThanOrEqual(line.length + 1);
          if (e.token !== '' && !e.token.includes('\n')) {
            expect(line.slice(e.column - 1, e.column - 1 + e.token.length)).toBe(e.token);
          }
          return;
        }
        expect(typeof filter.matches(p)).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips any string through a quoted literal', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(m(`p = ${quote(s)}`, { p: s })).toBe(true);
        expect(m(`p = ${quote(s)}`, { p: `${s}.` })).toBe(false);
        expect(m(`p IN (${quote(s)}, 'zz')`, { p: s })).toBe(true);
      }),
    );
  });

  it('orders numbers exactly one way, converting the property to the literal type', () => {
    const check = (x: number, y: number, literal: string) => {
      const p = { x: String(x) };
      const hits = [m(`x < ${literal}`, p), m(`x = ${literal}`, p), m(`x > ${literal}`, p)];
      expect(hits).toEqual([x < y, x === y, x > y]);
      expect(m(`x <> ${literal}`, p)).toBe(x !== y);
      expect(m(`x <= ${literal}`, p)).toBe(x <= y);
      expect(m(`x >= ${literal}`, p)).toBe(x >= y);
    };
    // int property, int literal (Integer.valueOf on the property)
    fc.assert(fc.property(fc.integer(), fc.integer(), (x, y) => check(x, y, String(y))));
    // any number in the property, a decimal literal (Double.valueOf); a decimal zero is refused
    const double = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 });
    fc.assert(
      fc.property(double, double, (x, y) => {
        fc.pre(y !== 0);
        check(x, y, `${y < 0 ? '-' : ''}${Math.abs(y).toExponential()}`);
      }),
      { numRuns: 300 },
    );
  });

  it('BETWEEN is >= AND <=, NOT BETWEEN its complement; both unknown when missing', () => {
    const int = fc.integer({ min: -1000, max: 1000 });
    fc.assert(
      fc.property(int, int, int, fc.boolean(), (x, a, b, present) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const p: Record<string, string> = present ? { x: String(x) } : {};
        const inside = present && x >= lo && x <= hi;
        expect(m(`x BETWEEN ${lo} AND ${hi}`, p)).toBe(inside);
        expect(m(`x NOT BETWEEN ${lo} AND ${hi}`, p)).toBe(present && !inside);
        expect(m(`NOT (x BETWEEN ${lo} AND ${hi})`, p)).toBe(present && !inside);
      }),
    );
  });

  it('IN is a disjunction of equalities; the string predicates are JavaScript’s', () => {
    const word = fc.string({ maxLength: 4, unit: fc.constantFrom('a', 'b', "'") });
    fc.assert(
      fc.property(
        fc.option(word),
        fc.array(word, { minLength: 1, maxLength: 4 }),
        word,
        (v, list, s) => {
          const p: Record<string, string> = v === null ? {} : { p: v };
          const inList = `p IN (${list.map(quote).join(', ')})`;
          const ors = list.map((w) => `p = ${quote(w)}`).join(' OR ');
          expect(m(inList, p)).toBe(m(ors, p));
          expect(m(`p NOT ${inList.slice(2)}`, p)).toBe(v !== null && !list.includes(v));
          const checks = [
            ['CONTAINS', (x: string) => x.includes(s)],
            ['STARTSWITH', (x: string) => x.startsWith(s)],
            ['ENDSWITH', (x: string) => x.endsWith(s)],
          ] as const;
          for (const [op, f] of checks) {
            // A missing property, or an empty search string, is FALSE both ways.
            const known = v !== null && s !== '';
            expect(m(`p ${op} ${quote(s)}`, p)).toBe(known && f(v));
            expect(m(`p NOT ${op} ${quote(s)}`, p)).toBe(known && !f(v));
          }
        },
      ),
    );
  });

  it('follows Kleene logic over unknowns, matching only TRUE', () => {
    type K = boolean | null;
    type Tree = { leaf: 'a' | 'b' | 'c' } | { not: Tree } | { op: 'AND' | 'OR'; l: Tree; r: Tree };
    const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.record({ leaf: fc.constantFrom('a', 'b', 'c') }),
        fc.record({ not: tie('tree') }),
        fc.record({ op: fc.constantFrom('AND', 'OR'), l: tie('tree'), r: tie('tree') }),
      ),
    }));
    const sql = (t: Tree): string =>
      'leaf' in t
        ? `${t.leaf} = '1'`
        : 'not' in t
          ? `NOT (${sql(t.not)})`
          : `(${sql(t.l)} ${t.op} ${sql(t.r)})`;
    const kleene = (t: Tree, env: Record<string, K>): K => {
      if ('leaf' in t) return env[t.leaf] ?? null;
      if ('not' in t) {
        const v = kleene(t.not, env);
        return v === null ? null : !v;
      }
      const l = kleene(t.l, env);
      const r = kleene(t.r, env);
      if (t.op === 'AND') return l === false || r === false ? false : l && r;
      return l === true || r === true ? true : l === null || r === null ? null : false;
    };
    const leaf = fc.constantFrom<K>(true, false, null);
    fc.assert(
      fc.property(tree, leaf, leaf, leaf, (t, a, b, c) => {
        const env = { a, b, c };
        const props: Record<string, string> = {};
        for (const [k, v] of Object.entries(env)) if (v !== null) props[k] = v ? '1' : '0';
        expect(m(sql(t), props)).toBe(kleene(t, env) === true);
      }),
      { numRuns: 500 },
    );
  });
});
