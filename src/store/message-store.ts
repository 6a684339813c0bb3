// The store facade (DefaultMessageStore): putMessage/putMessages append to the commit log and
// index into consume queues in the same tick; once the put's write round succeeds, pulls may read
// it and messageArrived fires (a failed round is rolled back, so no pull ever saw its puts).
// getMessage serves stored bytes by queue offset. Outcomes are status values. Opening runs
// recovery (recovery.ts).
import { EventEmitter } from 'node:events';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { assert } from '../common/assert.js';
import {
  MAX_TRANSFER_BYTES_ON_MESSAGE_IN_MEMORY,
  MAX_TRANSFER_COUNT_ON_MESSAGE_IN_MEMORY,
} from '../common/limits.js';
import type { Logger } from '../common/logger.js';
import { MessageConst, type MessageExt, type MessageToStore } from '../message/message.js';
import { decodeRecord } from '../message/record-codec.js';
import { StoreCheckpoint } from './checkpoint.js';
import { type CleanOptions, CleanService } from './clean-service.js';
import { CommitLog, CreateMappedFileError } from './commit-log.js';
import { CommitService } from './commit-service.js';
import { ConsumeQueueTable } from './consume-queue-table.js';
import { DeletedTopics } from './deleted-topics.js';
import { type CommitLogDispatcher, type DispatchRequest, IndexDispatcher } from './dispatcher.js';
import { type FileIO, nodeFileIO, withEnvSeams } from './file-io.js';
import { FlushService } from './flush-service.js';
import {
  type GetMessageResult,
  getMessageFromQueue,
  type RecordFilter,
  type TagFilter,
} from './get-message.js';
import { type IndexQueryResult, IndexService } from './index-service.js';
import { recoverStore } from './recovery.js';
import { PutMessageStatus, type PutMessageStatusValue } from './status.js';
import { type EncodedForStore, encodeForStore, isIndexed, msgIdFor } from './store-record.js';

export type { GetMessageResult, RecordFilter, TagFilter } from './get-message.js';

export interface MessageStoreOptions {
  storePathRootDir: string;
  /** Commit log directory; <storePathRootDir>/commitlog by default. */
  storePathCommitLog?: string;
  mappedFileSizeCommitLog: number;
  mappedFileSizeConsumeQueue: number;
  flushDiskType: 'ASYNC_FLUSH' | 'SYNC_FLUSH';
  flushIntervalCommitLog: number;
  flushCommitLogLeastPages: number;
  syncFlushTimeout: number;
  maxMessageSize: number;
  logger: Logger;
  /** Build the key index (RocketMQ messageIndexEnable); default true. */
  messageIndexEnable?: boolean;
  /** Key index sizes (RocketMQ maxHashSlotNum / maxIndexNum); defaults 5,000,000 / 20,000,000. */
  maxHashSlotNum?: number;
  maxIndexNum?: number;
  /** Retention and disk watermarks; RocketMQ's defaults for what is left out. */
  clean?: Partial<Omit<CleanOptions, 'now'>>;
  /** Injected for fault simulation; node:fs by default. */
  fileIO?: FileIO;
}

export interface AppendResult {
  wroteOffset: number;
  wroteBytes: number;
  msgId: string;
  msgIds: string[];
  queueOffset: number;
  storeTimestamp: number;
  msgNum: number;
}

export interface PutMessageResult {
  status: PutMessageStatusValue;
  appendResult?: AppendResult;
  remark?: string;
}

type StoreEvents = {
  messageArrived: [topic: string, queueId: number, nextOffset: number, tagsCode: number];
};

const CQ_FLUSH_INTERVAL_MS = 1_000;

/** MessageStoreConfig's defaults. */
export const DEFAULT_CLEAN_OPTIONS: Omit<CleanOptions, 'now'> = {
  deleteWhen: '04',
  fileReservedTimeHours: 72,
  diskMaxUsedSpaceRatio: 75,
  diskSpaceWarningLevelRatio: 90,
  diskSpaceCleanForciblyRatio: 85,
  cleanFileForciblyEnable: true,
  cleanResourceInterval: 10_000,
  deleteFilesBatchMax: 10,
};
/** Data within this distance of the commit-log end is "hot" (accessMessageInMemoryMaxRatio 40%). */
const HOT_DISTANCE_BYTES = Math.floor(totalmem() * 0.4);

export class MessageStore extends EventEmitter<StoreEvents> {
  readonly commitLog: CommitLog;
  readonly flushService: FlushService;
  readonly commitService: CommitService;
  readonly indexService: IndexService;
  private readonly opts: MessageStoreOptions;
  private readonly io: FileIO;
  readonly consumeQueues: ConsumeQueueTable;
  readonly cleanService: CleanService;
  private readonly dispatchers: CommitLogDispatcher[];
  private readonly checkpoint: StoreCheckpoint;
  private readonly deletedTopics: DeletedTopics;
  private cqTimer: NodeJS.Timeout | undefined;
  private running = false;
  /**
   * Commit-log end as of the last write round that succeeded: every byte below it is written and
   * its puts told so; every byte past it belongs to puts still waiting, and a failed write rolls
   * the store back to here.
   */
  private writtenEnd = 0;

  private constructor(opts: MessageStoreOptions) {
    super();
    this.opts = opts;
    this.io = withEnvSeams(opts.fileIO ?? nodeFileIO);
    this.commitService = new CommitService(opts.logger, {
      written: () => {
        this.writtenEnd = this.commitLog.maxOffset;
      },
      failed: (err) => this.rollBack(err),
    });
    this.commitLog = new CommitLog(
      this.io,
      opts.storePathCommitLog ?? join(opts.storePathRootDir, 'commitlog'),
      opts.logger,
      {
        fileSize: opts.mappedFileSizeCommitLog,
        maxMessageSize: opts.maxMessageSize,
        committer: this.commitService,
      },
    );
    this.consumeQueues = new ConsumeQueueTable(
      this.io,
      opts.storePathRootDir,
      opts.mappedFileSizeConsumeQueue,
      opts.logger,
      this.commitService,
    );
    this.checkpoint = new StoreCheckpoint(this.io, opts.storePathRootDir);
    this.deletedTopics = new DeletedTopics(this.io, opts.storePathRootDir);
    this.indexService = new IndexService(
      this.io,
      opts.storePathRootDir,
      {
        maxHashSlotNum: opts.maxHashSlotNum ?? 5_000_000,
        maxIndexNum: opts.maxIndexNum ?? 20_000_000,
      },
      opts.logger,
    );
    this.flushService = new FlushService(this.commitLog.queue, opts.logger, {
      leastPages: opts.flushCommitLogLeastPages,
      intervalMs: opts.flushIntervalCommitLog,
      syncTimeoutMs: opts.syncFlushTimeout,
      now: Date.now,
    });
    this.dispatchers =
      opts.messageIndexEnable === false
        ? [this.consumeQueues]
        : [this.consumeQueues, new IndexDispatcher(this.indexService)];
    this.cleanService = new CleanService(
      this.io,
      opts.logger.child({ service: 'clean' }),
      { commitLog: this.commitLog, cqs: this.consumeQueues, index: this.indexService },
      { ...DEFAULT_CLEAN_OPTIONS, ...opts.clean, now: Date.now },
    );
  }

  static async open(opts: MessageStoreOptions): Promise<MessageStore> {
    const store = new MessageStore(opts);
    store.load();
    store.start();
    return store;
  }

  private load(): void {
    this.io.mkdirp(this.opts.storePathRootDir);
    this.writtenEnd = recoverStore({
      commitLog: this.commitLog,
      consumeQueues: this.consumeQueues,
      indexService: this.indexService,
      deletedTopics: this.deletedTopics,
      checkpoint: this.checkpoint,
      dispatchers: this.dispatchers,
      logger: this.opts.logger,
    });
  }

  private start(): void {
    this.checkpoint.markOpen();
    if (this.opts.flushDiskType === 'ASYNC_FLUSH') this.flushService.startAsync();
    this.cqTimer = setInterval(() => void this.flushConsumeQueues(), CQ_FLUSH_INTERVAL_MS);
    this.cqTimer.unref();
    this.cleanService.start();
    this.running = true;
  }

  private consumeQueue(topic: string, queueId: number) {
    return this.consumeQueues.find(topic, queueId);
  }

  putMessage(m: MessageToStore): Promise<PutMessageResult> {
    return this.putMessages([m]);
  }

  /** A batch: same topic and queue, consecutive queue offsets; all or nothing on validation. */
  async putMessages(ms: MessageToStore[]): Promise<PutMessageResult> {
    if (!this.running)
      return { status: PutMessageStatus.SERVICE_NOT_AVAILABLE, remark: 'the store is shut down' };
    assert(ms.length > 0, 'callers never put an empty batch');
    if (this.cleanService.isDiskFull) {
      return {
        status: PutMessageStatus.SERVICE_NOT_AVAILABLE,
        remark: this.cleanService.diskFullRemark(),
      };
    }
    const encoded: EncodedForStore[] = [];
    for (const m of ms) {
      const e = encodeForStore(m, this.opts.maxMessageSize, this.commitLog.maxRecordBytes);
      if ('status' in e) return e;
      encoded.push(e);
    }
    let total = 0;
    for (const e of encoded) total += e.size;
    if (total > this.commitLog.maxRecordBytes) {
      return {
        status: PutMessageStatus.MESSAGE_ILLEGAL,
        remark: `the batch takes ${total} bytes stored, more than one commit log segment holds (${this.commitLog.maxRecordBytes}); send smaller batches`,
      };
    }
    const now = Date.now();
    let offsets: number[];
    let first: number;
    let base: number;
    try {
      ({ offsets, first, base } = this.append(encoded, now));
    } catch (err) {
      if (err instanceof CreateMappedFileError) {
        this.opts.logger.error({ err }, 'cannot create a commit log segment');
        return { status: PutMessageStatus.CREATE_MAPPED_FILE_FAILED, remark: err.message };
      }
      // A staging buffer filled and its write failed: this turn's puts are undone and refused.
      this.opts.logger.error({ err }, 'commit log append failed');
      this.commitService.fail(err as Error);
      return this.writeFailed(err);
    }
    const firstOffset = offsets[0]!;
    const wrote = total;
    const ids = encoded.map((e, i) => msgIdFor(e, offsets[i]!));
    const appendResult: AppendResult = {
      wroteOffset: firstOffset,
      wroteBytes: wrote,
      msgId: ids[0]!,
      msgIds: ids,
      queueOffset: first,
      storeTimestamp: now,
      msgNum: ms.length,
    };
    try {
      await this.commitService.barrier(); // in the page cache before anyone is told "stored"
    } catch (err) {
      return this.writeFailed(err); // rolled back (rollBack): refused means not stored
    }
    // Only now: a pull woken by it finds the records written, never ones a failed write undoes.
    let queueOffset = base;
    for (let i = 0; i < encoded.length; i++) {
      const p = encoded[i]!.parsed;
      if (!isIndexed(p.sysFlag)) continue;
      this.emit('messageArrived', p.topic, p.queueId, ++queueOffset, p.tagsCode);
    }
    if (this.opts.flushDiskType === 'ASYNC_FLUSH') {
      this.flushService.wakeup(); // CommitLog#handleDiskFlush wakes the flusher on every put
      return { status: PutMessageStatus.PUT_OK, appendResult };
    }
    if (ms[0]!.properties[MessageConst.WAIT] === 'false') {
      this.flushService.requestFlush(); // answered now; the bytes are flushed soon all the same
      return { status: PutMessageStatus.PUT_OK, appendResult };
    }
    const durable = await this.flushService.waitForFlush(firstOffset + wrote);
    if (!durable) return { status: PutMessageStatus.FLUSH_DISK_TIMEOUT, appendResult };
    return { status: PutMessageStatus.PUT_OK, appendResult };
  }

  private writeFailed(err: unknown): PutMessageResult {
    if ((err as NodeJS.ErrnoException).code === 'ENOSPC') {
      return {
        status: PutMessageStatus.SERVICE_NOT_AVAILABLE,
        remark: this.cleanService.diskFullRemark(),
      };
    }
    return { status: PutMessageStatus.UNKNOWN_ERROR, remark: (err as Error).message };
  }

  /**
   * A write round failed: every put past writtenEnd is refused, so its bytes must never be
   * written or read. The commit log, the consume queues (whose next puts then reuse the queue
   * offsets) and the read cache go back to writtenEnd. Key-index entries past it stay: a query
   * checks each record it finds, so they match nothing, and live puts are indexed whatever the
   * index's end (IndexService#buildIndex).
   */
  private rollBack(err: Error): void {
    if ((err as NodeJS.ErrnoException).code === 'ENOSPC') this.cleanService.markDiskFull();
    const to = this.writtenEnd;
    const dropped = this.commitLog.maxOffset - to;
    // The memory state is cut before each file: a file that could not be shortened is written
    // over from the cut by the next round, and recovery cuts a torn tail.
    try {
      this.commitLog.rollbackTo(to);
    } catch (cutErr) {
      this.opts.logger.error({ err: cutErr }, 'cutting the commit log file back failed');
    }
    let units = 0;
    try {
      units = this.consumeQueues.rollbackTo(to);
    } catch (cutErr) {
      this.opts.logger.error({ err: cutErr }, 'cutting a consume queue file back failed');
    }
    this.opts.logger.warn(
      { writtenEnd: to, droppedBytes: dropped, droppedUnits: units, err },
      'a store write failed; the puts waiting on it were rolled back and refused',
    );
    assert(this.commitLog.maxOffset === to, 'the commit log ends where the last round did');
  }

  /**
   * Appends a batch (one segment, contiguous) and dispatches it in the same tick; pulls see it once
   * its write round succeeds (readableEnd). Returns commit-log offsets, the first queue offset
   * (0 for a record no queue indexes) and the queue's end before the batch.
   */
  private append(
    encoded: EncodedForStore[],
    now: number,
  ): { offsets: number[]; first: number; base: number } {
    const head = encoded[0]!.parsed;
    const base = this.consumeQueues.findOrCreate(head.topic, head.queueId).maxOffset;
    let next = base;
    const records = encoded.map((e) => ({
      plan: e.plan,
      queueOffset: isIndexed(e.sysFlag) ? next++ : 0,
    }));
    const offsets = this.commitLog.appendBatch(records, now);
    for (let i = 0; i < records.length; i++) {
      const p = encoded[i]!.parsed;
      const req: DispatchRequest = {
        topic: p.topic,
        queueId: p.queueId,
        queueOffset: records[i]!.queueOffset,
        commitLogOffset: offsets[i]!,
        size: records[i]!.plan.size,
        sysFlag: p.sysFlag,
        tagsCode: p.tagsCode,
        storeTimestamp: now,
        keys: p.keys,
        uniqKey: p.uniqKey,
      };
      for (const d of this.dispatchers) d.dispatch(req, false);
    }
    return { offsets, first: isIndexed(encoded[0]!.sysFlag) ? base : 0, base };
  }

  /**
   * Deletes a topic's consume queues (DefaultMessageStore#deleteTopics): its messages can no
   * longer be pulled; their commit-log records go with retention. The deletion is recorded
   * durably first, so recovery after a crash does not index those records again. Returns the
   * queues deleted.
   */
  deleteTopic(topic: string): number {
    this.deletedTopics.add(topic, this.commitLog.maxOffset);
    const n = this.consumeQueues.deleteTopic(topic);
    if (n > 0)
      this.opts.logger.info({ topic, queues: n }, 'consume queues of a deleted topic removed');
    return n;
  }

  getMessage(
    topic: string,
    queueId: number,
    offset: number,
    maxMsgNums: number,
    filter?: TagFilter,
    recordFilter?: RecordFilter,
  ): GetMessageResult {
    const cq = this.consumeQueue(topic, queueId);
    const caps = {
      maxMsgNums,
      maxCount: MAX_TRANSFER_COUNT_ON_MESSAGE_IN_MEMORY,
      maxBytes: MAX_TRANSFER_BYTES_ON_MESSAGE_IN_MEMORY,
      readableEnd: this.writtenEnd,
    };
    return getMessageFromQueue(cq, this.commitLog, offset, caps, filter, recordFilter);
  }

  /**
   * Next queue offset past the messages a pull can read: puts whose write round is pending are
   * not counted (RocketMQ's consume queue holds only committed messages), so nothing waits on an
   * offset that a failed write may hand to another message.
   */
  getMaxOffsetInQueue(topic: string, queueId: number): number {
    return this.consumeQueue(topic, queueId)?.endBefore(this.writtenEnd) ?? 0;
  }

  /**
   * Next queue offset past every appended put, written or not: lets a caller see that a put it
   * just made was appended (it may still be refused; its promise says).
   */
  getAppendedMaxOffsetInQueue(topic: string, queueId: number): number {
    return this.consumeQueue(topic, queueId)?.maxOffset ?? 0;
  }

  getMinOffsetInQueue(topic: string, queueId: number): number {
    return this.consumeQueue(topic, queueId)?.minOffset ?? 0;
  }

  getStoreTimestamp(topic: string, queueId: number, offset: number): number {
    const u = this.consumeQueue(topic, queueId)?.unitAt(offset);
    if (!u) return -1;
    const b = this.commitLog.read(u.commitLogOffset, u.size);
    return b ? decodeRecord(b, 0).storeTimestamp : -1;
  }

  getEarliestMessageTime(topic: string, queueId: number): number {
    return this.getStoreTimestamp(topic, queueId, this.getMinOffsetInQueue(topic, queueId));
  }

  /** First queue offset whose message was stored at or after `timestampMs`; max offset if none. */
  getOffsetInQueueByTime(topic: string, queueId: number, timestampMs: number): number {
    const cq = this.consumeQueue(topic, queueId);
    if (!cq) return 0;
    let lo = cq.minOffset;
    let hi = cq.maxOffset;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const ts = this.getStoreTimestamp(topic, queueId, mid);
      if (ts >= 0 && ts < timestampMs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  getRecordBytes(commitLogOffset: number): Buffer | undefined {
    return this.commitLog.readRecord(commitLogOffset);
  }

  /** QUERY_MESSAGE: stored records whose KEYS or UNIQ_KEY equal `key`, newest first. */
  queryMessage(
    topic: string,
    key: string,
    maxNum: number,
    beginMs: number,
    endMs: number,
  ): Omit<IndexQueryResult, 'phyOffsets'> & { buffers: Buffer[] } {
    const r = this.indexService.query(topic, key, maxNum, beginMs, endMs);
    const buffers: Buffer[] = [];
    for (const off of new Set(r.phyOffsets)) {
      if (off < this.commitLog.minOffset) continue;
      const b = this.getRecordBytes(off);
      // The hash may collide, and entries of rolled back puts point at other records or at the
      // same offset twice: keep each record whose topic and keys really match, once.
      if (b && recordHasKey(decodeRecord(b, 0), topic, key)) buffers.push(b);
    }
    return {
      buffers,
      indexLastUpdateTimestamp: r.indexLastUpdateTimestamp,
      indexLastUpdatePhyoffset: r.indexLastUpdatePhyoffset,
    };
  }

  lookMessageByOffset(commitLogOffset: number): MessageExt | null {
    const b = this.getRecordBytes(commitLogOffset);
    return b ? decodeRecord(b, 0) : null;
  }

  checkInMemByConsumeOffset(topic: string, queueId: number, offset: number): boolean {
    const u = this.consumeQueue(topic, queueId)?.unitAt(offset);
    return u !== undefined && this.commitLog.maxOffset - u.commitLogOffset < HOT_DISTANCE_BYTES;
  }

  get maxPhyOffset(): number {
    return this.commitLog.maxOffset;
  }

  get minPhyOffset(): number {
    return this.commitLog.minOffset;
  }

  /** The periodic consume-queue flush and checkpoint, run now (recovery tests start from it). */
  checkpointNow(): Promise<void> {
    return this.flushConsumeQueues();
  }

  private async flushConsumeQueues(): Promise<void> {
    // Everything below this offset is already indexed: dispatch runs in the append's tick. Not
    // the log's end: bytes past writtenEnd may still be rolled back and written anew.
    const safe = this.writtenEnd;
    try {
      await this.consumeQueues.flush();
      await this.indexService.flush();
      const cp = { logicsSafeOffset: safe, physicMaxOffset: 0, timestamp: Date.now() };
      await this.checkpoint.writeAsync(cp);
    } catch (err) {
      // A full disk (ENOSPC) or an I/O error: the old checkpoint stays valid; retry next turn.
      this.opts.logger.error({ err }, 'consume queue flush or checkpoint failed; will retry');
    }
  }

  /**
   * Stops every timer and drops the store without flushing, checkpointing or removing the abort
   * marker: what a crash leaves behind. Fault-injection tests use it to simulate power loss.
   */
  halt(): void {
    this.running = false;
    if (this.cqTimer) clearInterval(this.cqTimer);
    this.cleanService.stop();
    this.flushService.stop();
    this.commitService.halt();
    this.consumeQueues.abandon();
    this.commitLog.queue.abandon();
  }

  async shutdown(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.cqTimer) clearInterval(this.cqTimer);
    this.cleanService.stop();
    await this.flushService.shutdown();
    const end = this.commitLog.maxOffset;
    await this.consumeQueues.flush();
    await this.indexService.flush();
    this.checkpoint.write({ logicsSafeOffset: end, physicMaxOffset: end, timestamp: Date.now() });
    this.checkpoint.markClean();
    this.consumeQueues.close();
    this.indexService.close();
    this.commitLog.close();
    this.opts.logger.info({ commitLogEnd: end }, 'store shut down cleanly');
  }
}

function recordHasKey(m: MessageExt, topic: string, key: string): boolean {
  if (m.topic !== topic) return false;
  if (m.properties[MessageConst.UNIQ_KEY] === key) return true;
  return (m.properties[MessageConst.KEYS] ?? '').split(' ').includes(key);
}
