// The windows of VIEW_BROKER_STATS_DATA's counters on a fake clock: a minute's snapshot forgets
// what happened before its oldest sample, the day's keeps it; tps is the sum over the span.
import { describe, expect, it } from 'vitest';
import { BrokerStatsItems } from './broker-stats-items.js';

describe('BrokerStatsItems', () => {
  it('keeps a minute of 10-s samples, and the hour and day longer', () => {
    let now = 1_000_000;
    const items = new BrokerStatsItems(() => now);
    items.add('TOPIC_PUT_NUMS', 'T', 30);
    for (let s = 0; s < 120; s += 10) {
      now += 10_000;
      items.sample();
    }
    items.add('TOPIC_PUT_NUMS', 'T', 6);
    items.add('TOPIC_PUT_NUMS', 'T', 6);
    const v = items.view('TOPIC_PUT_NUMS', 'T')!;
    expect(v.statsMinute.sum).toBe(12);
    expect(v.statsMinute.tps).toBeCloseTo(12 / 60);
    expect(v.statsMinute.avgpt).toBe(6);
    expect(v.statsDay.sum).toBe(42);
    expect(v.statsHour.sum).toBe(42);
    expect(items.view('TOPIC_PUT_NUMS', 'U')).toBeUndefined();
    expect(items.view('OTHER', 'T')).toBeUndefined();
  });
});
