import { describe, expect, it } from 'vitest';
import type { MessageQueue } from './allocate.js';
import { FaultStrategy, notAvailableDurationMs } from './fault-strategy.js';

const queues: MessageQueue[] = ['a', 'b'].flatMap((brokerName) =>
  [0, 1].map((queueId) => ({ topic: 'T', brokerName, queueId })),
);

describe('FaultStrategy', () => {
  it('maps latencies to RocketMQ 5 not-available durations', () => {
    expect(notAvailableDurationMs(10)).toBe(0);
    expect(notAvailableDurationMs(99)).toBe(0);
    expect(notAvailableDurationMs(550)).toBe(2_000);
    expect(notAvailableDurationMs(1_800)).toBe(5_000);
    expect(notAvailableDurationMs(4_999)).toBe(6_000);
    expect(notAvailableDurationMs(10_000)).toBe(10_000);
    expect(notAvailableDurationMs(60_000)).toBe(30_000);
  });

  it('avoids an isolated broker until its time is up, then takes it back', () => {
    let now = 1_000_000;
    const f = new FaultStrategy(true, () => now);
    f.update('b', 3, true);
    for (let i = 0; i < 20; i++) expect(f.select('T', queues)?.brokerName).toBe('a');
    now += 9_999;
    expect(f.isAvailable('b')).toBe(false);
    now += 1;
    const seen = new Set<string>();
    for (let i = 0; i < 8; i++) seen.add(f.select('T', queues)!.brokerName);
    expect(seen).toEqual(new Set(['a', 'b']));
  });

  it('a slow answer marks a broker for a while; fast ones do not', () => {
    let now = 0;
    const f = new FaultStrategy(true, () => now);
    f.update('a', 40, false);
    expect(f.isAvailable('a')).toBe(true);
    f.update('a', 600, false);
    expect(f.isAvailable('a')).toBe(false);
    now += 2_000;
    expect(f.isAvailable('a')).toBe(true);
  });

  it('a shorter mark never ends a longer isolation early', () => {
    let now = 0;
    const f = new FaultStrategy(true, () => now);
    f.update('a', 1, true); // 10 s
    now += 1_000;
    f.update('a', 600, false); // would be 2 s from now
    now += 5_000;
    expect(f.isAvailable('a')).toBe(false);
  });

  it('skips the broker of the previous attempt, and falls back when all are marked', () => {
    const f = new FaultStrategy(true, () => 0);
    for (let i = 0; i < 10; i++) expect(f.select('T', queues, 'a')?.brokerName).toBe('b');
    f.update('a', 1, true, false);
    f.update('b', 1, true, false);
    // Every broker marked and unreachable: still sends somewhere, in plain round-robin order over
    // all the queues (RocketMQ's last resort, tpInfo.selectOneMessageQueue()).
    const fallbacks = Array.from({ length: queues.length }, () => f.select('T', queues, 'a'));
    expect(new Set(fallbacks)).toEqual(new Set(queues));
    expect(f.select('T', [])).toBeUndefined();
  });

  it('with fault tolerance off, only the previous broker is skipped', () => {
    const f = new FaultStrategy(false, () => 0);
    f.update('b', 1, true);
    expect(f.isAvailable('b')).toBe(true);
    const seen = new Set<string>();
    for (let i = 0; i < 8; i++) seen.add(f.select('T', queues)!.brokerName);
    expect(seen).toEqual(new Set(['a', 'b']));
    expect(f.select('T', queues, 'b')?.brokerName).toBe('a');
  });

  it('round-robins over the queues of a topic', () => {
    const f = new FaultStrategy(true, () => 0);
    const keys = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const q = f.select('T', queues)!;
      keys.add(`${q.brokerName}:${q.queueId}`);
    }
    expect(keys.size).toBe(4);
  });
});
