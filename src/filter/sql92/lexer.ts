// Tokens of RocketMQ's SQL92 selector (filter/parser/SelectorParser.jj, TOKEN and SKIP sections):
// keywords and identifiers are matched case-insensitively as keywords, identifiers keep their
// case; 'string' literals double a quote to escape it and may span lines; DECIMAL_LITERAL is
// "0" or a digit string not starting with 0 with an optional L; FLOATING_POINT_LITERAL has a
// '.' or an exponent; `--` comments need their line end, `/* */` comments need their close.
// Whitespace is JavaCC's set exactly (space, tab, LF, CR, FF): anything else is refused, as
// the reference's token manager refuses it.
//
// Hand-written rather than a parser library: the grammar is twelve keywords and eight symbols,
// and what matters is RocketMQ's exact acceptance (its quirks included), which a generic
// grammar tool would make us restate anyway, at the price of a runtime dependency in the broker.

export class Sql92SyntaxError extends Error {
  override name = 'Sql92SyntaxError';
  /** 1-based line of the offending token (line breaks only occur in comments and strings). */
  readonly line: number;
  /** 1-based column, within its line, of the offending token. */
  readonly column: number;
  /** The offending token as written; '' at the end of the expression. */
  readonly token: string;
  constructor(reason: string, at: Position, token: string) {
    const where = at.line === 1 ? `column ${at.column}` : `line ${at.line}, column ${at.column}`;
    super(`${reason} (at ${where})`);
    this.line = at.line;
    this.column = at.column;
    this.token = token;
  }
}

export interface Position {
  line: number;
  column: number;
}

export type TokenType = 'kw' | 'id' | 'str' | 'int' | 'float' | 'sym' | 'eof';

export interface Token extends Position {
  type: TokenType;
  /** As written in the expression. */
  text: string;
  /** Keyword in upper case; the literal's value for str/int/float (quotes and L removed). */
  value: string;
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

const WHITESPACE = /[ \t\n\r\f]/;
// Sticky: each matches at lastIndex only.
const NUMBER = /(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+|(0|[1-9]\d*)[lL]?/y;
const IDENTIFIER = /[A-Za-z_$][A-Za-z0-9_$]*/y;
const LINE_END = /[\r\n]/g;
const SYMBOLS_2 = new Set(['<>', '<=', '>=']);
const SYMBOLS_1 = '=<>(),+-';

/** Splits an expression into tokens ending with one 'eof'; throws Sql92SyntaxError. */
export function tokenize(sql: string): Token[] {
  return new Lexer(sql).run();
}

class Lexer {
  private readonly sql: string;
  private readonly out: Token[] = [];
  private i = 0;
  private line = 1;
  private lineStart = 0;

  constructor(sql: string) {
    this.sql = sql;
  }

  run(): Token[] {
    const { sql } = this;
    while (this.i < sql.length) {
      const c = sql[this.i]!;
      if (WHITESPACE.test(c)) this.advance(this.i + 1);
      else if (sql.startsWith('--', this.i) || sql.startsWith('/*', this.i)) this.comment();
      else if (c === "'") this.string();
      else if (/[0-9.]/.test(c)) this.number(c);
      else if (/[A-Za-z_$]/.test(c)) this.word();
      else if (SYMBOLS_2.has(sql.slice(this.i, this.i + 2))) this.push('sym', this.i + 2);
      else if (SYMBOLS_1.includes(c)) this.push('sym', this.i + 1);
      else this.fail(`unexpected character '${c}'`, c);
    }
    this.out.push({ type: 'eof', text: '', value: '', ...this.at() });
    return this.out;
  }

  private at(): Position {
    return { line: this.line, column: this.i - this.lineStart + 1 };
  }

  private fail(reason: string, token: string): never {
    throw new Sql92SyntaxError(reason, this.at(), token);
  }

  /** Moves to `to`, counting the line breaks passed (CR LF, LF or CR). */
  private advance(to: number): void {
    for (let k = this.i; k < to; k++) {
      const c = this.sql[k];
      if (c === '\n' || (c === '\r' && this.sql[k + 1] !== '\n')) {
        this.line++;
        this.lineStart = k + 1;
      }
    }
    this.i = to;
  }

  private push(type: TokenType, end: number, value?: string): void {
    const text = this.sql.slice(this.i, end);
    this.out.push({ type, text, value: value ?? text, ...this.at() });
    this.advance(end);
  }

  private comment(): void {
    if (this.sql.startsWith('--', this.i)) {
      LINE_END.lastIndex = this.i;
      // RocketMQ's line comment needs its line end; one running to the end of text is an error.
      if (!LINE_END.test(this.sql)) this.fail('a -- comment must end with a line break', '--');
      this.advance(LINE_END.lastIndex - 1);
    } else {
      const end = this.sql.indexOf('*/', this.i + 2);
      if (end < 0) this.fail('unterminated /* comment', '/*');
      this.advance(end + 2);
    }
  }

  private string(): void {
    let j = this.i + 1;
    for (;;) {
      const q = this.sql.indexOf("'", j);
      if (q < 0) this.fail('unterminated string literal', this.sql.slice(this.i));
      if (this.sql[q + 1] !== "'") {
        this.push('str', q + 1, this.sql.slice(this.i + 1, q).replaceAll("''", "'"));
        return;
      }
      j = q + 2;
    }
  }

  private number(c: string): void {
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.sql);
    if (!m) this.fail(`unexpected '${c}'`, c);
    const int = m[1];
    if (int === undefined) {
      this.push('float', this.i + m[0].length);
      return;
    }
    if (int === '0' && /\d/.test(this.sql[this.i + 1] ?? '')) {
      const digits = /\d+/y;
      digits.lastIndex = this.i;
      this.fail(`a number may not start with 0: '${digits.exec(this.sql)![0]}'`, m[0]);
    }
    this.push('int', this.i + m[0].length, int);
  }

  private word(): void {
    IDENTIFIER.lastIndex = this.i;
    const text = IDENTIFIER.exec(this.sql)![0];
    const up = text.toUpperCase();
    if (KEYWORDS.has(up)) this.push('kw', this.i + text.length, up);
    else this.push('id', this.i + text.length);
  }
}
