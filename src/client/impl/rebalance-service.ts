// The push consumer's rebalance (RebalanceImpl / RebalancePushImpl): which of the subscribed
// topics' queues this member owns (the allocate strategy over the group's live members; every
// queue for BROADCASTING), and the process-queue table of the queues it owns. A queue it gives up
// is dropped, its offset committed and (orderly) its broker lock released; a queue it gains starts
// at computePullFromWhere's offset and, for orderly consumption, only once its broker lock is held
// (lockAll renews them all). Rounds do not overlap: a call during a round waits for that round.
import type { Logger } from '../../common/logger.js';
import { type AllocateStrategy, type MessageQueue, queueKey } from './allocate.js';
import type {
  ClusterView,
  LockRenewal,
  QueueLocker,
  QueueTableListener,
} from './consumer-parts.js';
import { ProcessQueue } from './process-queue.js';

export interface RebalanceOptions {
  group: string;
  allocate: AllocateStrategy;
  /** Every member owns every queue (offsets are local). */
  broadcasting: boolean;
  cluster: ClusterView;
  /** The subscribed topics, read at each round. */
  topics(): Iterable<string>;
  /** Where a gained queue starts; -1 leaves it for the next round. */
  startOffset(mq: MessageQueue): Promise<number>;
  /** Orderly consumption: queues are taken only with their broker lock. */
  locker: QueueLocker | undefined;
  /** The pause before a refused lock is asked again (its holder unlocks when it rebalances). */
  lockRetryMs: number;
  listener: QueueTableListener;
  isRunning(): boolean;
  log: Logger;
}

export class RebalanceService implements LockRenewal {
  private readonly o: RebalanceOptions;
  private readonly table = new Map<string, ProcessQueue>();
  private round: Promise<void> | undefined;
  private lockRetryTimer: NodeJS.Timeout | undefined;

  constructor(options: RebalanceOptions) {
    this.o = options;
  }

  processQueues(): IterableIterator<ProcessQueue> {
    return this.table.values();
  }

  rebalance(): Promise<void> {
    if (!this.o.isRunning()) return Promise.resolve();
    this.round ??= this.doRebalance().finally(() => {
      this.round = undefined;
    });
    return this.round;
  }

  /** Renews every held lock, broker by broker; a queue that lost its lock waits for it again. */
  async lockAll(onLocked: (pq: ProcessQueue) => void): Promise<void> {
    const locker = this.o.locker;
    if (!locker) return;
    for (const pqs of byBroker(this.table.values(), (pq) => pq.mq).values()) {
      const held = await locker.lock(pqs.map((pq) => pq.mq));
      for (const pq of pqs) {
        pq.locked = held.has(queueKey(pq.mq));
        if (pq.locked) onLocked(pq);
      }
    }
  }

  /**
   * The queue starts over at `offset` (a reset, or a pull answered PULL_OFFSET_MOVED): `pq` is
   * dropped, so what is still in flight there no longer counts for the commit, and a new process
   * queue (holding the same lock) starts pulling. Undefined when `pq` is no longer in the table.
   */
  restartQueue(pq: ProcessQueue, offset: number): ProcessQueue | undefined {
    const key = queueKey(pq.mq);
    if (pq.dropped || this.table.get(key) !== pq) return undefined;
    pq.dropped = true;
    const fresh = new ProcessQueue(pq.mq, offset);
    fresh.locked = pq.locked;
    this.table.set(key, fresh);
    this.o.listener.queueAdded(fresh);
    return fresh;
  }

  /** Shutdown, first step: every queue dropped (their offsets are committed next). */
  dropAll(): void {
    clearTimeout(this.lockRetryTimer);
    for (const pq of this.table.values()) pq.dropped = true;
  }

  /** Shutdown, last step (orderly): every lock given up, one request per broker. */
  unlockAll(): void {
    const locker = this.o.locker;
    if (!locker) return;
    const mqs = Array.from(this.table.values(), (pq) => pq.mq);
    for (const queues of byBroker(mqs, (mq) => mq).values()) locker.unlock(queues);
  }

  private async doRebalance(): Promise<void> {
    for (const topic of this.o.topics()) {
      try {
        await this.rebalanceTopic(topic);
      } catch (err) {
        // One topic's missing route must not stop the others; the next round tries again.
        this.o.log.warn({ err, topic }, 'rebalance of a topic failed; retrying next round');
      }
    }
  }

  private async rebalanceTopic(topic: string): Promise<void> {
    const { cluster } = this.o;
    const all = await cluster.subscribeQueues(topic);
    let mine: Set<string>;
    if (this.o.broadcasting) {
      mine = new Set(all.map(queueKey));
    } else {
      const cids = await cluster.consumerIds(this.o.group, all[0]?.brokerName);
      if (cids.length === 0) return;
      mine = new Set(this.o.allocate(cluster.clientId, all, cids).map(queueKey));
    }
    for (const [key, pq] of [...this.table]) {
      if (pq.mq.topic !== topic || mine.has(key)) continue;
      pq.dropped = true;
      this.table.delete(key);
      await this.o.listener.queueRemoved(pq);
      this.o.locker?.unlock([pq.mq]);
    }
    for (const mq of all) {
      const key = queueKey(mq);
      if (!mine.has(key) || this.table.has(key)) continue;
      if (this.o.locker && !(await this.o.locker.lock([mq])).has(key)) {
        this.retryLockSoon(); // another member may hold it still
        continue;
      }
      const offset = await this.o.startOffset(mq);
      if (offset < 0) continue;
      const pq = new ProcessQueue(mq, offset);
      pq.locked = this.o.locker !== undefined;
      this.table.set(key, pq);
      this.o.listener.queueAdded(pq);
    }
  }

  private retryLockSoon(): void {
    if (this.lockRetryTimer) return;
    this.lockRetryTimer = setTimeout(() => {
      this.lockRetryTimer = undefined;
      void this.rebalance();
    }, this.o.lockRetryMs);
    this.lockRetryTimer.unref();
  }
}

/** Items grouped by their queue's broker (one lock request per broker). */
function byBroker<T>(items: Iterable<T>, mqOf: (item: T) => MessageQueue): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const name = mqOf(item).brokerName;
    const list = out.get(name);
    if (list) list.push(item);
    else out.set(name, [item]);
  }
  return out;
}
