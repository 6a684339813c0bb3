import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { parseProperties } from './properties.js';

const pairs = (text: string) => parseProperties(text).map((e) => [e.key, e.value, e.line]);

describe('parseProperties', () => {
  it('reads key=value, key: value and key value with surrounding whitespace', () => {
    expect(pairs('a=1\n  b : 2\nc 3\n\td\t=\t4')).toEqual([
      ['a', '1', 1],
      ['b', '2', 2],
      ['c', '3', 3],
      ['d', '4', 4],
    ]);
  });

  it('keeps trailing whitespace of a value, as Java does', () => {
    expect(pairs('k = v  ')).toEqual([['k', 'v  ', 1]]);
  });

  it('skips # and ! comments and blank lines, keeping line numbers', () => {
    expect(pairs('# c\n\n   ! also\nkey=value\n')).toEqual([['key', 'value', 4]]);
  });

  it('joins continuation lines and drops the next line’s leading whitespace', () => {
    const text = 'messageDelayLevel=1s 5s \\\n    10s \\\n    30s\nnext=x';
    expect(pairs(text)).toEqual([
      ['messageDelayLevel', '1s 5s 10s 30s', 1],
      ['next', 'x', 4],
    ]);
  });

  it('an even number of trailing backslashes is an escaped backslash, not a continuation', () => {
    expect(pairs('path=C:\\\\\nnext=1')).toEqual([
      ['path', 'C:\\', 1],
      ['next', '1', 2],
    ]);
  });

  it('a comment line ending in a backslash does not continue', () => {
    expect(pairs('# comment \\\nk=v')).toEqual([['k', 'v', 2]]);
  });

  it('decodes \\uXXXX and single-character escapes in keys and values', () => {
    expect(pairs('na\\u006De=\\u4F60\\u597D\\tx\\=y\nkey\\ with\\:colon = v')).toEqual([
      ['name', '你好\tx=y', 1],
      ['key with:colon', 'v', 2],
    ]);
  });

  it('only the first separator splits; later ones belong to the value', () => {
    expect(pairs('namesrvAddr=127.0.0.1:9876;127.0.0.2:9876')).toEqual([
      ['namesrvAddr', '127.0.0.1:9876;127.0.0.2:9876', 1],
    ]);
  });

  it('a key alone has an empty value', () => {
    expect(pairs('lonely\nempty=')).toEqual([
      ['lonely', '', 1],
      ['empty', '', 2],
    ]);
  });

  it('handles CRLF and CR line endings', () => {
    expect(pairs('a=1\r\nb=2\rc=3')).toEqual([
      ['a', '1', 1],
      ['b', '2', 2],
      ['c', '3', 3],
    ]);
  });

  it('keeps repeated keys in order so the caller can warn (the last wins in Java)', () => {
    expect(pairs('a=1\na=2')).toEqual([
      ['a', '1', 1],
      ['a', '2', 2],
    ]);
  });

  it('a malformed \\u escape is a ConfigError naming file and line', () => {
    expect(() => parseProperties('ok=1\nbad=\\u12G4', 'broker.conf')).toThrow(ConfigError);
    expect(() => parseProperties('ok=1\nbad=\\u12G4', 'broker.conf')).toThrow(/broker\.conf:2/);
  });
});
