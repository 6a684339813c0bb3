// The SQL92 subset RocketMQ filters messages with (filter/parser/SelectorParser.jj, a trimmed
// ActiveMQ JMS selector): OR / AND / NOT, = <> < <= > >=, [NOT] BETWEEN, [NOT] IN ('a', ...),
// IS [NOT] NULL, [NOT] CONTAINS / STARTSWITH / ENDSWITH 'x', unary + and -, parentheses,
// 'string' (with '' for a quote), integers (an L suffix allowed), decimals, TRUE, FALSE, NULL.
// Keywords are case-insensitive, property names are not. `--` and `/* */` comments are skipped.
// The checks RocketMQ makes while parsing are made here too, so a subscription that RocketMQ
// refuses is refused with the same reason, and every error names the column it was found at.
// One deliberate difference: RocketMQ ignores whatever follows a complete expression
// ("a = 1 ADN b = 2" filters on a = 1); that is an error here.

export class Sql92SyntaxError extends Error {
  override name = 'Sql92SyntaxError';
  /** 1-based column of the offending token. */
  readonly column: number;
  constructor(message: string, column: number) {
    super(`${message} (at column ${column})`);
    this.column = column;
  }
}

/** A literal's value, typed as Java sees it: int and long differ when strings are converted. */
export type Value =
  | { kind: 'string'; v: string }
  | { kind: 'int'; v: number }
  | { kind: 'long'; v: number }
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

type TokenType = 'kw' | 'id' | 'str' | 'int' | 'float' | 'sym' | 'eof';
interface Token {
  type: TokenType;
  text: string;
  /** Keyword in upper case; the literal value for str/int/float. */
  value: string;
  column: number;
}

const KEYWORDS = new Set([
  'NOT',
  'AND',
  'OR',
  'BETWEEN',
  'IN',
  'TRUE',
  'FALSE',
  'NULL',
  'IS',
  'CONTAINS',
  'STARTSWITH',
  'ENDSWITH',
]);

function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const push = (type: TokenType, text: string, value: string, at: number) =>
    out.push({ type, text, value, column: at + 1 });
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (sql.startsWith('--', i)) {
      const nl = sql.slice(i).search(/[\r\n]/);
      // RocketMQ's line comment needs its line end; one running to the end of text is an error.
      if (nl < 0) throw new Sql92SyntaxError('a -- comment must end with a line break', i + 1);
      i += nl;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) throw new Sql92SyntaxError('unterminated /* comment', i + 1);
      i = end + 2;
    } else if (c === "'") {
      let j = i + 1;
      let v = '';
      for (;;) {
        if (j >= sql.length) throw new Sql92SyntaxError('unterminated string literal', i + 1);
        if (sql[j] === "'") {
          if (sql[j + 1] === "'") {
            v += "'";
            j += 2;
            continue;
          }
          break;
        }
        v += sql[j++];
      }
      push('str', sql.slice(i, j + 1), v, i);
      i = j + 1;
    } else if (/[0-9.]/.test(c)) {
      const m = /^(?:(\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+|(\d+)([lL])?)/.exec(
        sql.slice(i),
      );
      if (!m || m[0] === '.') throw new Sql92SyntaxError(`unexpected '${c}'`, i + 1);
      if (m[2] !== undefined) {
        if (m[2].length > 1 && m[2].startsWith('0')) {
          throw new Sql92SyntaxError(`a number may not start with 0: '${m[0]}'`, i + 1);
        }
        push('int', m[0], m[2], i);
      } else push('float', m[0], m[0], i);
      i += m[0].length;
    } else if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(sql.slice(i))!;
      const up = m[0].toUpperCase();
      if (KEYWORDS.has(up)) push('kw', m[0], up, i);
      else push('id', m[0], m[0], i);
      i += m[0].length;
    } else {
      const two = sql.slice(i, i + 2);
      if (two === '<>' || two === '<=' || two === '>=') {
        push('sym', two, two, i);
        i += 2;
      } else if ('=<>(),+-'.includes(c)) {
        push('sym', c, c, i);
        i++;
      } else {
        throw new Sql92SyntaxError(`unexpected character '${c}'`, i + 1);
      }
    }
  }
  push('eof', '', '', sql.length);
  return out;
}

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
    if (this.peek().type === 'eof') throw new Sql92SyntaxError('the expression is empty', 1);
    const e = this.asBoolean(this.or());
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
    return new Sql92SyntaxError(message, t.column);
  }

  private expectKw(word: string): void {
    if (!this.isKw(word)) throw this.error(`expected ${word} but found '${this.peek().text}'`);
    this.next();
  }

  private expectSym(sym: string): void {
    if (!this.isSym(sym)) throw this.error(`expected '${sym}' but found '${this.peek().text}'`);
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
      case 'float': {
        const v = Number(t.value);
        if (!Number.isFinite(v)) throw this.error(`${t.text} is out of range`, t);
        return { op: 'const', value: { kind: 'double', v } };
      }
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
    if (t.type !== 'str')
      throw this.error(`expected a 'string' but found '${t.text || 'the end'}'`);
    this.next();
    return t.value;
  }
}

function decimal(t: Token): Value {
  const n = BigInt(t.value);
  if (n >= LONG_LIMIT) throw new Sql92SyntaxError(`${t.text} is out of the long range`, t.column);
  const v = Number(n);
  return v >= INT_MIN && v <= INT_MAX ? { kind: 'int', v } : { kind: 'long', v };
}

function isNumber(v: Value): v is Extract<Value, { v: number }> {
  return v.kind === 'int' || v.kind === 'long' || v.kind === 'double';
}

/** Expressions RocketMQ types as BooleanExpression (TRUE/FALSE constants included). */
function isBoolean(e: Expr): boolean {
  if (e.op === 'const') return e.value?.kind === 'boolean';
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
    throw new Sql92SyntaxError("NULL cannot be compared with '=' or '<>'; use IS NULL", at.column);
  }
}

function checkLessThanOperand(e: Expr, at: Token): void {
  const bad =
    (e.op === 'const' && (e.value === null || !isNumber(e.value))) ||
    (e.op !== 'const' && isBoolean(e));
  if (bad) {
    throw new Sql92SyntaxError(
      `value ${describe(e)} cannot be compared with ${at.text}`,
      at.column,
    );
  }
}

export function parseSql92(sql: string): Expr {
  return new Parser(sql).parse();
}
