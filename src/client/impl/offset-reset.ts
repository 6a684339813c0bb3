// A running push consumer following an operator's offset reset, both ways a broker announces one:
// RocketMQ 5's server-side reset answers the queue's next pull PULL_OFFSET_MOVED (pull-service.ts
// hands the queue here), a 4.x broker (or 5.x without useServerSideResetOffset) sends
// RESET_CONSUMER_CLIENT_OFFSET (220) with the new offsets (ClientRemotingProcessor#resetOffset →
// MQClientInstance#resetOffset). Either way the queue's process queue is dropped, so messages still
// in flight there can no longer move the commit past the new offset, a new one starts pulling at
// that offset, and the offset is committed at once, so a commit of the old position that reached
// the broker meanwhile does not stand. Java waits 10 s between dropping and committing for its
// consume threads to let go of the queue; here a dropped queue's late completions count for
// nothing.
import type { QueueOffset } from '../../protocol/bodies/offset-table.js';
import { queueKey } from './allocate.js';
import type { OffsetStore } from './consumer-parts.js';
import { commitQueueOffset } from './offset-commit.js';
import type { ProcessQueue } from './process-queue.js';
import type { RebalanceService } from './rebalance-service.js';

/** `pq` starts over at `offset`; false when the queue is no longer this consumer's. */
export async function restartQueueAt(
  rebalance: RebalanceService,
  store: OffsetStore,
  pq: ProcessQueue,
  offset: number,
): Promise<boolean> {
  const fresh = rebalance.restartQueue(pq, offset);
  if (!fresh) return false;
  await commitQueueOffset(store, fresh);
  store.persistAll();
  return true;
}

/**
 * RESET_CONSUMER_CLIENT_OFFSET: every queue of `topic` that this consumer holds and `table` names
 * starts over at its offset (queues it does not hold are left to their owners). The number of
 * queues reset.
 */
export async function resetTopicOffsets(
  rebalance: RebalanceService,
  store: OffsetStore,
  topic: string,
  table: readonly QueueOffset[],
): Promise<number> {
  const wanted = new Map(table.filter((e) => e.mq.topic === topic).map((e) => [queueKey(e.mq), e]));
  const held = [...rebalance.processQueues()].filter((pq) => wanted.has(queueKey(pq.mq)));
  const done = await Promise.all(
    held.map((pq) => restartQueueAt(rebalance, store, pq, wanted.get(queueKey(pq.mq))!.offset)),
  );
  return done.filter(Boolean).length;
}

/**
 * GET_CONSUMER_STATUS_FROM_CLIENT's table (getConsumerStatus → OffsetStore#cloneOffsetTable):
 * the offset each held queue of `topic` would commit now.
 */
export function consumeOffsetsOf(pqs: Iterable<ProcessQueue>, topic: string): QueueOffset[] {
  const out: QueueOffset[] = [];
  for (const pq of pqs) {
    if (pq.mq.topic === topic && !pq.dropped) out.push({ mq: pq.mq, offset: pq.commitOffset() });
  }
  return out;
}
