// Evaluates a parsed SQL92 filter against a message's properties with RocketMQ's semantics
// (filter/expression/*.java): three-valued logic where a missing property makes a comparison
// unknown (null) and only TRUE matches; property values are strings, converted to the other
// operand's type when compared with a number or boolean (Integer.valueOf, Long.valueOf,
// Double.valueOf, Boolean.valueOf); a string that does not convert is an error, and an error
// anywhere means the message does not match. Two strings compared with < <= > >= are compared
// as doubles (or fail). Values of different, unconvertible types compare as "less than".
import type { Expr, Value } from './parser.js';

/** Java would throw here (NumberFormatException, ClassCastException): the message is skipped. */
class JavaConversionError extends Error {}

type V = Value | null;
type Num = Extract<Value, { kind: 'int' | 'long' | 'double' }>;

const JAVA_INT = /^[+-]?\d+$/;
const JAVA_DOUBLE =
  /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)[fFdD]?)$/;
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** Integer.valueOf / Long.valueOf: an optional sign and digits, in range; no spaces. */
function parseJavaInteger(s: string, kind: 'int' | 'long'): Num {
  if (!JAVA_INT.test(s)) throw new JavaConversionError(`'${s}' is not an integer`);
  const n = BigInt(s);
  const [min, max] = kind === 'int' ? [BigInt(INT_MIN), BigInt(INT_MAX)] : [LONG_MIN, LONG_MAX];
  if (n < min || n > max) throw new JavaConversionError(`'${s}' is out of range`);
  return kind === 'int' ? { kind, v: Number(n) } : { kind, v: n };
}

function parseJavaDouble(s: string): number {
  const t = s.trim(); // Double.valueOf trims whitespace; Integer.valueOf does not
  if (!JAVA_DOUBLE.test(t)) throw new JavaConversionError(`'${s}' is not a number`);
  return Number(t.replace(/[fFdD]$/, ''));
}

/** Converts a string to the kind of the other operand, as ComparisonExpression does. */
function convert(s: string, to: Value['kind']): Value {
  switch (to) {
    case 'int':
    case 'long':
      return parseJavaInteger(s, to);
    case 'double':
      return { kind: 'double', v: parseJavaDouble(s) };
    case 'boolean':
      return { kind: 'boolean', v: s.toLowerCase() === 'true' };
    case 'string':
      return { kind: 'string', v: s };
  }
}

const cmp = <T extends string | boolean | number | bigint>(a: T, b: T): number =>
  a < b ? -1 : a > b ? 1 : 0;

/** Double.compare: NaN equals itself and is above everything; -0.0 is below 0.0. */
function compareDoubles(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
  return cmp(Object.is(a, -0) ? 0 : 1, Object.is(b, -0) ? 0 : 1);
}

/** Java's widening: int → long → double; longs compare exactly, as BigInts. */
function compareNumbers(l: Num, r: Num): number {
  if (l.kind === 'double' || r.kind === 'double') return compareDoubles(Number(l.v), Number(r.v));
  if (l.kind === 'int' && r.kind === 'int') return cmp(l.v, r.v);
  return cmp(BigInt(l.v), BigInt(r.v));
}

const isNum = (v: Value): v is Num => v.kind === 'int' || v.kind === 'long' || v.kind === 'double';

/** ComparisonExpression#__compare with string conversion on: -1 for unrelated types. */
function compare(l: Value, r: Value): number {
  if (isNum(l) && isNum(r)) return compareNumbers(l, r);
  if (l.kind === 'string' && r.kind === 'string') return cmp(l.v, r.v);
  if (l.kind === 'boolean' && r.kind === 'boolean') return cmp(l.v, r.v);
  if (l.kind === 'string') return compare(convert(l.v, r.kind), r);
  if (r.kind === 'string') {
    // Java casts the Boolean itself to String here (a ClassCastException): TRUE = flag fails,
    // while flag = TRUE converts the property.
    if (l.kind === 'boolean') {
      throw new JavaConversionError('a boolean cannot be compared with a string');
    }
    return compare(l, convert(r.v, l.kind));
  }
  return -1;
}

function truth(v: unknown): boolean | null {
  if (v === null) return null;
  if (typeof v !== 'boolean') throw new JavaConversionError('not a boolean');
  return v;
}

function value(e: Expr, props: Record<string, string>): V {
  if (e.op === 'const') return e.value;
  if (e.op === 'prop') {
    const s = props[e.name];
    return s === undefined ? null : { kind: 'string', v: s };
  }
  if (e.op === 'negate') {
    // UnaryExpression#createNegate: NULL for a non-number, but negate() throws for a Boolean.
    const v = value(e.arg, props);
    if (v?.kind === 'boolean') throw new JavaConversionError('a boolean cannot be negated');
    if (v === null || v.kind === 'string') return null;
    // Java's int negation wraps: -Integer.MIN_VALUE stays Integer.MIN_VALUE.
    if (v.kind === 'int') return { kind: 'int', v: v.v === INT_MIN ? INT_MIN : -v.v };
    if (v.kind === 'long') return { kind: 'long', v: BigInt.asIntN(64, -v.v) };
    return { kind: 'double', v: -v.v };
  }
  const b = evaluate(e, props);
  return b === null ? null : { kind: 'boolean', v: b };
}

/** true / false / null (unknown); throws JavaConversionError where Java would throw. */
function evaluate(e: Expr, props: Record<string, string>): boolean | null {
  switch (e.op) {
    case 'const':
    case 'prop':
    case 'negate': {
      const v = value(e, props);
      return v === null ? null : truth(v.v);
    }
    case 'boolcast': {
      const v = value(e.arg, props);
      if (v === null) return null;
      return v.kind === 'boolean' ? v.v : false;
    }
    case 'and': {
      const l = evaluate(e.left, props);
      if (l === false) return false;
      const r = evaluate(e.right, props);
      if (r === false) return false;
      return l === null || r === null ? null : true;
    }
    case 'or': {
      const l = evaluate(e.left, props);
      if (l === true) return true;
      const r = evaluate(e.right, props);
      if (r === true) return true;
      return l === null || r === null ? null : false;
    }
    case 'not': {
      const v = evaluate(e.arg, props);
      return v === null ? null : !v;
    }
    case 'isnull':
      return value(e.arg, props) === null;
    case 'eq':
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge':
      return comparison(e, props);
    case 'in': {
      const v = value(e.arg, props);
      if (v === null || v.kind !== 'string') return null;
      return e.list.has(v.v) !== e.not;
    }
    case 'contains':
    case 'startswith':
    case 'endswith':
      return stringPredicate(e, props);
  }
}

type ComparisonExpr = Extract<Expr, { op: 'eq' | 'lt' | 'le' | 'gt' | 'ge' }>;

function comparison(e: ComparisonExpr, props: Record<string, string>): boolean | null {
  const l = value(e.left, props);
  if (e.op === 'eq') {
    // ComparisonExpression#doCreateEqual: NULL = NULL holds, NULL = x is unknown, x = NULL false.
    const r = value(e.right, props);
    if (l === null || r === null)
      return l === null && r === null ? true : l === null ? null : false;
    if (l.kind === r.kind && l.v === r.v) return true;
    return compare(l, r) === 0;
  }
  if (l === null) return null;
  const r = value(e.right, props);
  if (r === null) return null;
  // Two strings under < <= > >= are both read as doubles, or the comparison fails.
  const c =
    l.kind === 'string' && r.kind === 'string'
      ? compareDoubles(parseJavaDouble(l.v), parseJavaDouble(r.v))
      : compare(l, r);
  return e.op === 'lt' ? c < 0 : e.op === 'le' ? c <= 0 : e.op === 'gt' ? c > 0 : c >= 0;
}

type StringPredicateExpr = Extract<Expr, { op: 'contains' | 'startswith' | 'endswith' }>;

/** CONTAINS / STARTSWITH / ENDSWITH and their NOTs: FALSE, never unknown, without a string. */
function stringPredicate(e: StringPredicateExpr, props: Record<string, string>): boolean {
  if (e.search === '') return false;
  const v = value(e.arg, props);
  if (v === null || v.kind !== 'string') return false;
  const hit =
    e.op === 'contains'
      ? v.v.includes(e.search)
      : e.op === 'startswith'
        ? v.v.startsWith(e.search)
        : v.v.endsWith(e.search);
  return hit !== e.not;
}

/** Whether the message matches: only a definite TRUE does; unknown and errors do not. */
export function matchesSql92(e: Expr, props: Record<string, string>): boolean {
  try {
    return evaluate(e, props) === true;
  } catch (err) {
    if (err instanceof JavaConversionError) return false;
    throw err;
  }
}
