// PutLatencyStats: RocketMQ's distribution ranges and interpolated percentiles of the last minute.
import { describe, expect, it } from 'vitest';
import { PutLatencyStats } from './put-latency.js';

describe('PutLatencyStats', () => {
  it("counts each put in RocketMQ's ranges and keeps the slowest", () => {
    const s = new PutLatencyStats();
    for (const ms of [0, 0.2, 3, 9.6, 10, 49, 50, 150, 999, 1000, 12_000]) s.record(ms);
    expect(s.distribution()).toBe(
      '[<=0ms]:2 [0~10ms]:1 [10~50ms]:3 [50~100ms]:1 [100~200ms]:1 [200~500ms]:0 ' +
        '[500ms~1s]:1 [1~2s]:1 [2~3s]:0 [3~4s]:0 [4~5s]:0 [5~10s]:0 [10s~]:1',
    );
    expect(s.maxMs).toBe(12_000);
  });

  it('reads percentiles from the last full minute, interpolating inside a bucket', () => {
    const s = new PutLatencyStats();
    expect(s.percentile(0.99)).toBe(0);
    for (let i = 0; i < 990; i++) s.record(1);
    for (let i = 0; i < 10; i++) s.record(300);
    expect(s.percentile(0.99)).toBe(0); // nothing rotated yet
    s.rotate();
    // 990 of 1000 puts took <= 1 ms: the 99th percentile is the top of the first bucket.
    expect(s.percentile(0.99)).toBe(1);
    // The 999th put lies in the (250, 300] bucket, 9 of its 10 puts in.
    expect(s.percentile(0.999)).toBe(295);
    s.rotate();
    expect(s.percentile(0.99)).toBe(0); // a quiet minute
  });
});
