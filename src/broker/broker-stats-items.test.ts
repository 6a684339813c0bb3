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

  it('rates a group over its topics, at least one sampling period wide', () => {
    let now = 1_000_000;
    const items = new BrokerStatsItems(() => now);
    items.add('GROUP_GET_NUMS', 'T@G', 20);
    items.add('GROUP_GET_NUMS', '%RETRY%G@G', 10);
    items.add('GROUP_GET_NUMS', 'T@Other', 500);
    now += 1;
    // A moment after the first pull: 30 messages over the 10-s period, not over 1 ms.
    expect(items.groupGetTps('G', ['T', '%RETRY%G'])).toBeCloseTo(3);
    expect(items.groupGetTps('G', ['T'])).toBeCloseTo(2);
    expect(items.groupGetTps('G', ['U'])).toBe(0);
    for (let s = 0; s < 80; s += 10) {
      now += 10_000;
      items.sample();
    }
    expect(items.groupGetTps('G', ['T', '%RETRY%G'])).toBe(0);
  });
});
