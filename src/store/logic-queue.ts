// What the store asks of a queue's index whatever its kind (ConsumeQueueInterface): the simple
// consume queue (one 20-byte unit per message, consume-queue.ts) and the batch consume queue (one
// 46-byte unit per inner batch, batch-consume-queue.ts). Offsets are logical queue offsets, one
// per message in both; a unit of a batch queue covers batchSize of them from msgBaseOffset.
import type { ConsumeQueueReader, CqUnit } from './consume-queue.js';

export interface LogicQueue extends ConsumeQueueReader {
  readonly topic: string;
  readonly queueId: number;
  /** True for a batch consume queue (BatchCQ topic). */
  readonly isBatch: boolean;
  /** Commit-log offset just past the last indexed message (for idempotent re-dispatch). */
  maxPhysicOffset: number;
  load(): void;
  append(
    queueOffset: number,
    commitLogOffset: number,
    size: number,
    tagsCode: number,
    storeTimestamp: number,
    batchSize: number,
  ): void;
  /** The unit holding queue offset `queueOffset`, if the queue still has it. */
  unitAt(queueOffset: number): CqUnit | undefined;
  lastUnit(): CqUnit | undefined;
  truncateDirty(commitLogEnd: number): number;
  rollbackTo(commitLogEnd: number): number;
  endBefore(commitLogEnd: number): number;
  correctMinOffset(minPhyOffset: number): void;
  deleteExpiredFiles(minPhyOffset: number): number;
  flush(): Promise<void>;
  close(): void;
  destroy(): void;
  abandon(): void;
}
