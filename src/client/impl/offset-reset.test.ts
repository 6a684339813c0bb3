// Queues starting over after a reset (offset-reset.ts over a real RebalanceService): the old
// process queue is dropped, so a message still in flight there no longer holds the commit back or
// pushes it forward; the new one starts at the reset offset, which is committed at once; a 220
// table moves only the held queues of its topic; the status table is what each held queue would
// commit now.
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger.js';
import type { MessageExt } from '../../message/message.js';
import { allocateAveragely, type MessageQueue } from './allocate.js';
import type { OffsetStore } from './consumer-parts.js';
import { consumeOffsetsOf, resetTopicOffsets, restartQueueAt } from './offset-reset.js';
import type { ProcessQueue } from './process-queue.js';
import { RebalanceService } from './rebalance-service.js';

const mq = (topic: string, queueId: number): MessageQueue => ({ topic, brokerName: 'b', queueId });

function consumer() {
  const added: ProcessQueue[] = [];
  const commits: string[] = [];
  const store: OffsetStore = {
    remote: true,
    load() {},
    readOffset: async () => 5,
    async updateOffset(q, offset) {
      commits.push(`${q.topic}:${q.queueId}=${offset}`);
      return true;
    },
    persistAll() {},
  };
  const rebalance = new RebalanceService({
    group: 'G',
    allocate: allocateAveragely,
    broadcasting: true,
    cluster: {
      clientId: 'a',
      subscribeQueues: async (topic) => [mq(topic, 0), mq(topic, 1)],
      consumerIds: async () => ['a'],
    },
    topics: () => ['T', 'U'],
    startOffset: async () => 5,
    locker: undefined,
    lockRetryMs: 5,
    listener: { queueAdded: (pq) => void added.push(pq), queueRemoved: async () => {} },
    isRunning: () => true,
    log: silentLogger(),
  });
  return { rebalance, store, added, commits };
}

const msg = (queueOffset: number) =>
  ({ topic: 'T', queueOffset, body: Buffer.alloc(1), properties: {} }) as unknown as MessageExt;

describe('offset reset of a running push consumer', () => {
  it('drops the queue, starts a new one at the offset and commits it', async () => {
    const { rebalance, store, added, commits } = consumer();
    await rebalance.rebalance();
    const old = added.find((pq) => pq.mq.topic === 'T' && pq.mq.queueId === 0)!;
    old.nextOffset = 9;
    old.add(msg(7)); // still with the listener when the reset comes
    expect(await restartQueueAt(rebalance, store, old, 2)).toBe(true);
    expect(old.dropped).toBe(true);
    const fresh = added.at(-1)!;
    expect([fresh.mq, fresh.nextOffset, fresh.dropped]).toEqual([old.mq, 2, false]);
    expect(commits).toEqual(['T:0=2']);
    expect([...rebalance.processQueues()]).toContain(fresh);
    expect([...rebalance.processQueues()]).not.toContain(old);
    old.remove(7); // the listener finishes the old message: nothing moves
    expect(consumeOffsetsOf(rebalance.processQueues(), 'T')).toEqual([
      { mq: mq('T', 0), offset: 2 },
      { mq: mq('T', 1), offset: 5 },
    ]);
    expect(await restartQueueAt(rebalance, store, old, 0)).toBe(false); // already replaced
  });

  it('a 220 table moves only the held queues of its topic', async () => {
    const { rebalance, store, commits } = consumer();
    await rebalance.rebalance();
    const table = [
      { mq: mq('T', 1), offset: 0 },
      { mq: mq('T', 7), offset: 0 }, // not held here
      { mq: mq('U', 0), offset: 0 }, // another topic than the request's
    ];
    expect(await resetTopicOffsets(rebalance, store, 'T', table)).toBe(1);
    expect(commits).toEqual(['T:1=0']);
    expect(consumeOffsetsOf(rebalance.processQueues(), 'U')).toEqual([
      { mq: mq('U', 0), offset: 5 },
      { mq: mq('U', 1), offset: 5 },
    ]);
  });
});
