import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { persistConfigChanges, setPropertiesText } from './config-file.js';

describe('setPropertiesText', () => {
  it('rewrites the last line of a key in place and appends a key the file does not have', () => {
    expect(setPropertiesText('a=1\n', { b: '2' })).toBe('a=1\nb=2\n');
    expect(setPropertiesText('', { b: '2' })).toBe('b=2\n');
    expect(setPropertiesText('a=1\r\nb = 3\n', { b: '4' })).toBe('a=1\nb=4\n');
    expect(setPropertiesText('# c\nb=1\nb=2\n', { b: '5' })).toBe('# c\nb=1\nb=5\n');
  });
});

describe('persistConfigChanges', () => {
  it('keeps comments and writes values as text; a missing file is an error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kitemq-conf-'));
    try {
      const path = join(dir, 'x.conf');
      writeFileSync(path, '# mine\nlistenPort=1\n');
      persistConfigChanges(path, { orderMessageEnable: true, brokerChannelExpiredTime: 5000 });
      expect(readFileSync(path, 'utf8')).toBe(
        '# mine\nlistenPort=1\norderMessageEnable=true\nbrokerChannelExpiredTime=5000\n',
      );
      expect(() => persistConfigChanges(join(dir, 'gone', 'x.conf'), { a: 1 })).toThrow(/ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
