import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle.js';

function throttle(o: { maxEntries?: number } = {}) {
  const clock = { now: 1_000_000 };
  const t = new LoginThrottle({ maxFailures: 5, windowMs: 300_000, now: () => clock.now, ...o });
  return { t, clock };
}

describe('LoginThrottle', () => {
  it('locks a pair on its fifth failure in the window, and says so once', () => {
    const { t } = throttle();
    const tripped = [1, 2, 3, 4, 5, 6].map(() => t.fail('admin', '10.0.0.1'));
    expect(tripped).toEqual([false, false, false, false, true, false]);
    expect(t.retryAfterS('admin', '10.0.0.1')).toBe(300);
  });

  it('lets four failures through, and a success forgets them', () => {
    const { t } = throttle();
    for (let i = 0; i < 4; i++) t.fail('admin', 'a');
    expect(t.retryAfterS('admin', 'a')).toBe(0);
    t.succeed('admin', 'a');
    for (let i = 0; i < 4; i++) t.fail('admin', 'a');
    expect(t.retryAfterS('admin', 'a')).toBe(0);
  });

  it('stays locked until the window from the first failure has passed', () => {
    const { t, clock } = throttle();
    for (let i = 0; i < 5; i++) t.fail('admin', 'a');
    clock.now += 299_001;
    expect(t.retryAfterS('admin', 'a')).toBe(1);
    clock.now += 999;
    expect(t.retryAfterS('admin', 'a')).toBe(0);
    expect(t.size).toBe(0);
  });

  it('counts a user per address: another address is not locked out', () => {
    const { t } = throttle();
    for (let i = 0; i < 5; i++) t.fail('admin', 'attacker');
    expect(t.retryAfterS('admin', 'attacker')).toBeGreaterThan(0);
    expect(t.retryAfterS('admin', 'office')).toBe(0);
    expect(t.retryAfterS('other', 'attacker')).toBe(0);
  });

  it('holds at most maxEntries pairs, dropping expired ones, then the oldest', () => {
    const { t, clock } = throttle({ maxEntries: 3 });
    t.fail('u1', 'a');
    clock.now += 300_000;
    t.fail('u2', 'a');
    t.fail('u3', 'a');
    t.fail('u4', 'a');
    expect(t.size).toBe(3);
    t.fail('u5', 'a');
    expect(t.size).toBe(3);
    for (let i = 0; i < 4; i++) t.fail('u5', 'a');
    expect(t.retryAfterS('u5', 'a')).toBeGreaterThan(0);
    for (let i = 0; i < 4; i++) t.fail('u2', 'a');
    // u2 was the oldest when u5 came, so its earlier failure was forgotten.
    expect(t.retryAfterS('u2', 'a')).toBe(0);
  });
});
