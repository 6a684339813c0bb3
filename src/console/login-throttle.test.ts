import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle.js';

function throttle(o: { maxEntries?: number } = {}) {
  const clock = { now: 1_000_000 };
  const t = new LoginThrottle({ maxFailures: 5, windowMs: 300_000, now: () => clock.now, ...o });
  /** One login that fails: begun, then decided; returns what begin() said, and the trip. */
  const failOnce = (user: string, addr: string) => {
    const wait = t.begin(user, addr);
    return wait > 0 ? { wait, tripped: false } : { wait, tripped: t.fail(user, addr) };
  };
  return { t, clock, failOnce };
}

describe('LoginThrottle', () => {
  it('locks a pair on its fifth failure in the window, says so once, refuses the sixth', () => {
    const { t, failOnce } = throttle();
    const tries = [1, 2, 3, 4, 5, 6].map(() => failOnce('admin', '10.0.0.1'));
    expect(tries.map((r) => r.tripped)).toEqual([false, false, false, false, true, false]);
    expect(tries.map((r) => r.wait)).toEqual([0, 0, 0, 0, 0, 300]);
    expect(t.begin('admin', '10.0.0.1')).toBe(300);
  });

  it('lets four failures through, and a success forgets them', () => {
    const { t, failOnce } = throttle();
    for (let i = 0; i < 4; i++) failOnce('admin', 'a');
    expect(t.begin('admin', 'a')).toBe(0);
    t.succeed('admin', 'a');
    for (let i = 0; i < 4; i++) failOnce('admin', 'a');
    expect(t.retryAfterS('admin', 'a')).toBe(0);
  });

  it('counts attempts still being checked, so a burst cannot outrun the count', () => {
    const { t } = throttle();
    const waits = Array.from({ length: 8 }, () => t.begin('admin', 'a'));
    expect(waits).toEqual([0, 0, 0, 0, 0, 300, 300, 300]);
    for (let i = 0; i < 5; i++) t.fail('admin', 'a');
    expect(t.begin('admin', 'a')).toBe(300);
  });

  it('stays locked until the window from the first attempt has passed', () => {
    const { t, clock, failOnce } = throttle();
    for (let i = 0; i < 5; i++) failOnce('admin', 'a');
    clock.now += 299_001;
    expect(t.begin('admin', 'a')).toBe(1);
    clock.now += 999;
    expect(t.retryAfterS('admin', 'a')).toBe(0);
    expect(t.size).toBe(0);
    expect(t.begin('admin', 'a')).toBe(0);
  });

  it('counts a user per address: another address is not locked out', () => {
    const { t, failOnce } = throttle();
    for (let i = 0; i < 5; i++) failOnce('admin', 'attacker');
    expect(t.retryAfterS('admin', 'attacker')).toBeGreaterThan(0);
    expect(t.retryAfterS('admin', 'office')).toBe(0);
    expect(t.retryAfterS('other', 'attacker')).toBe(0);
  });

  it('holds at most maxEntries pairs, dropping expired ones, then the oldest', () => {
    const { t, clock, failOnce } = throttle({ maxEntries: 3 });
    failOnce('u1', 'a');
    clock.now += 300_000;
    failOnce('u2', 'a');
    failOnce('u3', 'a');
    failOnce('u4', 'a');
    expect(t.size).toBe(3);
    failOnce('u5', 'a');
    expect(t.size).toBe(3);
    for (let i = 0; i < 4; i++) failOnce('u5', 'a');
    expect(t.retryAfterS('u5', 'a')).toBeGreaterThan(0);
    for (let i = 0; i < 4; i++) failOnce('u2', 'a');
    // u2 was the oldest when u5 came, so its earlier failure was forgotten.
    expect(t.retryAfterS('u2', 'a')).toBe(0);
  });
});
