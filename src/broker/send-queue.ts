// The sends a broker holds unanswered: admitted, then waiting for the store (the page-cache
// write, the SYNC_FLUSH group commit) or for the route of a topic they created. Each one keeps
// its request, body included, in memory. RocketMQ bounds the same backlog with its send thread
// pool queue (BrokerConfig#sendThreadPoolQueueCapacity): when it is full the executor rejects and
// NettyRemotingAbstract answers SYSTEM_BUSY "[OVERLOAD]system busy, start flow control for a
// while". KiteMQ's event loop never blocks on a put, so its sends wait here instead, and a send
// past the bound is refused before it reaches the store: nothing of it is stored.
import { assert } from '../common/assert.js';

export class SendQueue {
  readonly capacity: number;
  /** Sends refused because the queue was full, since boot. */
  rejected = 0;
  /** Admission time (ms) by ticket, oldest first (a Map keeps insertion order). */
  private readonly waiting = new Map<number, number>();
  private nextTicket = 0;
  private readonly now: () => number;

  constructor(capacity: number, now: () => number = Date.now) {
    assert(Number.isSafeInteger(capacity) && capacity > 0, 'the send queue holds something');
    this.capacity = capacity;
    this.now = now;
  }

  get size(): number {
    return this.waiting.size;
  }

  /** How long the oldest waiting send has waited (sendThreadPoolQueueHeadWaitTimeMills). */
  headWaitMs(): number {
    for (const admittedAt of this.waiting.values()) return Math.max(0, this.now() - admittedAt);
    return 0;
  }

  /** A release function to call once the send is answered, or undefined when the queue is full. */
  tryAdmit(): (() => void) | undefined {
    const ticket = this.admit();
    if (ticket < 0) return undefined;
    return () => this.release(ticket);
  }

  /**
   * tryAdmit without the closure (the send path, once per message): a ticket to release once
   * the send is answered, or -1 when the queue is full.
   */
  admit(): number {
    if (this.waiting.size >= this.capacity) {
      this.rejected++;
      return -1;
    }
    const ticket = this.nextTicket++;
    this.waiting.set(ticket, this.now());
    return ticket;
  }

  /** Frees the ticket's place; a second release of the same ticket does nothing. */
  release(ticket: number): void {
    this.waiting.delete(ticket);
  }

  /** The SYSTEM_BUSY remark: what is full, why, and what to do. */
  busyRemark(): string {
    return (
      `[OVERLOAD]system busy, start flow control for a while: ${this.waiting.size} sends are ` +
      `waiting for the store (sendThreadPoolQueueCapacity=${this.capacity}), the oldest for ` +
      `${this.headWaitMs()} ms; the disk is slower than the send rate. Retry later or on ` +
      'another broker, or check the disk (a SYNC_FLUSH broker waits for every fdatasync)'
    );
  }
}
