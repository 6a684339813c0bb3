import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../common/errors.js';
import { readJsonFile, writeJsonFile } from './config-file.js';

const dirs: string[] = [];
function file(): string {
  const d = mkdtempSync(join(tmpdir(), 'kitemq-config-file-'));
  dirs.push(d);
  return join(d, 'topics.json');
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('readJsonFile', () => {
  it('reads the file, and the previous version from .bak when the file does not parse', () => {
    const p = file();
    writeJsonFile(p, { v: 1 });
    writeJsonFile(p, { v: 2 });
    expect(readJsonFile(p)).toEqual({ v: 2 });
    writeFileSync(p, '{"v": 3, "tor');
    expect(readJsonFile(p)).toEqual({ v: 1 });
    writeFileSync(p, '');
    expect(readJsonFile(p)).toEqual({ v: 1 });
  });

  it('is undefined for a new store (no file, or only empty ones)', () => {
    const p = file();
    expect(readJsonFile(p)).toBeUndefined();
    writeFileSync(p, '\n');
    expect(readJsonFile(p)).toBeUndefined();
  });

  it('throws a ConfigError naming both copies when no copy parses', () => {
    const p = file();
    writeFileSync(p, 'garbage');
    expect(() => readJsonFile(p)).toThrow(ConfigError);
    writeFileSync(`${p}.bak`, '{"offsetTable": ');
    expect(() => readJsonFile(p)).toThrow(/topics\.json \(.*topics\.json\.bak \(/);
  });
});
