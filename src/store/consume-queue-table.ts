// Every consume queue of the store, by topic and queue id (DefaultMessageStore#consumeQueueTable),
// and the dispatcher that appends a unit per message (CommitLogDispatcherBuildConsumeQueue).
// Queues live in <root>/consumequeue/<topic>/<queueId>/ and are created on first use; a BatchCQ
// topic's in <root>/batchconsumequeue/<topic>/<queueId>/ (batch-consume-queue.ts). A queue's kind
// is its directory's once it exists; a new one is batch when its first record is an inner batch
// or the topic is BatchCQ (DefaultMessageStore#findConsumeQueue asks the topic config the same).
import { join } from 'node:path';
import { assert } from '../common/assert.js';
import { BCQ_UNIT_SIZE_BYTES, CQ_UNIT_SIZE_BYTES } from '../common/limits.js';
import type { Logger } from '../common/logger.js';
import { isInnerBatch } from '../message/message.js';
import { BatchConsumeQueue } from './batch-consume-queue.js';
import type { CommitService } from './commit-service.js';
import { ConsumeQueue } from './consume-queue.js';
import type { CommitLogDispatcher, DispatchRequest } from './dispatcher.js';
import type { FileIO } from './file-io.js';
import type { LogicQueue } from './logic-queue.js';
import { isIndexed } from './store-record.js';

const BATCH_DIR = 'batchconsumequeue';

export class ConsumeQueueTable implements CommitLogDispatcher {
  /** Units appended by recovery re-dispatch since open (logged at startup). */
  redispatched = 0;
  private readonly queues = new Map<string, LogicQueue>();
  /**
   * The same queues by topic, then queue id: the put path looks a queue up twice per message,
   * and a `topic\0id` key string built (and hashed) each time showed in send profiles.
   */
  private readonly byTopic = new Map<string, Map<number, LogicQueue>>();
  private readonly io: FileIO;
  private readonly log: Logger;
  /** <root>/consumequeue */
  private readonly dir: string;
  /** <root>/batchconsumequeue */
  private readonly batchDir: string;
  /** Builds the queue of (topic, queueId) on first use, of the kind asked for. */
  private readonly create: (topic: string, queueId: number, batch: boolean) => LogicQueue;
  /** Whether a topic is BatchCQ (the broker's topic configs); none are without a broker. */
  private readonly isBatchTopic: (topic: string) => boolean;

  constructor(
    io: FileIO,
    root: string,
    fileSize: number,
    log: Logger,
    committer?: CommitService,
    isBatchTopic: (topic: string) => boolean = () => false,
  ) {
    this.io = io;
    this.log = log;
    this.dir = join(root, 'consumequeue');
    this.batchDir = join(root, BATCH_DIR);
    this.isBatchTopic = isBatchTopic;
    // As many units per segment as the simple queue's, so small test sizes roll both kinds.
    const batchFileSize = (fileSize / CQ_UNIT_SIZE_BYTES) * BCQ_UNIT_SIZE_BYTES;
    this.create = (topic, queueId, batch) =>
      batch
        ? new BatchConsumeQueue(io, root, topic, queueId, batchFileSize, committer)
        : new ConsumeQueue(io, root, topic, queueId, fileSize, committer);
  }

  load(): void {
    for (const [dir, batch] of [
      [this.dir, false],
      [this.batchDir, true],
    ] as const) {
      for (const topic of this.io.readdir(dir)) {
        for (const q of this.io.readdir(join(dir, topic))) {
          if (/^\d+$/.test(q)) this.findOrCreate(topic, Number(q), batch);
        }
      }
    }
  }

  get size(): number {
    return this.queues.size;
  }

  values(): IterableIterator<LogicQueue> {
    return this.queues.values();
  }

  find(topic: string, queueId: number): LogicQueue | undefined {
    return this.byTopic.get(topic)?.get(queueId);
  }

  /** The queue of (topic, queueId); a new one is batch if `innerBatch` or the topic is BatchCQ. */
  findOrCreate(topic: string, queueId: number, innerBatch = false): LogicQueue {
    const cq = this.byTopic.get(topic)?.get(queueId);
    if (cq) return cq;
    const made = this.create(topic, queueId, innerBatch || this.isBatchTopic(topic));
    made.load();
    this.queues.set(`${topic}\u0000${queueId}`, made);
    let ids = this.byTopic.get(topic);
    if (!ids) {
      ids = new Map();
      this.byTopic.set(topic, ids);
    }
    ids.set(queueId, made);
    return made;
  }

  /** Removes a queue from both lookups (its files are the caller's business). */
  private forget(key: string, cq: LogicQueue): void {
    this.queues.delete(key);
    const ids = this.byTopic.get(cq.topic);
    if (ids?.get(cq.queueId) === cq) ids.delete(cq.queueId);
    if (ids?.size === 0) this.byTopic.delete(cq.topic);
  }

  /**
   * Deletes every consume queue of `topic` and its directory (DefaultMessageStore#deleteTopics);
   * the commit log keeps the records until retention. Returns the queues deleted.
   */
  deleteTopic(topic: string): number {
    let n = 0;
    for (const [key, cq] of this.queues) {
      if (cq.topic !== topic) continue;
      cq.destroy();
      this.forget(key, cq);
      n++;
    }
    this.io.removeDir(join(this.dir, topic));
    this.io.removeDir(join(this.batchDir, topic));
    return n;
  }

  /**
   * Deletes queues whose first unit points at a record of a deleted topic (a deletion the crash
   * interrupted); a queue made again after the deletion points only past it and stays.
   */
  dropDeleted(isDeleted: (topic: string, commitLogOffset: number) => boolean): void {
    const topics = new Set<string>();
    for (const [key, cq] of this.queues) {
      const first = cq.unitAt(cq.minOffset);
      if (!first || !isDeleted(cq.topic, first.commitLogOffset)) continue;
      cq.destroy();
      this.forget(key, cq);
      topics.add(cq.topic);
    }
    for (const topic of topics) {
      this.log.warn({ topic }, 'consume queues of a deleted topic found at start; removed');
      if (![...this.queues.values()].some((cq) => cq.topic === topic)) {
        this.io.removeDir(join(this.dir, topic));
        this.io.removeDir(join(this.batchDir, topic));
      }
    }
  }

  /** Commit-log offset past the newest indexed message of any queue. */
  get maxPhysicOffset(): number {
    let max = 0;
    for (const cq of this.queues.values()) max = Math.max(max, cq.maxPhysicOffset);
    return max;
  }

  dispatch(r: DispatchRequest, recovering: boolean): void {
    if (!isIndexed(r.sysFlag)) return;
    const batch = isInnerBatch(r.sysFlag);
    const cq = this.findOrCreate(r.topic, r.queueId, batch);
    const span = cq.isBatch ? (r.batchSize ?? 1) : 1;
    assert(cq.isBatch || !batch, 'an inner batch is only put to a batch consume queue');
    if (recovering) {
      if (r.queueOffset < cq.maxOffset) return; // already indexed before the restart
      if (r.queueOffset > cq.maxOffset && cq.maxOffset > cq.minOffset) {
        this.log.error(
          { topic: r.topic, queueId: r.queueId, at: r.queueOffset, cq: cq.maxOffset },
          'consume queue gap during recovery; the record is not indexed',
        );
        return;
      }
      this.redispatched++;
    }
    cq.append(r.queueOffset, r.commitLogOffset, r.size, r.tagsCode, r.storeTimestamp, span);
    assert(cq.maxOffset === r.queueOffset + span, 'the unit landed at its queue offset');
  }

  /**
   * Cuts every queue at its first unit that cannot be right (ConsumeQueue#truncateDirty). Returns
   * the commit-log offset re-dispatch must start from to rebuild what was cut (Infinity if none).
   */
  truncateDirty(commitLogEnd: number): number {
    let rebuildFrom = Number.POSITIVE_INFINITY;
    for (const cq of this.queues.values()) {
      const dropped = cq.truncateDirty(commitLogEnd);
      if (dropped > 0) {
        rebuildFrom = Math.min(rebuildFrom, cq.maxPhysicOffset);
        this.log.warn(
          { topic: cq.topic, queueId: cq.queueId, dropped, from: cq.maxOffset },
          'consume queue units past the commit log or damaged dropped; rebuilding them',
        );
      }
    }
    assert(this.maxPhysicOffset <= commitLogEnd, 'no queue points past the commit log');
    return rebuildFrom;
  }

  /** Drops the units of every queue that point at or past `commitLogEnd`; returns how many. */
  rollbackTo(commitLogEnd: number): number {
    let n = 0;
    for (const cq of this.queues.values())
      if (cq.maxPhysicOffset > commitLogEnd) n += cq.rollbackTo(commitLogEnd);
    assert(this.maxPhysicOffset <= commitLogEnd, 'no queue points past the rolled back end');
    return n;
  }

  /** Drops segments and units of every queue that point below the commit log's new head. */
  deleteExpiredFiles(minPhyOffset: number): number {
    let n = 0;
    for (const cq of this.queues.values()) n += cq.deleteExpiredFiles(minPhyOffset);
    return n;
  }

  correctMinOffset(minPhyOffset: number): void {
    for (const cq of this.queues.values()) cq.correctMinOffset(minPhyOffset);
  }

  async flush(): Promise<void> {
    for (const cq of this.queues.values()) await cq.flush();
  }

  close(): void {
    for (const cq of this.queues.values()) cq.close();
  }

  abandon(): void {
    for (const cq of this.queues.values()) cq.abandon();
  }
}
