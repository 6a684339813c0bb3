// Batches small appends into one write(2) per event-loop turn (RocketMQ's CommitRealTimeService
// with transientStorePoolEnable does the same with a memory pool). Every put of a turn stages its
// bytes; one setImmediate hands them all to the kernel, and only then are the puts acknowledged,
// so an acknowledged message is at least in the page cache (and survives a process crash).
import { assert } from '../common/assert.js';
import type { Logger } from '../common/logger.js';

export interface Committable {
  commit(): void;
}

interface Round {
  promise: Promise<void>;
  resolve: () => void;
  reject: (err: Error) => void;
}

function newRound(): Round {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export class CommitService {
  private readonly dirty = new Set<Committable>();
  /** The puts of one turn share one promise: one allocation per round, not per put. */
  private round: Round | undefined;
  private scheduled = false;
  private halted = false;
  private readonly log: Logger;
  /** write(2) rounds; the tests read it. */
  commitRounds = 0;

  constructor(log: Logger) {
    this.log = log;
  }

  markDirty(f: Committable): void {
    assert(!this.halted, 'nothing is staged after a halt');
    this.dirty.add(f);
    this.schedule();
  }

  /** Resolves once everything staged so far has been written to the kernel. */
  barrier(): Promise<void> {
    if (this.halted) return Promise.reject(new Error('the store was halted'));
    if (this.dirty.size === 0) return Promise.resolve();
    this.round ??= newRound();
    this.schedule();
    return this.round.promise;
  }

  /** Writes every staged byte now (flush, truncate and shutdown call this first). */
  commitAll(): void {
    if (this.halted) return;
    const round = this.round;
    this.round = undefined;
    try {
      for (const f of this.dirty) f.commit();
      this.dirty.clear();
      this.commitRounds++;
    } catch (err) {
      this.log.error({ err }, 'writing staged store bytes failed');
      round?.reject(err as Error);
      return;
    }
    assert(this.dirty.size === 0, 'a round writes every dirty file');
    round?.resolve();
  }

  /** Forgets staged bytes and fails their waiters: a simulated crash (MessageStore#halt). */
  halt(): void {
    this.halted = true;
    this.dirty.clear();
    this.round?.reject(new Error('the store was halted before the write'));
    this.round = undefined;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.commitAll();
    });
  }
}
