import { describe, expect, it } from 'vitest';
import { allocateAveragely, type MessageQueue } from './allocate.js';

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
