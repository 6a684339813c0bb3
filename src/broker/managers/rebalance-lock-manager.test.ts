import { describe, expect, it } from 'vitest';
import { RebalanceLockManager } from './rebalance-lock-manager.js';

const q = (queueId: number) => ({ topic: 'T', brokerName: 'b', queueId });

describe('RebalanceLockManager', () => {
  it('grants free queues, refuses held ones, renews, unlocks only the owner, expires', () => {
    let now = 1_000;
    const locks = new RebalanceLockManager(60_000, () => now);
    expect(locks.isLockAllExpired('G')).toBe(true);
    expect(locks.tryLockBatch('G', [q(0), q(1)], 'A')).toEqual([q(0), q(1)]);
    expect(locks.tryLockBatch('G', [q(1), q(2)], 'B')).toEqual([q(2)]);
    expect(locks.tryLockBatch('Other', [q(1)], 'B')).toEqual([q(1)]); // groups are separate
    expect(locks.isLockAllExpired('G')).toBe(false);

    locks.unlockBatch('G', [q(0)], 'B'); // not B's: stays A's
    expect(locks.tryLockBatch('G', [q(0)], 'B')).toEqual([]);
    locks.unlockBatch('G', [q(0)], 'A');
    expect(locks.tryLockBatch('G', [q(0)], 'B')).toEqual([q(0)]);

    now += 50_000;
    expect(locks.tryLockBatch('G', [q(1)], 'A')).toEqual([q(1)]); // renewed at 51 s
    now += 20_000; // B's locks are 70 s old, A's q1 20 s
    expect(locks.tryLockBatch('G', [q(0), q(1), q(2)], 'C')).toEqual([q(0), q(2)]);
    now += 61_000;
    expect(locks.isLockAllExpired('G')).toBe(true);
  });
});
