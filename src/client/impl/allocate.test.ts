import { describe, expect, it } from 'vitest';
import {
  allocateAveragely,
  allocateByCircle,
  allocateByConfig,
  allocateConsistentHash,
  type MessageQueue,
} from './allocate.js';

const mqs = (n: number): MessageQueue[] =>
  Array.from({ length: n }, (_, i) => ({ topic: 'T', brokerName: 'b', queueId: i }));
const ids = (r: MessageQueue[]) => r.map((q) => q.queueId);

describe('allocateAveragely', () => {
  it('matches RocketMQ for uneven splits', () => {
    const cids = ['c1', 'c2', 'c3'];
    expect(ids(allocateAveragely('c1', mqs(8), cids))).toEqual([0, 1, 2]);
    expect(ids(allocateAveragely('c2', mqs(8), cids))).toEqual([3, 4, 5]);
    expect(ids(allocateAveragely('c3', mqs(8), cids))).toEqual([6, 7]);
  });

  it('gives one queue each when there are more clients than queues, and none to the rest', () => {
    const cids = ['a', 'b', 'c'];
    expect(ids(allocateAveragely('a', mqs(2), cids))).toEqual([0]);
    expect(ids(allocateAveragely('b', mqs(2), cids))).toEqual([1]);
    expect(ids(allocateAveragely('c', mqs(2), cids))).toEqual([]);
  });

  it('covers every queue exactly once across the group', () => {
    const cids = ['x', 'y', 'z', 'w'];
    const all = cids.flatMap((c) => ids(allocateAveragely(c, mqs(10), cids)));
    expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });
});

describe('the other strategies', () => {
  const cids = ['c1', 'c2', 'c3'];
  it('by circle deals queues out in turn', () => {
    expect(ids(allocateByCircle('c1', mqs(8), cids))).toEqual([0, 3, 6]);
    expect(ids(allocateByCircle('c2', mqs(8), cids))).toEqual([1, 4, 7]);
    expect(ids(allocateByCircle('c3', mqs(8), cids))).toEqual([2, 5]);
    expect(allocateByCircle('nobody', mqs(8), cids)).toEqual([]);
  });

  it('consistent hash covers every queue once and moves few queues when a member leaves', () => {
    const hash = allocateConsistentHash();
    const owner = (members: string[]) => {
      const m = new Map<number, string>();
      for (const c of members) for (const q of hash(c, mqs(32), members)) m.set(q.queueId, c);
      return m;
    };
    const before = owner(cids);
    expect(before.size).toBe(32);
    const after = owner(['c1', 'c2']);
    expect(after.size).toBe(32);
    for (const [q, c] of before) if (c !== 'c3') expect(after.get(q)).toBe(c);
  });

  it('by config takes exactly the configured queues', () => {
    const pick = allocateByConfig([mqs(8)[2]!, mqs(8)[5]!]);
    expect(ids(pick('anyone', mqs(8), cids))).toEqual([2, 5]);
  });
});
