// The store facade (DefaultMessageStore): putMessage/putMessages append to the commit log and
// index into consume queues in the same tick (so messageArrived fires only once a pull can see
// the message); getMessage serves stored bytes by queue offset. Outcomes are status values.
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
import { CommitLog } from './commit-log.js';
import { CommitService } from './commit-service.js';
import { ConsumeQueue } from './consume-queue.js';
import { type FileIO, nodeFileIO } from './file-io.js';
import { FlushService } from './flush-service.js';
import { type GetMessageResult, getMessageFromQueue, type TagFilter } from './get-message.js';
import { type IndexQueryResult, IndexService } from './index-service.js';
import { PutMessageStatus, type PutMessageStatusValue } from './status.js';
import { encodeForStore, isIndexed, type ParsedRecord, parseForDispatch } from './store-record.js';

export type { GetMessageResult, TagFilter } from './get-message.js';

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
  /** Key index sizes (RocketMQ maxHashSlotNum / maxIndexNum); defaults 5,000,000 / 20,000,000. */
  maxHashSlotNum?: number;
  maxIndexNum?: number;
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
/** Data within this distance of the commit-log end is "hot" (accessMessageInMemoryMaxRatio 40%). */
const HOT_DISTANCE_BYTES = Math.floor(totalmem() * 0.4);

export class MessageStore extends EventEmitter<StoreEvents> {
  readonly commitLog: CommitLog;
  readonly flushService: FlushService;
  readonly commitService: CommitService;
  readonly indexService: IndexService;
  private readonly opts: MessageStoreOptions;
  private readonly io: FileIO;
  private readonly cqs = new Map<string, ConsumeQueue>();
  private readonly checkpoint: StoreCheckpoint;
  private cqTimer: NodeJS.Timeout | undefined;
  private running = false;

  private constructor(opts: MessageStoreOptions) {
    super();
    this.opts = opts;
    this.io = opts.fileIO ?? nodeFileIO;
    this.commitService = new CommitService(opts.logger);
    this.commitLog = new CommitLog(
      this.io,
      opts.storePathCommitLog ?? join(opts.storePathRootDir, 'commitlog'),
      opts.mappedFileSizeCommitLog,
      opts.logger,
      this.commitService,
    );
    this.checkpoint = new StoreCheckpoint(this.io, opts.storePathRootDir);
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
    });
  }

  static async open(opts: MessageStoreOptions): Promise<MessageStore> {
    const store = new MessageStore(opts);
    store.load();
    store.start();
    return store;
  }

  private load(): void {
    this.io.mkdirp(this.opts.storePathRootDir);
    const aborted = this.checkpoint.wasAborted();
    const cp = this.checkpoint.read();
    this.commitLog.load();
    this.loadConsumeQueues();
    this.indexService.load();
    const files = this.commitLog.queue.files;
    const lastThree = files[Math.max(0, files.length - 3)]?.fileFromOffset ?? 0;
    let from =
      aborted || !cp ? Math.min(lastThree, cp?.logicsSafeOffset ?? 0) : cp.logicsSafeOffset;
    if (from > this.commitLog.maxOffset) from = this.commitLog.queue.last?.fileFromOffset ?? 0;
    if (aborted)
      this.opts.logger.warn({ from }, 'previous run did not shut down cleanly; recovering');
    const before = this.commitLog.maxOffset;
    const end = this.commitLog.recover(from, () => {});
    for (const cq of this.cqs.values()) {
      const dropped = cq.truncateDirty(end);
      if (dropped > 0)
        this.opts.logger.warn(
          { topic: cq.topic, queueId: cq.queueId, dropped },
          'consume queue units past the commit log dropped',
        );
    }
    this.indexService.truncateDirty(end);
    // The key index may lag the consume queues (or be new): re-dispatch from the older point.
    const dispatchFrom = Math.min(from, this.indexService.resumeOffset);
    let redispatched = 0;
    this.commitLog.recover(dispatchFrom, (r) => {
      if (this.dispatch(parseForDispatch(r.bytes), true)) redispatched++;
    });
    assert(this.commitLog.maxOffset === end, 'the second recovery pass keeps the same end');
    this.opts.logger.info(
      { commitLogEnd: end, truncatedBytes: before - end, redispatched, queues: this.cqs.size },
      'store loaded',
    );
  }

  private loadConsumeQueues(): void {
    const root = join(this.opts.storePathRootDir, 'consumequeue');
    for (const topic of this.io.readdir(root)) {
      for (const q of this.io.readdir(join(root, topic))) {
        if (!/^\d+$/.test(q)) continue;
        this.consumeQueue(topic, Number(q), true);
      }
    }
  }

  private start(): void {
    this.checkpoint.markOpen();
    if (this.opts.flushDiskType === 'ASYNC_FLUSH') this.flushService.startAsync();
    this.cqTimer = setInterval(() => void this.flushConsumeQueues(), CQ_FLUSH_INTERVAL_MS);
    this.cqTimer.unref();
    this.running = true;
  }

  private consumeQueue(topic: string, queueId: number, create: boolean): ConsumeQueue | undefined {
    const key = `${topic}\u0000${queueId}`;
    let cq = this.cqs.get(key);
    if (!cq && create) {
      cq = new ConsumeQueue(
        this.io,
        this.opts.storePathRootDir,
        topic,
        queueId,
        this.opts.mappedFileSizeConsumeQueue,
        this.commitService,
      );
      cq.load();
      this.cqs.set(key, cq);
    }
    return cq;
  }

  /** Indexes one record; during recovery skips what the queue already holds. */
  private dispatch(r: ParsedRecord, recovering: boolean): boolean {
    if (!isIndexed(r.sysFlag)) return false;
    this.indexService.buildIndex(r.topic, r.keys, r.uniqKey, r.offset, r.storeTimestamp);
    const cq = this.consumeQueue(r.topic, r.queueId, true)!;
    if (recovering && r.queueOffset < cq.maxOffset) return false;
    if (recovering && r.queueOffset > cq.maxOffset && cq.maxOffset > cq.minOffset) {
      this.opts.logger.error(
        { topic: r.topic, queueId: r.queueId, at: r.queueOffset, cq: cq.maxOffset },
        'consume queue gap during recovery',
      );
      return false;
    }
    cq.append(r.queueOffset, r.offset, r.size, r.tagsCode);
    if (!recovering) this.emit('messageArrived', r.topic, r.queueId, r.queueOffset + 1, r.tagsCode);
    return true;
  }

  putMessage(m: MessageToStore): Promise<PutMessageResult> {
    return this.putMessages([m]);
  }

  /** A batch: same topic and queue, consecutive queue offsets; all or nothing on validation. */
  async putMessages(ms: MessageToStore[]): Promise<PutMessageResult> {
    if (!this.running)
      return { status: PutMessageStatus.SERVICE_NOT_AVAILABLE, remark: 'the store is shut down' };
    assert(ms.length > 0, 'callers never put an empty batch');
    const encoded = [];
    for (const m of ms) {
      const e = encodeForStore(m, this.opts.maxMessageSize, this.opts.mappedFileSizeCommitLog);
      if ('status' in e) return e;
      encoded.push(e);
    }
    const cq = this.consumeQueue(ms[0]!.topic, ms[0]!.queueId, true)!;
    const now = Date.now();
    const ids: string[] = [];
    let first = -1;
    let firstOffset = -1;
    let wrote = 0;
    try {
      for (const e of encoded) {
        const queueOffset = isIndexed(e.sysFlag) ? cq.maxOffset : 0;
        const offset = this.commitLog.append(e.bytes, e.storeTsPos, queueOffset, now);
        if (first < 0) {
          first = queueOffset;
          firstOffset = offset;
        }
        wrote += e.bytes.length;
        ids.push(e.msgIdFor(offset));
        this.dispatch(
          { ...e.parsed, offset, size: e.bytes.length, queueOffset, storeTimestamp: now },
          false,
        );
      }
    } catch (err) {
      this.opts.logger.error({ err }, 'commit log append failed');
      return { status: PutMessageStatus.UNKNOWN_ERROR, remark: (err as Error).message };
    }
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
      return { status: PutMessageStatus.UNKNOWN_ERROR, remark: (err as Error).message };
    }
    const wait = ms[0]!.properties[MessageConst.WAIT] !== 'false';
    if (this.opts.flushDiskType === 'SYNC_FLUSH' && wait) {
      const durable = await this.flushService.waitForFlush(firstOffset + wrote);
      if (!durable) return { status: PutMessageStatus.FLUSH_DISK_TIMEOUT, appendResult };
    }
    return { status: PutMessageStatus.PUT_OK, appendResult };
  }

  getMessage(
    topic: string,
    queueId: number,
    offset: number,
    maxMsgNums: number,
    filter?: TagFilter,
  ): GetMessageResult {
    const cq = this.consumeQueue(topic, queueId, false);
    const caps = {
      maxMsgNums,
      maxCount: MAX_TRANSFER_COUNT_ON_MESSAGE_IN_MEMORY,
      maxBytes: MAX_TRANSFER_BYTES_ON_MESSAGE_IN_MEMORY,
    };
    return getMessageFromQueue(cq, this.commitLog, offset, caps, filter);
  }

  getMaxOffsetInQueue(topic: string, queueId: number): number {
    return this.consumeQueue(topic, queueId, false)?.maxOffset ?? 0;
  }

  getMinOffsetInQueue(topic: string, queueId: number): number {
    return this.consumeQueue(topic, queueId, false)?.minOffset ?? 0;
  }

  getStoreTimestamp(topic: string, queueId: number, offset: number): number {
    const u = this.consumeQueue(topic, queueId, false)?.unitAt(offset);
    if (!u) return -1;
    const b = this.commitLog.read(u.commitLogOffset, u.size);
    return b ? decodeRecord(b, 0).storeTimestamp : -1;
  }

  getEarliestMessageTime(topic: string, queueId: number): number {
    return this.getStoreTimestamp(topic, queueId, this.getMinOffsetInQueue(topic, queueId));
  }

  /** First queue offset whose message was stored at or after `timestampMs`; max offset if none. */
  getOffsetInQueueByTime(topic: string, queueId: number, timestampMs: number): number {
    const cq = this.consumeQueue(topic, queueId, false);
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
    const size = this.commitLog.readSizeAt(commitLogOffset);
    if (size === undefined || size <= 0) return undefined;
    return this.commitLog.read(commitLogOffset, size);
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
    for (const off of r.phyOffsets) {
      if (off < this.commitLog.minOffset) continue;
      const b = this.getRecordBytes(off);
      // The hash may collide: keep only records whose topic and keys really match.
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
    const u = this.consumeQueue(topic, queueId, false)?.unitAt(offset);
    return u !== undefined && this.commitLog.maxOffset - u.commitLogOffset < HOT_DISTANCE_BYTES;
  }

  get maxPhyOffset(): number {
    return this.commitLog.maxOffset;
  }

  get minPhyOffset(): number {
    return this.commitLog.minOffset;
  }

  private async flushConsumeQueues(): Promise<void> {
    // Everything below this offset is already indexed: dispatch runs in the append's tick.
    const safe = this.commitLog.maxOffset;
    for (const cq of this.cqs.values()) await cq.flush();
    await this.indexService.flush();
    this.checkpoint.write({ logicsSafeOffset: safe, physicMaxOffset: 0, timestamp: Date.now() });
  }

  /**
   * Stops every timer and drops the store without flushing, checkpointing or removing the abort
   * marker: what a crash leaves behind. Fault-injection tests use it to simulate power loss.
   */
  halt(): void {
    this.running = false;
    if (this.cqTimer) clearInterval(this.cqTimer);
    this.flushService.stop();
  }

  async shutdown(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.cqTimer) clearInterval(this.cqTimer);
    await this.flushService.shutdown();
    const end = this.commitLog.maxOffset;
    for (const cq of this.cqs.values()) await cq.flush();
    await this.indexService.flush();
    this.checkpoint.write({ logicsSafeOffset: end, physicMaxOffset: end, timestamp: Date.now() });
    this.checkpoint.markClean();
    for (const cq of this.cqs.values()) cq.close();
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
