import { describe, expect, it } from 'vitest';
import { pollUntil } from '../../../test/harness/poll.js';
import { silentLogger } from '../../common/logger.js';
import { allocateAveragely, type MessageQueue, queueKey } from './allocate.js';
import type { ClusterView, QueueLocker } from './consumer-parts.js';
import type { ProcessQueue } from './process-queue.js';
import { type RebalanceOptions, RebalanceService } from './rebalance-service.js';

/** `n` queues of topic T; with `brokers`, spread over them in turn. */
const queues = (n: number, brokers = ['b']): MessageQueue[] =>
  Array.from({ length: n }, (_, i) => ({
    topic: 'T',
    brokerName: brokers[i % brokers.length]!,
    queueId: i,
  }));

/** A cluster of one topic with `n` queues; members and calls changeable by the test. */
function world(n: number, members: string[], locker?: QueueLocker, brokers?: string[]) {
  const events: string[] = [];
  const cluster: ClusterView & { cids: string[]; rounds: number } = {
    clientId: 'a',
    cids: members,
    rounds: 0,
    async subscribeQueues() {
      this.rounds++;
      return queues(n, brokers);
    },
    async consumerIds() {
      return this.cids;
    },
  };
  const options: RebalanceOptions = {
    group: 'G',
    allocate: allocateAveragely,
    broadcasting: false,
    cluster,
    topics: () => ['T'],
    startOffset: async (mq) => (mq.queueId === 99 ? -1 : 10 * mq.queueId),
    locker,
    lockRetryMs: 5,
    listener: {
      queueAdded: (pq) => events.push(`add ${pq.mq.queueId}@${pq.nextOffset}`),
      queueRemoved: async (pq) => {
        events.push(`remove ${pq.mq.queueId} dropped=${pq.dropped}`);
      },
    },
    isRunning: () => true,
    log: silentLogger(),
  };
  return { cluster, events, service: new RebalanceService(options) };
}

const owned = (s: RebalanceService) => Array.from(s.processQueues(), (pq) => pq.mq.queueId);

/** Polls a condition under a generous deadline; the expect() after it reports a miss. */
const until = (cond: () => boolean) => pollUntil(cond, (done) => done, 20_000, 2);

describe('RebalanceService', () => {
  it('takes its share of the queues, each at the offset the start point gives', async () => {
    const { events, service } = world(4, ['a', 'b']);
    await service.rebalance();
    expect(owned(service)).toEqual([0, 1]);
    expect(events).toEqual(['add 0@0', 'add 1@10']);
  });

  it('gives up queues a new member takes (dropped, then handed to the listener)', async () => {
    const { cluster, events, service } = world(4, ['a']);
    await service.rebalance();
    expect(owned(service)).toEqual([0, 1, 2, 3]);
    const dropped = Array.from(service.processQueues()).filter((pq) => pq.mq.queueId >= 2);
    cluster.cids = ['a', 'b'];
    await service.rebalance();
    expect(owned(service)).toEqual([0, 1]);
    expect(events.slice(4)).toEqual(['remove 2 dropped=true', 'remove 3 dropped=true']);
    expect(dropped.every((pq) => pq.dropped)).toBe(true);
  });

  it('runs one round at a time: a call during a round shares it', async () => {
    const { cluster, service } = world(2, ['a']);
    const first = service.rebalance();
    expect(service.rebalance()).toBe(first);
    await first;
    expect(cluster.rounds).toBe(1);
    await service.rebalance();
    expect(cluster.rounds).toBe(2);
  });

  it('orderly: takes a queue only with its lock, asks again soon, and unlocks what it drops', async () => {
    const free = new Set([queueKey(queues(2)[0]!)]);
    const unlocked: string[] = [];
    const locker: QueueLocker = {
      lock: async (mqs) => new Set(mqs.map(queueKey).filter((k) => free.has(k))),
      unlock: (mqs) => unlocked.push(...mqs.map(queueKey)),
    };
    const { cluster, events, service } = world(2, ['a'], locker);
    await service.rebalance();
    expect(owned(service)).toEqual([0]);
    expect([...service.processQueues()].every((pq) => pq.locked)).toBe(true);
    free.add(queueKey(queues(2)[1]!)); // its old owner let go: the retry timer takes it
    await until(() => owned(service).length === 2);
    cluster.cids = ['a', 'b'];
    await service.rebalance();
    expect(owned(service)).toEqual([0]);
    expect(unlocked).toEqual(['T@b@1']);
    expect(events.at(-1)).toBe('remove 1 dropped=true');
  });

  it('lockAll renews every held lock; a queue that lost its lock is marked and not resumed', async () => {
    let held = new Set(queues(2).map(queueKey));
    const locker: QueueLocker = {
      lock: async (mqs) => new Set(mqs.map(queueKey).filter((k) => held.has(k))),
      unlock: () => {},
    };
    const { service } = world(2, ['a'], locker);
    await service.rebalance();
    held = new Set([queueKey(queues(2)[1]!)]);
    const resumed: ProcessQueue[] = [];
    await service.lockAll((pq) => resumed.push(pq));
    expect(resumed.map((pq) => pq.mq.queueId)).toEqual([1]);
    expect(Array.from(service.processQueues(), (pq) => pq.locked)).toEqual([false, true]);
  });

  it('shutdown drops every queue and unlocks them, one request per broker', async () => {
    const requests: string[][] = [];
    const locker: QueueLocker = {
      lock: async (mqs) => new Set(mqs.map(queueKey)),
      unlock: (mqs) => requests.push(mqs.map(queueKey)),
    };
    const { service } = world(4, ['a'], locker, ['b', 'c']);
    await service.rebalance();
    service.dropAll();
    service.unlockAll();
    expect([...service.processQueues()].every((pq) => pq.dropped)).toBe(true);
    expect(requests).toEqual([
      ['T@b@0', 'T@b@2'],
      ['T@c@1', 'T@c@3'],
    ]);
  });
});
