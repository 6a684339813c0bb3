// The push consumer's statusTable figures on a fake clock: rates over the last minute forget
// what came before it, RT is per call, failed messages are kept for the hour, and an idle
// consumer's consume RT falls back to the hour's.
import { describe, expect, it } from 'vitest';
import { ConsumerStats } from './consumer-stats.js';

describe('ConsumerStats', () => {
  it('rates the last minute, per call for RT, at least one second wide', () => {
    let now = 5_000_000;
    const stats = new ConsumerStats(() => now);
    stats.pulled('T', 100, 32);
    // A moment later: 32 messages over one second, not over a millisecond.
    now += 1;
    expect(stats.consumeStatus('T').pullTPS).toBeCloseTo(32);
    for (let s = 0; s < 120; s += 10) {
      now += 10_000;
      stats.pulled('T', 10, 5);
    }
    const st = stats.consumeStatus('T');
    // The minute holds the pulls from its first sample on (seven, 10 s apart), not the first
    // pull's 100 ms.
    expect(st.pullRT).toBeCloseTo(10);
    expect(st.pullTPS).toBeCloseTo(35 / 60);
  });

  it('counts consume outcomes; failed messages stay for the hour, RT falls back to it', () => {
    let now = 9_000_000;
    const stats = new ConsumerStats(() => now);
    stats.consumed('T', 8, 3, 0);
    stats.consumed('T', 4, 0, 2);
    now += 1_000;
    expect(stats.consumeStatus('T')).toMatchObject({
      consumeRT: 6,
      consumeOKTPS: 3,
      consumeFailedTPS: 2,
      consumeFailedMsgs: 2,
    });
    // Ten quiet minutes: no rate is left, the hour still has the failures and the RT.
    for (let m = 0; m < 10; m++) {
      now += 60_000;
      stats.consumeStatus('T');
    }
    expect(stats.consumeStatus('T')).toMatchObject({
      consumeRT: 6,
      consumeOKTPS: 0,
      consumeFailedTPS: 0,
      consumeFailedMsgs: 2,
    });
    now += 2 * 3_600_000;
    expect(stats.consumeStatus('T')).toMatchObject({ consumeRT: 0, consumeFailedMsgs: 0 });
  });

  it('answers zeros for a topic it never saw', () => {
    expect(new ConsumerStats().consumeStatus('X')).toEqual({
      pullRT: 0,
      pullTPS: 0,
      consumeRT: 0,
      consumeOKTPS: 0,
      consumeFailedTPS: 0,
      consumeFailedMsgs: 0,
    });
  });
});
