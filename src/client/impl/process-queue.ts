// Messages pulled from one queue and not yet consumed (ProcessQueue). The offset to commit is the
// smallest offset still in flight, or the next offset to pull when nothing is: everything below
// it was either consumed or filtered out by tag.
import { assert } from '../../common/assert.js';
import type { MessageExt } from '../../message/message.js';
import type { MessageQueue } from './allocate.js';

export class ProcessQueue {
  readonly mq: MessageQueue;
  nextOffset: number;
  dropped = false;
  lastCommitted = -1;
  /** Orderly consumption: the broker lock is held, messages waiting in order, a worker runs. */
  locked = false;
  readonly pending: MessageExt[] = [];
  consuming = false;
  private readonly inflight = new Map<number, MessageExt>();
  private lastAdded = -1;

  constructor(mq: MessageQueue, startOffset: number) {
    assert(startOffset >= 0, 'queues start at a real offset');
    this.mq = mq;
    this.nextOffset = startOffset;
  }

  /** Body bytes held (pullThresholdSizeForQueue). */
  inflightBytes = 0;
  /** When a pull last brought messages here, and a message was last done (ConsumerRunningInfo). */
  lastPullTimestamp = 0;
  lastConsumeTimestamp = 0;

  get inflightCount(): number {
    return this.inflight.size;
  }

  add(m: MessageExt): void {
    assert(m.queueOffset < this.nextOffset, 'messages are added after nextOffset moved past them');
    assert(
      m.queueOffset > this.lastAdded || this.inflight.has(m.queueOffset),
      'messages are added in offset order (commitOffset reads the first one as the smallest)',
    );
    this.lastAdded = Math.max(this.lastAdded, m.queueOffset);
    if (!this.inflight.has(m.queueOffset)) this.inflightBytes += m.body.length;
    this.inflight.set(m.queueOffset, m);
    this.lastPullTimestamp = Date.now();
  }

  remove(queueOffset: number): void {
    const m = this.inflight.get(queueOffset);
    if (!m) return;
    this.inflightBytes -= m.body.length;
    this.inflight.delete(queueOffset);
    this.lastConsumeTimestamp = Date.now();
  }

  /** Smallest and largest offset held, or undefined when nothing is. */
  cachedOffsetRange(): [number, number] | undefined {
    if (this.inflight.size === 0) return undefined;
    let min = Number.POSITIVE_INFINITY;
    let max = -1;
    for (const k of this.inflight.keys()) {
      if (k < min) min = k;
      if (k > max) max = k;
    }
    return [min, max];
  }

  commitOffset(): number {
    // A Map iterates in insertion order and offsets come in ascending (add asserts it), so the
    // first key is the smallest: every pull reads this, with up to pullThresholdForQueue held.
    for (const k of this.inflight.keys()) return Math.min(k, this.nextOffset);
    return this.nextOffset;
  }
}
