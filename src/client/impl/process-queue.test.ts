import { describe, expect, it } from 'vitest';
import type { MessageExt } from '../../message/message.js';
import { ProcessQueue } from './process-queue.js';

const m = (queueOffset: number) => ({ queueOffset, body: Buffer.alloc(100) }) as MessageExt;

describe('ProcessQueue', () => {
  it('commits the smallest in-flight offset, or the next offset when idle', () => {
    const pq = new ProcessQueue({ topic: 'T', brokerName: 'b', queueId: 0 }, 10);
    expect(pq.commitOffset()).toBe(10);
    pq.nextOffset = 15;
    for (const o of [10, 12, 14]) pq.add(m(o)); // 11 and 13 were filtered out by tag
    expect(pq.commitOffset()).toBe(10);
    pq.remove(12);
    expect(pq.commitOffset()).toBe(10);
    pq.remove(10);
    expect(pq.commitOffset()).toBe(14);
    expect(pq.inflightBytes).toBe(100);
    pq.remove(14);
    pq.remove(14); // twice: counted once
    expect(pq.commitOffset()).toBe(15);
    expect(pq.inflightBytes).toBe(0);
  });

  it('commits the lowest unconsumed offset whatever order batches finish in', () => {
    const pq = new ProcessQueue({ topic: 'T', brokerName: 'b', queueId: 0 }, 0);
    pq.nextOffset = 96;
    for (let o = 0; o < 96; o++) pq.add(m(o));
    for (let o = 64; o < 96; o++) pq.remove(o); // the third batch finished first
    for (let o = 0; o < 31; o++) pq.remove(o);
    expect(pq.commitOffset()).toBe(31);
    pq.remove(31);
    expect(pq.commitOffset()).toBe(32);
    for (let o = 32; o < 64; o++) pq.remove(o);
    expect(pq.commitOffset()).toBe(96);
  });

  it('refuses messages added out of offset order (a pull pipeline bug)', () => {
    const pq = new ProcessQueue({ topic: 'T', brokerName: 'b', queueId: 0 }, 0);
    pq.nextOffset = 10;
    pq.add(m(5));
    pq.add(m(5)); // the same one again is tolerated
    expect(() => pq.add(m(4))).toThrow(/offset order/);
  });
});
