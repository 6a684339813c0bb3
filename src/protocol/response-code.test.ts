// Keeps docs/response-codes.md and the ResponseCode table in step (STYLE.md principle 3; fastify's
// errors test). Every code must have exactly one documented row with the same number and name, and
// the doc must not describe codes the table does not have.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isRetriableSendResponse, ResponseCode, responseCodeName } from './response-code.js';

interface DocRow {
  code: number;
  name: string;
  when: string;
  what: string;
  line: number;
}

function docRows(): DocRow[] {
  const text = readFileSync(new URL('../../docs/response-codes.md', import.meta.url), 'utf8');
  const rows: DocRow[] = [];
  text.split('\n').forEach((raw, i) => {
    const cells = raw.split('|').map((c) => c.trim());
    // A table row "| code | name | when | what |" splits into ['', code, name, when, what, ''].
    if (cells.length !== 6 || !/^-?\d+$/.test(cells[1]!)) return;
    rows.push({
      code: Number(cells[1]),
      name: cells[2]!,
      when: cells[3]!,
      what: cells[4]!,
      line: i + 1,
    });
  });
  return rows;
}

const rows = docRows();
const table = Object.entries(ResponseCode).map(([name, code]) => ({ name, code }));

describe('docs/response-codes.md', () => {
  it('has a row for every code, with the same number', () => {
    const documented = new Map(rows.map((r) => [r.name, r.code]));
    const missing = table.filter((t) => !documented.has(t.name)).map((t) => t.name);
    const renumbered = table
      .filter((t) => documented.has(t.name) && documented.get(t.name) !== t.code)
      .map((t) => `${t.name}: code ${t.code}, doc ${documented.get(t.name)}`);
    expect(missing, 'codes missing from the doc').toEqual([]);
    expect(renumbered, 'codes whose number differs').toEqual([]);
  });

  it('documents no code the table lacks', () => {
    const extra = rows
      .filter((r) => (ResponseCode as Record<string, number>)[r.name] !== r.code)
      .map((r) => `line ${r.line}: ${r.code} ${r.name}`);
    expect(extra).toEqual([]);
  });

  it('has one row per code, in ascending order', () => {
    const codes = rows.map((r) => r.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).toEqual([...codes].sort((a, b) => a - b));
    expect(rows).toHaveLength(table.length);
  });

  it('says for every code when KiteMQ answers it and what the client should do', () => {
    for (const r of rows) {
      expect(r.when, `line ${r.line} (${r.name}): when`).not.toBe('');
      const notSent = r.when.startsWith('Not sent');
      if (!notSent)
        expect(r.what.length, `line ${r.line} (${r.name}): what to do`).toBeGreaterThan(3);
    }
  });
});

describe('ResponseCode table', () => {
  it('has unique numbers', () => {
    const codes = table.map((t) => t.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('keeps the numbers clients depend on (spec part 1 §2.1)', () => {
    expect(ResponseCode).toMatchObject({
      SUCCESS: 0,
      SYSTEM_ERROR: 1,
      SYSTEM_BUSY: 2,
      REQUEST_CODE_NOT_SUPPORTED: 3,
      FLUSH_DISK_TIMEOUT: 10,
      SLAVE_NOT_AVAILABLE: 11,
      FLUSH_SLAVE_TIMEOUT: 12,
      MESSAGE_ILLEGAL: 13,
      SERVICE_NOT_AVAILABLE: 14,
      NO_PERMISSION: 16,
      TOPIC_NOT_EXIST: 17,
      PULL_NOT_FOUND: 19,
      PULL_RETRY_IMMEDIATELY: 20,
      PULL_OFFSET_MOVED: 21,
      QUERY_NOT_FOUND: 22,
      INVALID_PARAMETER: 29,
    });
  });

  it('names codes, and unknown ones as UNKNOWN(n)', () => {
    expect(responseCodeName(17)).toBe('TOPIC_NOT_EXIST');
    expect(responseCodeName(0)).toBe('SUCCESS');
    expect(responseCodeName(9999)).toBe('UNKNOWN(9999)');
  });
});

describe('isRetriableSendResponse', () => {
  // DefaultMQProducer#retryResponseCodes (5.3): TOPIC_NOT_EXIST, SERVICE_NOT_AVAILABLE,
  // SYSTEM_ERROR, SYSTEM_BUSY, NO_PERMISSION, NO_BUYER_ID (204), NOT_IN_CURRENT_UNIT (205).
  const javaRetryResponseCodes = [17, 14, 1, 2, 16, 204, 205];

  it("retries exactly Java's retryResponseCodes", () => {
    const codes = [...new Set([...Object.values(ResponseCode), 204, 205, 1500, 9999])];
    const retried = codes.filter(isRetriableSendResponse).sort((a, b) => a - b);
    expect(retried).toEqual([...javaRetryResponseCodes].sort((a, b) => a - b));
  });

  it('does not retry what a retry cannot mend', () => {
    for (const code of [0, 10, 11, 12, 13, 29, 26, 3, 1500]) {
      expect(isRetriableSendResponse(code), responseCodeName(code)).toBe(false);
    }
  });
});
