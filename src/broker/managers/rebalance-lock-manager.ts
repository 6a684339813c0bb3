// Queue locks of orderly consumers (RebalanceLockManager, spec part 2 §1.7): per group, a queue
// belongs to the client that locked it until that client unlocks it or stops renewing it for
// lockMaxLiveTime (RocketMQ's rocketmq.broker.rebalance.lockMaxLiveTime, 60 s). A client whose
// lock expired is assumed dead, so another member may take the queue over.
import { assert } from '../../common/assert.js';

export interface LockedQueue {
  topic: string;
  brokerName: string;
  queueId: number;
}

interface Entry {
  clientId: string;
  lastUpdate: number;
}

const keyOf = (mq: LockedQueue) => `${mq.topic}\u0000${mq.brokerName}\u0000${mq.queueId}`;

export class RebalanceLockManager {
  private readonly groups = new Map<string, Map<string, Entry>>();
  private readonly maxLiveMs: number;
  private readonly now: () => number;

  constructor(maxLiveMs: number, now: () => number = Date.now) {
    assert(maxLiveMs > 0, 'a lock lives for a positive time');
    this.maxLiveMs = maxLiveMs;
    this.now = now;
  }

  /** Locks (or renews) what it can for clientId; returns the queues clientId now holds. */
  tryLockBatch(group: string, mqs: LockedQueue[], clientId: string): LockedQueue[] {
    let table = this.groups.get(group);
    if (!table) {
      table = new Map();
      this.groups.set(group, table);
    }
    const now = this.now();
    const held: LockedQueue[] = [];
    for (const mq of mqs) {
      const k = keyOf(mq);
      const e = table.get(k);
      if (!e || e.clientId === clientId || now - e.lastUpdate > this.maxLiveMs) {
        table.set(k, { clientId, lastUpdate: now });
        held.push(mq);
      }
    }
    return held;
  }

  /** Releases the queues clientId holds; others' locks are left alone. */
  unlockBatch(group: string, mqs: LockedQueue[], clientId: string): void {
    const table = this.groups.get(group);
    if (!table) return;
    for (const mq of mqs) {
      const k = keyOf(mq);
      if (table.get(k)?.clientId === clientId) table.delete(k);
    }
    if (table.size === 0) this.groups.delete(group);
  }

  /** True when the group holds no live lock (then it is not consuming orderly). */
  isLockAllExpired(group: string): boolean {
    const table = this.groups.get(group);
    if (!table) return true;
    const now = this.now();
    for (const e of table.values()) if (now - e.lastUpdate <= this.maxLiveMs) return false;
    return true;
  }
}
