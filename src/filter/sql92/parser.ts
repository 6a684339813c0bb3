// RocketMQ's SQL92 selector grammar (filter/parser/SelectorParser.jj, a trimmed ActiveMQ JMS
// selector), loosest binding first: OR; AND; = <> IS [NOT] NULL; < <= > >= [NOT] BETWEEN,
// [NOT] IN ('a', ...), [NOT] CONTAINS / STARTSWITH / ENDSWITH 'x'; unary + - NOT; literals
// (string, integer, decimal, TRUE, FALSE, NULL), properties and parentheses. NOT binds tighter
// than '=', as there. The checks RocketMQ makes while building the tree (ComparisonExpression's
// checkLessThanOperand / checkEqualOperand, createBetween, createInFilter, asBooleanExpression,
// ConstantExpression's literal ranges) are made here too, so a subscription that RocketMQ refuses
// is refused for the same reason, and every error names the line, column and token.
// One deliberate difference: RocketMQ stops at the end of the first complete expression and
// ignores the rest ("a = 1 ADN b = 2" filters on a = 1, "a = 012" on a = 0); that is an error
// here, because a typo would otherwise silently widen a subscription.
import { Sql92SyntaxError, type Token, tokenize } from './lexer.js';

/** A literal's value, typed as Java sees it: int and long differ when strings are converted. */
export type Value =
  | { kind: 'string'; v: string }
  | { kind: 'int'; v: number }
  | { kind: 'long'; v: bigint }
  | { kind: 'double'; v: number }
  | { kind: 'boolean'; v: boolean };

export type Expr =
  | { op: 'const'; value: Value | null }
  | { op: 'prop'; name: string }
  | { op: 'and' | 'or'; left: Expr; right: Expr }
  | { op: 'not' | 'boolcast' | 'negate'; arg: Expr }
  | { op: 'eq' | 'lt' | 'le' | 'gt' | 'ge'; left: Expr; right: Expr }
  | { op: 'isnull'; arg: Expr }
  | { op: 'in'; arg: Expr; list: Set<string>; not: boolean }
  | { op: 'contains' | 'startswith' | 'endswith'; arg: Expr; search: string; not: boolean };

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const LONG_LIMIT = 2n ** 63n;

class Parser {
  private readonly tokens: Token[];
  private pos = 0;

  constructor(sql: string) {
    this.tokens = tokenize(sql);
  }

  parse(): Expr {
    if (this.peek().type === 'eof') throw this.error('the expression is empty');
    const e = this.asBoolean(this.or(), this.tokens[0]);
    const t = this.peek();
    if (t.type !== 'eof') throw this.error(`unexpected '${t.text}' after a complete expression`);
    return e;
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (t.type !== 'eof') this.pos++;
    return t;
  }

  private isKw(word: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.type === 'kw' && t.value === word;
  }

  private isSym(sym: string): boolean {
    const t = this.peek();
    return t.type === 'sym' && t.value === sym;
  }

  private error(message: string, t = this.peek()): Sql92SyntaxError {
    return new Sql92SyntaxError(message, t, t.text);
  }

  private expectKw(word: string): void {
    if (!this.isKw(word)) throw this.error(`expected ${word} but found ${shown(this.peek())}`);
    this.next();
  }

  private expectSym(sym: string): void {
    if (!this.isSym(sym)) throw this.error(`expected '${sym}' but found ${shown(this.peek())}`);
    this.next();
  }

  /** asBooleanExpression: a property is cast to boolean; any other non-boolean is refused. */
  private asBoolean(e: Expr, at = this.peek()): Expr {
    if (isBoolean(e)) return e;
    if (e.op === 'prop') return { op: 'boolcast', arg: e };
    throw this.error(`expression will not result in a boolean value: ${describe(e)}`, at);
  }

  private or(): Expr {
    let left = this.and();
    while (this.isKw('OR')) {
      const at = this.next();
      left = { op: 'or', left: this.asBoolean(left, at), right: this.asBoolean(this.and(), at) };
    }
    return left;
  }

  private and(): Expr {
    let left = this.equality();
    while (this.isKw('AND')) {
      const at = this.next();
      const right = this.equality();
      left = { op: 'and', left: this.asBoolean(left, at), right: this.asBoolean(right, at) };
    }
    return left;
  }

  private equality(): Expr {
    let left = this.comparison();
    for (;;) {
      if (this.isSym('=') || this.isSym('<>')) {
        const t = this.next();
        const right = this.comparison();
        checkEqualOperand(left, t);
        checkEqualOperand(right, t);
        if (left.op === 'const' && right.op === 'const') {
          const lb = left.value?.kind === 'boolean';
          if (lb && right.value?.kind !== 'boolean') {
            throw this.error(`'${describe(left)}' cannot be compared with '${describe(right)}'`, t);
          }
        }
        const eq: Expr = { op: 'eq', left, right };
        left = t.value === '=' ? eq : { op: 'not', arg: eq };
      } else if (this.isKw('IS') && this.isKw('NULL', 1)) {
        this.next();
        this.next();
        left = { op: 'isnull', arg: left };
      } else if (this.isKw('IS') && this.isKw('NOT', 1) && this.isKw('NULL', 2)) {
        this.pos += 3;
        left = { op: 'not', arg: { op: 'isnull', arg: left } };
      } else {
        return left;
      }
    }
  }

  private comparison(): Expr {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (t.type === 'sym' && ['>', '>=', '<', '<='].includes(t.value)) {
        this.next();
        const right = this.unary();
        checkLessThanOperand(left, t);
        checkLessThanOperand(right, t);
        const op = ({ '>': 'gt', '>=': 'ge', '<': 'lt', '<=': 'le' } as const)[
          t.value as '>' | '>=' | '<' | '<='
        ];
        left = { op, left, right };
        continue;
      }
      const not = this.isKw('NOT') && ['CONTAINS', 'STARTSWITH', 'ENDSWITH', 'BETWEEN', 'IN'];
      const word = not
        ? not.find((w) => this.isKw(w, 1))
        : ['CONTAINS', 'STARTSWITH', 'ENDSWITH', 'BETWEEN', 'IN'].find((w) => this.isKw(w));
      if (!word) return left;
      if (not) this.next();
      const at = this.next();
      const negated = !!not;
      if (word === 'CONTAINS' || word === 'STARTSWITH' || word === 'ENDSWITH') {
        const op = word.toLowerCase() as 'contains' | 'startswith' | 'endswith';
        left = { op, arg: left, search: this.stringLiteral(), not: negated };
      } else if (word === 'BETWEEN') {
        const low = this.unary();
        this.expectKw('AND');
        const high = this.unary();
        left = this.between(left, low, high, negated, at);
      } else {
        if (left.op !== 'prop') {
          throw this.error(`expected a property for IN, got ${describe(left)}`, at);
        }
        this.expectSym('(');
        const list = new Set([this.stringLiteral()]);
        while (this.isSym(',')) {
          this.next();
          list.add(this.stringLiteral());
        }
        this.expectSym(')');
        left = { op: 'in', arg: left, list, not: negated };
      }
    }
  }

  private between(v: Expr, low: Expr, high: Expr, not: boolean, at: Token): Expr {
    if (!not && low.op === 'const' && high.op === 'const') {
      if (low.value === null || high.value === null) {
        throw this.error('illegal values of BETWEEN: values can not be NULL', at);
      }
      const l = low.value;
      const h = high.value;
      if (isNumber(l) && isNumber(h) && h.v < l.v) {
        throw this.error(`illegal values of BETWEEN: ${l.v} must not be greater than ${h.v}`, at);
      }
    }
    for (const e of [v, low, high]) checkLessThanOperand(e, at);
    if (not) {
      return {
        op: 'or',
        left: { op: 'lt', left: v, right: low },
        right: { op: 'gt', left: v, right: high },
      };
    }
    return {
      op: 'and',
      left: { op: 'ge', left: v, right: low },
      right: { op: 'le', left: v, right: high },
    };
  }

  private unary(): Expr {
    if (this.isSym('+')) {
      this.next();
      return this.unary();
    }
    if (this.isSym('-')) {
      this.next();
      return { op: 'negate', arg: this.unary() };
    }
    if (this.isKw('NOT')) {
      const at = this.next();
      return { op: 'not', arg: this.asBoolean(this.unary(), at) };
    }
    return this.primary();
  }

  private primary(): Expr {
    const t = this.next();
    switch (t.type) {
      case 'str':
        return { op: 'const', value: { kind: 'string', v: t.value } };
      case 'int':
        return { op: 'const', value: decimal(t) };
      case 'float':
        return { op: 'const', value: { kind: 'double', v: floatLiteral(t) } };
      case 'id':
        return { op: 'prop', name: t.value };
      case 'kw':
        if (t.value === 'TRUE' || t.value === 'FALSE') {
          return { op: 'const', value: { kind: 'boolean', v: t.value === 'TRUE' } };
        }
        if (t.value === 'NULL') return { op: 'const', value: null };
        throw this.error(`unexpected keyword ${t.value}`, t);
      case 'sym':
        if (t.value === '(') {
          const e = this.or();
          this.expectSym(')');
          return e;
        }
        throw this.error(`unexpected '${t.text}'`, t);
      case 'eof':
        throw this.error('the expression ends too early', t);
    }
  }

  private stringLiteral(): string {
    const t = this.peek();
    if (t.type !== 'str') throw this.error(`expected a 'string' but found ${shown(t)}`);
    this.next();
    return t.value;
  }
}

function decimal(t: Token): Value {
  const n = BigInt(t.value);
  if (n >= LONG_LIMIT) throw new Sql92SyntaxError(`${t.text} is out of the long range`, t, t.text);
  return n >= INT_MIN && n <= INT_MAX ? { kind: 'int', v: Number(n) } : { kind: 'long', v: n };
}

/**
 * ConstantExpression#createFloat refuses a value above Double.MAX_VALUE and, because it compares
 * with Double.MIN_VALUE (the smallest positive double), every literal that reads as zero: 0.0 is
 * refused by RocketMQ, and so here, so that what one broker accepts the other accepts too.
 */
function floatLiteral(t: Token): number {
  const v = Number(t.value);
  if (v > Number.MAX_VALUE) {
    throw new Sql92SyntaxError(`${t.text} is greater than the largest double`, t, t.text);
  }
  if (v < Number.MIN_VALUE) {
    throw new Sql92SyntaxError(
      `${t.text} is less than the smallest positive double (RocketMQ refuses a decimal zero; ` +
        'write 0)',
      t,
      t.text,
    );
  }
  return v;
}

/** A token for a message: quoted as written, or "the end". */
function shown(t: Token): string {
  return t.type === 'eof' ? 'the end' : `'${t.text}'`;
}

function isNumber(v: Value): v is Extract<Value, { kind: 'int' | 'long' | 'double' }> {
  return v.kind === 'int' || v.kind === 'long' || v.kind === 'double';
}

/** Expressions RocketMQ types as BooleanExpression (TRUE, FALSE and NULL constants included). */
function isBoolean(e: Expr): boolean {
  if (e.op === 'const') return e.value === null || e.value.kind === 'boolean';
  return !['prop', 'negate'].includes(e.op);
}

function describe(e: Expr): string {
  if (e.op === 'prop') return e.name;
  if (e.op === 'const') {
    if (e.value === null) return 'NULL';
    return e.value.kind === 'string' ? `'${e.value.v}'` : String(e.value.v).toUpperCase();
  }
  return `a ${e.op} expression`;
}

function checkEqualOperand(e: Expr, at: Token): void {
  if (e.op === 'const' && e.value === null) {
    throw new Sql92SyntaxError(
      "NULL cannot be compared with '=' or '<>'; use IS NULL",
      at,
      at.text,
    );
  }
}

function checkLessThanOperand(e: Expr, at: Token): void {
  const bad =
    (e.op === 'const' && (e.value === null || !isNumber(e.value))) ||
    (e.op !== 'const' && isBoolean(e));
  if (bad) {
    throw new Sql92SyntaxError(
      `value ${describe(e)} cannot be compared with ${at.text}`,
      at,
      at.text,
    );
  }
}

export function parseSql92(sql: string): Expr {
  return new Parser(sql).parse();
}
