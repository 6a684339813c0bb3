// checks.json's format: the counters written and read back, the first format (a bare map of
// check counts) still read, and a damaged file read as a fresh start.
import { describe, expect, it } from 'vitest';
import { decodeCheckCounts, encodeCheckCounts } from './check-counts.js';

describe('checks.json', () => {
  it('reads back what it wrote', () => {
    const c = { checks: { A: 3 }, checksSent: 7, discarded: 1, checksSentByTopic: { Orders: 7 } };
    expect(decodeCheckCounts(encodeCheckCounts(c))).toEqual(c);
  });

  it('reads the first format, a bare map of check counts, with the counters at zero', () => {
    expect(decodeCheckCounts('{"A":2,"B":1}')).toEqual({
      checks: { A: 2, B: 1 },
      checksSent: 0,
      discarded: 0,
      checksSentByTopic: {},
    });
  });

  it('reads a missing or damaged file, or wrong values, as nothing', () => {
    const none = { checks: {}, checksSent: 0, discarded: 0, checksSentByTopic: {} };
    expect(decodeCheckCounts(undefined)).toEqual(none);
    expect(decodeCheckCounts('{"version":2,"che')).toEqual(none);
    expect(decodeCheckCounts('[1]')).toEqual(none);
    expect(decodeCheckCounts('{"version":2,"checks":{"A":-1},"checksSent":"x"}')).toEqual(none);
  });
});
