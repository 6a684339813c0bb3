import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { parseProperties } from './properties.js';

const pairs = (text: string) => parseProperties(text).map((e) => [e.key, e.value, e.line]);

describe('parseProperties', () => {
  // [what, the text, the (key, value, line) entries read from it]
  const CASES: [string, string, (string | number)[][]][] = [
    [
      'reads key=value, key: value and key value with surrounding whitespace',
      'a=1\n  b : 2\nc 3\n\td\t=\t4',
      [
        ['a', '1', 1],
        ['b', '2', 2],
        ['c', '3', 3],
        ['d', '4', 4],
      ],
    ],
    ['keeps trailing whitespace of a value, as Java does', 'k = v  ', [['k', 'v  ', 1]]],
    [
      'skips # and ! comments and blank lines, keeping line numbers',
      '# c\n\n   ! also\nkey=value\n',
      [['key', 'value', 4]],
    ],
    [
      'an even number of trailing backslashes is an escaped backslash, not a continuation',
      'path=C:\\\\\nnext=1',
      [
        ['path', 'C:\\', 1],
        ['next', '1', 2],
      ],
    ],
    [
      'a comment line ending in a backslash does not continue',
      '# comment \\\nk=v',
      [['k', 'v', 2]],
    ],
    [
      'decodes \\uXXXX and single-character escapes in keys and values',
      'na\\u006De=\\u4F60\\u597D\\tx\\=y\nkey\\ with\\:colon = v',
      [
        ['name', '你好\tx=y', 1],
        ['key with:colon', 'v', 2],
      ],
    ],
    [
      'only the first separator splits; later ones belong to the value',
      'namesrvAddr=127.0.0.1:9876;127.0.0.2:9876',
      [['namesrvAddr', '127.0.0.1:9876;127.0.0.2:9876', 1]],
    ],
    [
      'a key alone has an empty value',
      'lonely\nempty=',
      [
        ['lonely', '', 1],
        ['empty', '', 2],
      ],
    ],
    [
      'handles CRLF and CR line endings',
      'a=1\r\nb=2\rc=3',
      [
        ['a', '1', 1],
        ['b', '2', 2],
        ['c', '3', 3],
      ],
    ],
    [
      'keeps repeated keys in order so the caller can warn (the last wins in Java)',
      'a=1\na=2',
      [
        ['a', '1', 1],
        ['a', '2', 2],
      ],
    ],
  ];

  it.each(CASES)('%s', (_what, text, entries) => {
    expect(pairs(text)).toEqual(entries);
  });

  it('joins continuation lines and drops the next line’s leading whitespace', () => {
    const text = 'messageDelayLevel=1s 5s \\\n    10s \\\n    30s\nnext=x';
    expect(pairs(text)).toEqual([
      ['messageDelayLevel', '1s 5s 10s 30s', 1],
      ['next', 'x', 4],
    ]);
  });

  it('a malformed \\u escape is a ConfigError naming file and line', () => {
    expect(() => parseProperties('ok=1\nbad=\\u12G4', 'broker.conf')).toThrow(ConfigError);
    expect(() => parseProperties('ok=1\nbad=\\u12G4', 'broker.conf')).toThrow(/broker\.conf:2/);
  });
});
