// What RocketMQ's SelectorParser refuses is refused here, with the line, column and token; and
// what it accepts (a few surprising cases included) is accepted.
import { describe, expect, it } from 'vitest';
import { Sql92SyntaxError } from './lexer.js';
import { parseSql92 } from './parser.js';

function syntaxError(sql: string): Sql92SyntaxError {
  try {
    parseSql92(sql);
  } catch (err) {
    expect(err).toBeInstanceOf(Sql92SyntaxError);
    return err as Sql92SyntaxError;
  }
  throw new Error(`${JSON.stringify(sql)} parsed`);
}

describe('SQL92 parser: errors name the column and the token', () => {
  it.each([
    ["a = 'x", /unterminated string literal \(at column 5\)/],
    ['a = ', /ends too early \(at column 5\)/],
    ['a = 1 ADN b = 2', /unexpected 'ADN' after a complete expression \(at column 7\)/],
    ['a > ', /ends too early/],
    ["a > 'x'", /value 'x' cannot be compared with > \(at column 3\)/],
    ['a = NULL', /NULL cannot be compared .* use IS NULL \(at column 3\)/],
    ['TRUE = 1', /'TRUE' cannot be compared with '1'/],
    ['a BETWEEN 5 AND 1', /5 must not be greater than 1/],
    ['a BETWEEN NULL AND 1', /values can not be NULL/],
    ['a NOT BETWEEN NULL AND 1', /value NULL cannot be compared/],
    ["'x' IN ('x')", /expected a property for IN/],
    ['a IN (1)', /expected a 'string' but found '1'/],
    ["a IN ('x'", /expected '\)' but found the end/],
    ['a BETWEEN 1 OR 2', /expected AND but found 'OR'/],
    ['1', /will not result in a boolean value: 1 \(at column 1\)/],
    ["a = 1 AND 'x'", /will not result in a boolean value: 'x' \(at column 7\)/],
    ['a # 1', /unexpected character '#' \(at column 3\)/],
    ['', /empty/],
    ['  -- only a comment\n', /empty/],
    ['a = 99999999999999999999', /out of the long range/],
    ['a = 012', /may not start with 0: '012'/],
    ['a > 0.0', /less than the smallest positive double .* write 0/],
    ['a > .0e5', /less than the smallest positive double/],
    ['a > 1e400', /greater than the largest double/],
    ['a CONTAINS b', /expected a 'string' but found 'b'/],
    ['a = 1 -- no line end', /a -- comment must end with a line break/],
    ['a = 1 /* open', /unterminated \/\* comment/],
    ['And = 1', /unexpected keyword AND \(at column 1\)/], // a keyword is never a property
  ])('%s', (sql, re) => {
    expect(syntaxError(sql).message).toMatch(re);
  });

  it('carries line, column and token; columns restart on each line', () => {
    const e = syntaxError("a = 1 AND\n  /* two */ b >= 'x'");
    expect([e.line, e.column, e.token]).toEqual([2, 15, '>=']);
    expect(e.message).toMatch(/\(at line 2, column 15\)$/);
    const crlf = syntaxError('a = 1 -- c\r\nAND # b');
    expect([crlf.line, crlf.column, crlf.token]).toEqual([2, 5, '#']);
    const end = syntaxError('a = ');
    expect([end.line, end.column, end.token]).toEqual([1, 5, '']);
    const str = syntaxError("a = 'multi\nline' AND b > 'x'");
    expect([str.line, str.column, str.token]).toEqual([2, 13, '>']);
  });

  it("refuses whitespace that is not JavaCC's (space, tab, CR, LF, FF)", () => {
    expect(() => parseSql92("a\t=\f'1'\r\n")).not.toThrow();
    for (const ws of ['\v', '\u00a0', '\u3000']) {
      expect(syntaxError(`a =${ws}1`).token).toBe(ws);
    }
  });
});

describe('SQL92 parser: what RocketMQ accepts', () => {
  it.each([
    'NULL', // the NULL literal is a BooleanConstantExpression there
    'NOT NULL',
    "NULL OR a = 'x'",
    'NULL IS NULL',
    'a', // a bare property is cast to boolean
    'NOT a',
    '- - a > 1',
    '+a > 1',
    'a > 0',
    'a > 0L',
    'a > 5. AND b < .5 AND c = 5E2 AND d = 5.5e-3',
    'a BETWEEN 1 AND 1.0',
    'a NOT BETWEEN 9 AND 1', // only BETWEEN checks its bounds' order
    "a IN ('x', 'x', 'y')",
    'x_1$ = 1 AND $x = 2 AND _ = 3',
    "a = '' AND b = ''''",
    'TRUE = TRUE AND TRUE <> FALSE',
    "'x' = a",
    'a = b',
    "a CONTAINS '' AND a NOT ENDSWITH 'x'",
    'a = 1 Or b iS nOt NuLl aNd c BeTwEeN 1 and 2', // keywords in any case
  ])('%s', (sql) => {
    expect(() => parseSql92(sql)).not.toThrow();
  });
});
