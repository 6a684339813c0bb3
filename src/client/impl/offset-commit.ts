// Committing a queue's consumed offset (ProcessQueue + OffsetStore#updateOffset/#persistAll):
// the offset is the smallest one still in flight (see process-queue.ts), sent only when it moved
// since the last commit the store took.
import type { OffsetStore } from './consumer-parts.js';
import type { ProcessQueue } from './process-queue.js';

export async function commitQueueOffset(store: OffsetStore, pq: ProcessQueue): Promise<void> {
  const offset = pq.commitOffset();
  if (offset < 0 || offset === pq.lastCommitted) return;
  if (await store.updateOffset(pq.mq, offset)) pq.lastCommitted = offset;
}

/** Commits every queue, then makes the store persist (the interval job and shutdown). */
export async function commitOffsets(
  store: OffsetStore,
  pqs: Iterable<ProcessQueue>,
): Promise<void> {
  await Promise.all(Array.from(pqs, (pq) => commitQueueOffset(store, pq)));
  store.persistAll();
}
