// BrokerStats' morning snapshots (RocketMQ's BrokerStats#record at each local midnight): what
// clusterList turns into yesterday's and today's in/out totals.
import { describe, expect, it } from 'vitest';
import { BrokerStats } from './broker-stats.js';

function at(y: number, mo: number, d: number, h: number, mi = 0): number {
  return new Date(y, mo - 1, d, h, mi).getTime();
}

/** Stats booted at 2026-03-10 09:00 local; sampleAt moves the clock, samples, and answers. */
function bootedStats() {
  let now = at(2026, 3, 10, 9);
  const stats = new BrokerStats(() => now);
  const sampleAt = (ms: number) => {
    now = ms;
    stats.sample();
    return stats.morning();
  };
  return { stats, sampleAt };
}

const morning = (
  putToday: number,
  getToday: number,
  putYesterday: number,
  getYesterday: number,
) => ({
  putTodayMorning: putToday,
  getTodayMorning: getToday,
  putYesterdayMorning: putYesterday,
  getYesterdayMorning: getYesterday,
});

describe('BrokerStats morning totals', () => {
  it('are zero until the first local midnight after boot, as in RocketMQ', () => {
    const { stats, sampleAt } = bootedStats();
    stats.putTotal = 5;
    stats.getTotal = 2;
    expect(sampleAt(at(2026, 3, 10, 23, 59))).toEqual(morning(0, 0, 0, 0));
  });

  it('snapshot the totals at each midnight and shift today into yesterday', () => {
    const { stats, sampleAt } = bootedStats();
    stats.putTotal = 100;
    stats.getTotal = 40;
    expect(sampleAt(at(2026, 3, 11, 0, 0) + 500)).toEqual(morning(100, 40, 0, 0));
    stats.putTotal = 250;
    stats.getTotal = 90;
    // The same day: nothing moves.
    expect(sampleAt(at(2026, 3, 11, 12)).putTodayMorning).toBe(100);
    expect(sampleAt(at(2026, 3, 12, 0, 1))).toEqual(morning(250, 90, 100, 40));
  });

  it('after a pause of several days, yesterday is the last snapshot, not a stale one', () => {
    const { stats, sampleAt } = bootedStats();
    stats.putTotal = 7;
    sampleAt(at(2026, 3, 11, 0, 0));
    stats.putTotal = 9;
    // The process slept (a suspended VM) through three midnights.
    expect(sampleAt(at(2026, 3, 14, 8))).toMatchObject({
      putTodayMorning: 9,
      putYesterdayMorning: 7,
    });
  });
});
