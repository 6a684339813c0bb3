// Batches small appends into one write(2) per event-loop turn (RocketMQ's CommitRealTimeService
// with transientStorePoolEnable does the same with a memory pool). Every put of a turn stages its
// bytes; one setImmediate hands them all to the kernel, and only then are the puts acknowledged,
// so an acknowledged message is at least in the page cache (and survives a process crash).
import { assert } from '../common/assert.js';
import type { Logger } from '../common/logger.js';

export interface Committable {
  commit(): void;
}

/** What the store does when a round ends (both run synchronously, before any waiter resumes). */
export interface RoundHooks {
  /** Every staged byte is written: nothing below the commit log's end can be rolled back now. */
  written(): void;
  /** A write failed: drop every byte of the round's puts (they are all refused). */
  failed(err: Error): void;
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
  private readonly hooks: RoundHooks | undefined;
  /** write(2) rounds; the tests read it. */
  commitRounds = 0;

  constructor(log: Logger, hooks?: RoundHooks) {
    this.log = log;
    this.hooks = hooks;
  }

  markDirty(f: Committable): void {
    assert(!this.halted, 'nothing is staged after a halt');
    this.dirty.add(f);
    this.schedule();
  }

  /** Resolves once everything staged so far has been written to the kernel. */
  barrier(): Promise<void> {
    if (this.halted) return Promise.reject(new Error('the store was halted'));
    if (this.dirty.size === 0) {
      this.hooks?.written(); // a put that wrote through its record has nothing staged
      return Promise.resolve();
    }
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
      this.fail(err as Error, round);
      return;
    }
    assert(this.dirty.size === 0, 'a round writes every dirty file');
    this.hooks?.written();
    round?.resolve();
  }

  /**
   * A write of this round's bytes failed (here, or in an append that had to write its staging
   * early): the round is undone and every put waiting on it is refused. Files stay listed, since
   * bytes staged for them before the round's first put (queue fillers) are still to be written.
   */
  fail(err: Error, round = this.round): void {
    if (round === this.round) this.round = undefined;
    this.hooks?.failed(err);
    round?.reject(err);
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
