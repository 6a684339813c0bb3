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
const NUMBER = /^(?:(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+|(0|[1-9]\d*)[lL]?)/;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*/;
const SYMBOLS_2 = new Set(['<>', '<=', '>=']);
const SYMBOLS_1 = '=<>(),+-';

/** Splits an expression into tokens ending with one 'eof'; throws Sql92SyntaxError. */
export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const at = (index: number): Position => ({ line, column: index - lineStart + 1 });
  const fail = (reason: string, index: number, token: string): never => {
    throw new Sql92SyntaxError(reason, at(index), token);
  };
  /** Moves past sql[from, to), counting the line breaks inside. */
  const advance = (to: number): void => {
    for (let k = i; k < to; k++) {
      const c = sql[k];
      if (c === '\n' || (c === '\r' && sql[k + 1] !== '\n')) {
        line++;
        lineStart = k + 1;
      }
    }
    i = to;
  };
  const push = (type: TokenType, end: number, value: string): void => {
    out.push({ type, text: sql.slice(i, end), value, ...at(i) });
    advance(end);
  };
  while (i < sql.length) {
    const c = sql[i]!;
    const rest = sql.slice(i);
    if (WHITESPACE.test(c)) {
      advance(i + 1);
    } else if (rest.startsWith('--')) {
      const nl = rest.search(/[\r\n]/);
      // RocketMQ's line comment needs its line end; one running to the end of text is an error.
      if (nl < 0) fail('a -- comment must end with a line break', i, '--');
      advance(i + nl);
    } else if (rest.startsWith('/*')) {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) fail('unterminated /* comment', i, '/*');
      advance(end + 2);
    } else if (c === "'") {
      push(
        'str',
        stringEnd(sql, i, () => fail('unterminated string literal', i, rest)),
        '',
      );
      const t = out[out.length - 1]!;
      t.value = t.text.slice(1, -1).replaceAll("''", "'");
    } else if (/[0-9.]/.test(c)) {
      const m = NUMBER.exec(rest);
      if (!m) fail(`unexpected '${c}'`, i, c);
      const text = m![0];
      if (/^0\d/.test(rest) && m![1] !== undefined) {
        fail(`a number may not start with 0: '${/^\d+/.exec(rest)![0]}'`, i, text);
      }
      if (m![1] !== undefined) push('int', i + text.length, m![1]);
      else push('float', i + text.length, text);
    } else if (IDENTIFIER.test(rest)) {
      const text = IDENTIFIER.exec(rest)![0];
      const up = text.toUpperCase();
      if (KEYWORDS.has(up)) push('kw', i + text.length, up);
      else push('id', i + text.length, text);
    } else if (SYMBOLS_2.has(rest.slice(0, 2))) {
      push('sym', i + 2, rest.slice(0, 2));
    } else if (SYMBOLS_1.includes(c)) {
      push('sym', i + 1, c);
    } else {
      fail(`unexpected character '${c}'`, i, c);
    }
  }
  out.push({ type: 'eof', text: '', value: '', ...at(i) });
  return out;
}

/** Index just past the closing quote of the string literal opened at `start`. */
function stringEnd(sql: string, start: number, unterminated: () => never): number {
  let j = start + 1;
  for (;;) {
    const q = sql.indexOf("'", j);
    if (q < 0) return unterminated();
    if (sql[q + 1] !== "'") return q + 1;
    j = q + 2;
  }
}
