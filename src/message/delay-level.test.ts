import { describe, expect, it } from 'vitest';
import {
  computeDeliverTimestamp,
  DEFAULT_MESSAGE_DELAY_LEVEL,
  effectiveDelayLevel,
  parseMessageDelayLevel,
} from './delay-level.js';

describe('parseMessageDelayLevel', () => {
  it("reads RocketMQ's default table as 18 levels in ms", () => {
    const levels = parseMessageDelayLevel(DEFAULT_MESSAGE_DELAY_LEVEL);
    expect(levels).toHaveLength(18);
    expect(levels.slice(0, 5)).toEqual([1_000, 5_000, 10_000, 30_000, 60_000]);
    expect(levels[17]).toBe(2 * 3_600_000);
  });

  it('knows days and rejects unknown units', () => {
    expect(parseMessageDelayLevel('1d 0s')).toEqual([86_400_000, 0]);
    expect(() => parseMessageDelayLevel('1s 5x')).toThrow(/'5x'/);
  });
});

describe('effectiveDelayLevel', () => {
  const levels = [1_000, 2_000, 3_000];

  it('0 for absent, zero or negative; clamps above the last level', () => {
    expect(effectiveDelayLevel(undefined, levels)).toBe(0);
    expect(effectiveDelayLevel('0', levels)).toBe(0);
    expect(effectiveDelayLevel('-1', levels)).toBe(0);
    expect(effectiveDelayLevel('2', levels)).toBe(2);
    expect(effectiveDelayLevel('99', levels)).toBe(3);
  });

  it('names a value Integer.parseInt would refuse', () => {
    expect(effectiveDelayLevel('x', levels)).toMatch(/'x' is not an integer/);
    expect(effectiveDelayLevel(' 2', levels)).toMatch(/not an integer/);
    expect(effectiveDelayLevel('2147483648', levels)).toMatch(/not an integer/);
  });
});

describe('computeDeliverTimestamp', () => {
  it('adds the level delay to the store time, one second for an unknown level', () => {
    expect(computeDeliverTimestamp([1_000, 5_000], 2, 100)).toBe(5_100);
    expect(computeDeliverTimestamp([1_000, 5_000], 7, 100)).toBe(1_100);
  });
});
