import { describe, expect, it } from 'vitest';
import {
  CLOCK_SKEW_MS,
  checkDelivery,
  checkName,
  checkQueueNums,
  checkResetTime,
  localTimeMs,
  TOPIC_QUEUE_NUMS_MAX,
  toLocalInput,
} from './form-rules.js';

describe('console form rules', () => {
  it('names the first illegal character and the length bound of a topic name', () => {
    expect(checkName('Topic', 'a b', 'topic')).toEqual({
      key: 'nameIllegalChar',
      values: { field: 'Topic', ch: ' ' },
    });
    expect(checkName('Topic', 'x'.repeat(128), 'topic')?.key).toBe('nameTooLong');
    expect(checkName('Topic', 'x'.repeat(127), 'topic')).toBeUndefined();
    expect(checkName('Topic', '%RETRY%g|a_b-1', 'topic')).toBeUndefined();
    expect(checkName('Group', '  ', 'group')?.key).toBe('nameBlank');
  });

  it('refuses 0, negative, fractional, empty and too-large queue counts', () => {
    for (const n of [0, -3, 1.5, Number.NaN, TOPIC_QUEUE_NUMS_MAX + 1]) {
      expect(checkQueueNums('Read queues', n)?.key).toBe('queueNums');
    }
    expect(checkQueueNums('Read queues', 1)).toBeUndefined();
    expect(checkQueueNums('Read queues', TOPIC_QUEUE_NUMS_MAX)).toBeUndefined();
  });

  it('refuses a reset time in the future beyond the skew, or before 1970', () => {
    const now = 1_700_000_000_000;
    expect(checkResetTime(now + CLOCK_SKEW_MS + 1, now)?.key).toBe('timeFuture');
    expect(checkResetTime(now + CLOCK_SKEW_MS, now)).toBeUndefined();
    expect(checkResetTime(-1, now)?.key).toBe('timeNegative');
    expect(checkResetTime(Number.NaN, now)?.key).toBe('timeMissing');
  });

  it('bounds the delay level to the default levels and a delivery time to not past', () => {
    const now = 1_700_000_000_000;
    expect(checkDelivery({ delayLevel: 19 }, now)?.key).toBe('delayLevel');
    expect(checkDelivery({ delayLevel: 0 }, now)?.key).toBe('delayLevel');
    expect(checkDelivery({ delayLevel: 18 }, now)).toBeUndefined();
    expect(checkDelivery({ deliverTimeMs: now - CLOCK_SKEW_MS - 1 }, now)?.key).toBe('deliverPast');
    expect(checkDelivery({ deliverTimeMs: now + 1 }, now)).toBeUndefined();
  });

  it('round-trips a datetime-local value to the second', () => {
    const ms = Math.floor(Date.now() / 1000) * 1000;
    expect(localTimeMs(toLocalInput(ms))).toBe(ms);
    expect(Number.isNaN(localTimeMs(''))).toBe(true);
  });
});
