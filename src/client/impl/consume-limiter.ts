// Bounds the listener calls running at once across a consumer's queues (consumeThreadMax: the
// Java client's consume thread pool). tryAcquire lets a caller take a free slot without a promise.
import { assert } from '../../common/assert.js';

export class ConsumeLimiter {
  private readonly max: number;
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(max: number) {
    assert(Number.isInteger(max) && max > 0, 'consumeThreadMax is a positive integer');
    this.max = max;
  }

  /** Takes a slot when one is free, without waiting. */
  tryAcquire(): boolean {
    if (this.active >= this.max) return false;
    this.active++;
    return true;
  }

  acquire(): Promise<void> {
    if (this.tryAcquire()) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    assert(this.active > 0, 'release follows acquire');
    const next = this.waiting.shift();
    if (next)
      next(); // the slot passes straight on
    else this.active--;
  }
}
