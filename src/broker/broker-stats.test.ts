// BrokerStats' morning snapshots (RocketMQ's BrokerStats#record at each local midnight): what
// clusterList turns into yesterday's and today's in/out totals.
import { describe, expect, it } from 'vitest';
import { BrokerStats } from './broker-stats.js';

function at(y: number, mo: number, d: number, h: number, mi = 0): number {
  return new Date(y, mo - 1, d, h, mi).getTime();
}

describe('BrokerStats morning totals', () => {
  it('are zero until the first local midnight after boot, as in RocketMQ', () => {
    let now = at(2026, 3, 10, 9);
    const stats = new BrokerStats(() => now);
    stats.putTotal = 5;
    stats.getTotal = 2;
    now = at(2026, 3, 10, 23, 59);
    stats.sample();
    expect(stats.morning()).toEqual({
      putTodayMorning: 0,
      getTodayMorning: 0,
      putYesterdayMorning: 0,
      getYesterdayMorning: 0,
    });
  });

  it('snapshot the totals at each midnight and shift today into yesterday', () => {
    let now = at(2026, 3, 10, 9);
    const stats = new BrokerStats(() => now);
    stats.putTotal = 100;
    stats.getTotal = 40;
    now = at(2026, 3, 11, 0, 0) + 500;
    stats.sample();
    expect(stats.morning()).toMatchObject({ putTodayMorning: 100, getTodayMorning: 40 });
    expect(stats.morning()).toMatchObject({ putYesterdayMorning: 0, getYesterdayMorning: 0 });
    stats.putTotal = 250;
    stats.getTotal = 90;
    now = at(2026, 3, 11, 12);
    stats.sample(); // the same day: nothing moves
    expect(stats.morning().putTodayMorning).toBe(100);
    now = at(2026, 3, 12, 0, 1);
    stats.sample();
    expect(stats.morning()).toEqual({
      putTodayMorning: 250,
      getTodayMorning: 90,
      putYesterdayMorning: 100,
      getYesterdayMorning: 40,
    });
  });

  it('after a pause of several days, yesterday is the last snapshot, not a stale one', () => {
    let now = at(2026, 3, 10, 9);
    const stats = new BrokerStats(() => now);
    stats.putTotal = 7;
    now = at(2026, 3, 11, 0, 0);
    stats.sample();
    stats.putTotal = 9;
    now = at(2026, 3, 14, 8); // the process slept (a suspended VM) through three midnights
    stats.sample();
    expect(stats.morning()).toMatchObject({ putTodayMorning: 9, putYesterdayMorning: 7 });
  });
});
