import { describe, expect, it } from 'vitest';
import { createOutput, formatTable, jsonKey } from './mqadmin-output.js';

describe('mqadmin output', () => {
  it('turns header titles into camelCase JSON keys, acronyms as words', () => {
    expect(
      ['#Broker Offset', '#QID', '#Message ID', '#InTPS(LOAD)', '#Diff Total', 'OffsetID'].map(
        jsonKey,
      ),
    ).toEqual(['brokerOffset', 'qid', 'messageId', 'inTpsLoad', 'diffTotal', 'offsetId']);
  });

  it('pads columns to the widest cell and prints the same rows as JSON objects', () => {
    expect(
      formatTable(
        ['#A', '#Long Name'],
        [
          ['x', 1],
          ['yyyy', undefined],
        ],
      ),
    ).toBe('#A    #Long Name\nx     1\nyyyy');
    const lines: string[] = [];
    const out = createOutput(true, { out: (t) => lines.push(t), err: () => {} });
    out.table(['#QID', '#Max Offset'], [[0, 5]]);
    expect(JSON.parse(lines[0]!)).toEqual([{ qid: 0, maxOffset: 5 }]);
  });
});
