import { timingSafeEqual } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { SessionStore, tokensEqual } from './sessions.js';

vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return { ...real, timingSafeEqual: vi.fn(real.timingSafeEqual) };
});

const admin = { name: 'admin', role: 'admin' as const };

function store(idleTimeoutMs = 1_000, maxSessions = 10) {
  const clock = { now: 0 };
  return { clock, s: new SessionStore({ idleTimeoutMs, maxSessions, now: () => clock.now }) };
}

describe('SessionStore', () => {
  it('gives random ids and CSRF tokens, and finds a session by its id', () => {
    const { s } = store();
    const a = s.create(admin);
    const b = s.create(admin);
    expect(a.id).not.toBe(b.id);
    expect(a.csrfToken).not.toBe(a.id);
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(s.touch(a.id)?.user).toEqual(admin);
    expect(s.touch('nope')).toBeUndefined();
    expect(s.touch(undefined)).toBeUndefined();
  });

  it('expires a session idle for the timeout, and each use restarts its clock', () => {
    const { s, clock } = store(1_000);
    const a = s.create(admin);
    clock.now = 999;
    expect(s.touch(a.id)).toBeDefined();
    clock.now = 1_998;
    expect(s.touch(a.id)).toBeDefined();
    clock.now = 2_998;
    expect(s.touch(a.id)).toBeUndefined();
    expect(s.size).toBe(0);
  });

  it('sweeps expired sessions and evicts the least recently used when full', () => {
    const { s, clock } = store(1_000, 2);
    const a = s.create(admin);
    const b = s.create(admin);
    clock.now = 10;
    s.touch(a.id);
    const c = s.create(admin); // full: b was used least recently
    expect(s.touch(b.id)).toBeUndefined();
    expect(s.touch(a.id)).toBeDefined();
    expect(s.touch(c.id)).toBeDefined();
    clock.now = 5_000;
    s.sweep();
    expect(s.size).toBe(0);
  });

  it('forgets a deleted session', () => {
    const { s } = store();
    const a = s.create(admin);
    s.delete(a.id);
    expect(s.touch(a.id)).toBeUndefined();
  });
});

describe('tokensEqual', () => {
  it('compares digests of equal length with timingSafeEqual, whatever the inputs', () => {
    const spy = vi.mocked(timingSafeEqual);
    spy.mockClear();
    expect(tokensEqual('abc', 'abc')).toBe(true);
    expect(tokensEqual('abc', 'abd')).toBe(false);
    expect(tokensEqual('', 'a-much-longer-token')).toBe(false);
    expect(spy).toHaveBeenCalledTimes(3);
    for (const [a, b] of spy.mock.calls) {
      expect((a as Buffer).length).toBe(32);
      expect((b as Buffer).length).toBe(32);
    }
  });
});
