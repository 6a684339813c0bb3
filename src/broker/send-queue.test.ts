import { describe, expect, it } from 'vitest';
import { SendQueue } from './send-queue.js';

describe('SendQueue', () => {
  it('admits up to its capacity, then refuses and counts the refusals', () => {
    const q = new SendQueue(2);
    const first = q.tryAdmit();
    const second = q.tryAdmit();
    expect(first).toBeTypeOf('function');
    expect(second).toBeTypeOf('function');
    expect(q.tryAdmit()).toBeUndefined();
    expect(q.rejected).toBe(1);
    expect(q.size).toBe(2);
    first!();
    expect(q.size).toBe(1);
    expect(q.tryAdmit()).toBeTypeOf('function');
    expect(q.rejected).toBe(1);
  });

  it('a release frees only its own place, once', () => {
    const q = new SendQueue(2);
    const release = q.tryAdmit()!;
    q.tryAdmit();
    release();
    release();
    expect(q.size).toBe(1);
  });

  it('reports how long the oldest waiting send has waited, and names the bound', () => {
    let now = 1_000;
    const q = new SendQueue(1, () => now);
    expect(q.headWaitMs()).toBe(0);
    const release = q.tryAdmit()!;
    now += 250;
    expect(q.headWaitMs()).toBe(250);
    expect(q.tryAdmit()).toBeUndefined();
    expect(q.busyRemark()).toMatch(/^\[OVERLOAD\]system busy/);
    expect(q.busyRemark()).toContain('1 sends are waiting for the store');
    expect(q.busyRemark()).toContain('sendThreadPoolQueueCapacity=1');
    expect(q.busyRemark()).toContain('the oldest for 250 ms');
    release();
    expect(q.headWaitMs()).toBe(0);
  });
});

describe('SendQueue tickets (the send path)', () => {
  it('admit gives -1 when full, and release frees only its own ticket, once', () => {
    const q = new SendQueue(2);
    const a = q.admit();
    const b = q.admit();
    expect(a).toBeGreaterThanOrEqual(0);
    expect(b).not.toBe(a);
    expect(q.admit()).toBe(-1);
    expect(q.rejected).toBe(1);
    q.release(a);
    q.release(a);
    expect(q.size).toBe(1);
    expect(q.admit()).toBeGreaterThanOrEqual(0);
    expect(q.size).toBe(2);
  });
});
