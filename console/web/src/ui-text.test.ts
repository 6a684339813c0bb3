// Every word a user reads comes from an i18n table, so 中文 is never half English. This scans
// the components for text written straight into JSX or into the text-bearing props.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('.', import.meta.url));

function tsxFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return tsxFiles(p);
    return e.name.endsWith('.tsx') ? [p] : [];
  });
}

const LETTER = /[A-Za-z\u4e00-\u9fff]/;
/** Text between a `>` (not an arrow's) and the next `<` on one line: JSX children. */
const JSX_TEXT = /(?<![=-])>([^<>{}=;()]*)</g;
const TEXT_PROPS = /\b(label|placeholder|title|aria-label|description|error)="([^"]*)"/g;

function literalUiText(source: string): string[] {
  const found: string[] = [];
  source.split('\n').forEach((line, i) => {
    if (line.trim().startsWith('//')) return;
    for (const m of line.matchAll(JSX_TEXT)) {
      const text = m[1] ?? '';
      if (LETTER.test(text)) found.push(`${i + 1}: ${text.trim()}`);
    }
    for (const m of line.matchAll(TEXT_PROPS)) {
      if (LETTER.test(m[2] ?? '')) found.push(`${i + 1}: ${m[1]}="${m[2]}"`);
    }
  });
  return found;
}

describe('UI text', () => {
  it('the scan finds text written into JSX and into text props', () => {
    expect(literalUiText('<Button>Save</Button>\n<TextInput placeholder="Filter" />')).toEqual([
      '1: Save',
      '2: placeholder="Filter"',
    ]);
    const clean = [
      '<Title>{t.title}</Title>',
      'const f = () => call<X>(path);',
      '<Text>{n}</Text>',
    ];
    expect(literalUiText(clean.join('\n'))).toEqual([]);
  });

  it('no component writes UI text outside its i18n table', () => {
    const offenders = tsxFiles(SRC).flatMap((file) =>
      literalUiText(readFileSync(file, 'utf8')).map((hit) => `${relative(SRC, file)}:${hit}`),
    );
    expect(offenders).toEqual([]);
  });
});
