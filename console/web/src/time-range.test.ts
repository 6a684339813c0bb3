import { describe, expect, it } from 'vitest';
import {
  checkRange,
  durationParts,
  fromLocalInput,
  MAX_QUERY_RANGE_MS,
  presetRange,
  RANGE_PRESETS,
  toLocalInput,
} from './time-range.js';

describe('message query time ranges', () => {
  it('every preset ends now and stays inside the server bound', () => {
    const now = 1_700_000_000_000;
    for (const p of RANGE_PRESETS) {
      const r = presetRange(p, now);
      expect(r.end).toBe(now);
      expect(checkRange(r)).toBeNull();
    }
    expect(presetRange('1h', now).begin).toBe(now - 3600_000);
  });

  it('names what is wrong with a custom range', () => {
    expect(checkRange({ begin: 10, end: 10 })).toBe('empty');
    expect(checkRange({ begin: 0, end: MAX_QUERY_RANGE_MS + 1 })).toBe('tooLong');
    expect(checkRange({ begin: Number.NaN, end: 5 })).toBe('invalid');
  });

  it('round-trips a datetime-local value to the minute', () => {
    const ms = new Date(2026, 11, 2, 7, 5).getTime();
    expect(toLocalInput(ms)).toBe('2026-12-02T07:05');
    expect(fromLocalInput(toLocalInput(ms))).toBe(ms);
    expect(fromLocalInput('')).toBeNaN();
  });

  it('states a duration in the largest whole unit', () => {
    expect(durationParts(7_200_000)).toEqual({ n: 2, unit: 'h' });
    expect(durationParts(300_000)).toEqual({ n: 5, unit: 'min' });
    expect(durationParts(45_000)).toEqual({ n: 45, unit: 's' });
    expect(durationParts(0)).toEqual({ n: 0, unit: 's' });
  });
});
