// PendingTable behaves as the Map it replaces, whatever the opaques: ring slots, collisions that
// go to the overflow map, deletes of absent opaques, iteration and clear.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PendingTable } from './pending-table.js';

describe('PendingTable', () => {
  it('answers as a Map for any sequence of set, get and delete', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), opaque: fc.integer({ min: 0, max: 9000 }) }),
      fc.record({ kind: fc.constant('del' as const), opaque: fc.integer({ min: 0, max: 9000 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const t = new PendingTable<string>();
        const m = new Map<number, string>();
        let n = 0;
        for (const o of ops) {
          if (o.kind === 'set') {
            if (m.has(o.opaque)) continue; // opaques in flight are unique
            const w = `w${n++}`;
            t.set(o.opaque, w);
            m.set(o.opaque, w);
          } else {
            expect(t.delete(o.opaque)).toBe(m.delete(o.opaque));
          }
          expect(t.size).toBe(m.size);
          expect(t.get(o.opaque)).toBe(m.get(o.opaque));
        }
        const sort = (e: [number, string][]) => e.sort((a, b) => a[0] - b[0]);
        expect(sort(t.entries())).toEqual(sort([...m.entries()]));
        t.clear();
        expect(t.size).toBe(0);
        for (const k of m.keys()) expect(t.get(k)).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });

  it('keeps a request whose slot an older one still holds', () => {
    const t = new PendingTable<string>();
    t.set(1, 'old');
    t.set(1 + 2048, 'new');
    expect(t.get(1)).toBe('old');
    expect(t.get(2049)).toBe('new');
    expect(t.delete(1)).toBe(true);
    expect(t.get(2049)).toBe('new');
    expect(t.get(1)).toBeUndefined();
  });
});
