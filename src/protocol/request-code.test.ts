// Keeps docs/request-codes.md and the RequestCode table in step: every code KiteMQ names has a
// row with the same number, and no row gives a named code another number. The doc may list codes
// KiteMQ does not name (pop, recall): it is the audit of what clients send.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RequestCode } from './request-code.js';

function docRows(): { code: number; name: string; status: string }[] {
  const text = readFileSync(new URL('../../docs/request-codes.md', import.meta.url), 'utf8');
  const rows: { code: number; name: string; status: string }[] = [];
  for (const raw of text.split('\n')) {
    const cells = raw.split('|').map((c) => c.trim());
    if (cells.length !== 6 || !/^\d+$/.test(cells[1]!)) continue;
    rows.push({ code: Number(cells[1]), name: cells[2]!, status: cells[4]! });
  }
  return rows;
}

describe('docs/request-codes.md', () => {
  const rows = docRows();

  it('has a row for every RequestCode, with the same number', () => {
    const documented = new Map(rows.map((r) => [r.name, r.code]));
    const wrong = Object.entries(RequestCode)
      .filter(([name, code]) => documented.get(name) !== code)
      .map(([name, code]) => `${name} ${code}: doc ${documented.get(name) ?? 'missing'}`);
    expect(wrong).toEqual([]);
  });

  it('lists each code once, each with a status', () => {
    const codes = rows.map((r) => r.code);
    expect(codes.filter((c, i) => codes.indexOf(c) !== i)).toEqual([]);
    for (const r of rows) {
      expect(r.status, r.name).toMatch(/^(answered|sent by KiteMQ|not supported|planned)/);
    }
  });
});
