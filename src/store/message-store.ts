// The store facade (DefaultMessageStore): built of store-services.ts, opened through recovery
// (recovery.ts). Puts take put-message.ts (readable once their write round succeeds, then waited
// for: flush and registered put waiters); a master's raw commit-log bytes take raw-append.ts to
// the same log and dispatchers, to which callers may add their own. Reads: get-message.ts and
// query-message.ts. Outcomes are status values.
import { EventEmitter } from 'node:events';
import { totalmem } from 'node:os';
import { assert } from '../common/assert.js';
import {
  ACCESS_MESSAGE_IN_MEMORY_MAX_RATIO,
  DEFAULT_FLUSH_INTERVAL_CONSUME_QUEUE_MS,
  MAX_TRANSFER_BYTES_ON_MESSAGE_IN_DISK,
  MAX_TRANSFER_BYTES_ON_MESSAGE_IN_MEMORY,
  MAX_TRANSFER_COUNT_ON_MESSAGE_IN_DISK,
  MAX_TRANSFER_COUNT_ON_MESSAGE_IN_MEMORY,
} from '../common/limits.js';
import type { MessageExt, MessageToStore } from '../message/message.js';
import { decodeRecord } from '../message/record-codec.js';
import type { CommitLogDispatcher } from './dispatcher.js';
import { type FileIO, nodeFileIO, withEnvSeams } from './file-io.js';
import {
  type GetMessageResult,
  getMessageFromQueue,
  type RecordFilter,
  type TagFilter,
} from './get-message.js';
import {
  type PutMessageResult,
  PutMessageService,
  type PutWaiter,
  type StoreEvents,
} from './put-message.js';
import {
  offsetInQueueByTime,
  type QueryMessageResult,
  queryByKey,
  storeTimestampAt,
} from './query-message.js';
import { appendRaw, type RawAppendResult, type RawParts, truncateRaw } from './raw-append.js';
import { readCommitLog } from './raw-read.js';
import { startEmptyAt } from './raw-verify.js';
import { recoverStore } from './recovery.js';
import { lockStoreDir, type StoreLock } from './store-lock.js';
import {
  createStoreServices,
  type MessageStoreOptions,
  type StoreServices,
  type TransferLimits,
} from './store-services.js';

export type { GetMessageResult, RecordFilter, TagFilter } from './get-message.js';
export type { AppendResult, PutMessageResult, PutWaiter } from './put-message.js';
export type { RawAppendResult } from './raw-append.js';
export type { MessageStoreOptions } from './store-services.js';

/** Data within this distance of the commit-log end is "hot" (accessMessageInMemoryMaxRatio). */
const HOT_DISTANCE_BYTES = Math.floor((totalmem() * ACCESS_MESSAGE_IN_MEMORY_MAX_RATIO) / 100);

export class MessageStore extends EventEmitter<StoreEvents> {
  readonly commitLog: StoreServices['commitLog'];
  readonly flushService: StoreServices['flushService'];
  readonly commitService: StoreServices['commitService'];
  readonly indexService: StoreServices['indexService'];
  readonly consumeQueues: StoreServices['consumeQueues'];
  readonly cleanService: StoreServices['cleanService'];
  private readonly opts: MessageStoreOptions;
  private readonly io: FileIO;
  private readonly s: StoreServices;
  private readonly put: PutMessageService;
  private readonly raw: RawParts;
  private cqTimer: NodeJS.Timeout | undefined;
  private running = false;
  private lock: StoreLock | undefined;
  private readonly writtenListeners: (() => void)[] = [];
  private readonly transfer: TransferLimits;

  private constructor(opts: MessageStoreOptions) {
    super();
    this.opts = opts;
    this.io = withEnvSeams(opts.fileIO ?? nodeFileIO);
    // The round hooks run only once puts are appended, after `put` is built below.
    const s = createStoreServices(opts, this.io, {
      written: () => {
        this.put.onWritten();
        for (const l of this.writtenListeners) this.callWritten(l);
      },
      failed: (err) => this.put.rollBack(err),
    });
    this.s = s;
    ({ commitLog: this.commitLog, flushService: this.flushService } = s);
    ({ commitService: this.commitService, indexService: this.indexService } = s);
    ({ consumeQueues: this.consumeQueues, cleanService: this.cleanService } = s);
    const parts = { ...s, logger: opts.logger, events: this };
    const syncFlush = opts.flushDiskType === 'SYNC_FLUSH';
    this.put = new PutMessageService({ ...parts, maxMessageSize: opts.maxMessageSize, syncFlush });
    if (opts.slave) this.put.slaveRemark = slaveRemark(opts.slave);
    this.raw = { ...parts, put: this.put };
    this.transfer = {
      countInMemory: MAX_TRANSFER_COUNT_ON_MESSAGE_IN_MEMORY,
      bytesInMemory: MAX_TRANSFER_BYTES_ON_MESSAGE_IN_MEMORY,
      countInDisk: MAX_TRANSFER_COUNT_ON_MESSAGE_IN_DISK,
      bytesInDisk: MAX_TRANSFER_BYTES_ON_MESSAGE_IN_DISK,
      ...opts.transfer,
    };
    const caps = Object.values(this.transfer);
    assert(
      caps.every((n) => Number.isSafeInteger(n) && n > 0),
      'pull caps are positive',
    );
  }

  static async open(opts: MessageStoreOptions): Promise<MessageStore> {
    const lock = lockStoreDir(opts.storePathRootDir); // before any store file is opened
    let store: MessageStore;
    try {
      store = new MessageStore(opts);
      store.load();
    } catch (err) {
      lock.release();
      throw err;
    }
    store.lock = lock;
    store.start();
    return store;
  }

  private load(): void {
    this.io.mkdirp(this.opts.storePathRootDir);
    this.put.writtenEnd = recoverStore({ ...this.s, logger: this.opts.logger });
  }

  private start(): void {
    this.s.checkpoint.markOpen();
    if (this.opts.flushDiskType === 'ASYNC_FLUSH') this.flushService.startAsync();
    const every = DEFAULT_FLUSH_INTERVAL_CONSUME_QUEUE_MS;
    this.cqTimer = setInterval(() => void this.flushConsumeQueues(), every).unref();
    this.cleanService.start();
    this.running = true;
    this.put.accepting = true;
  }

  private consumeQueue(topic: string, queueId: number) {
    return this.consumeQueues.find(topic, queueId);
  }

  putMessage(m: MessageToStore): Promise<PutMessageResult> {
    return this.put.putMessages([m]);
  }

  /** A batch: same topic and queue, consecutive queue offsets; all or nothing on validation. */
  putMessages(ms: MessageToStore[]): Promise<PutMessageResult> {
    return this.put.putMessages(ms);
  }

  /**
   * Adds a dispatcher after the built-in ones (and those given at open): every record appended
   * from now on reaches it, puts and raw appends alike (DefaultMessageStore#dispatcherList).
   */
  addDispatcher(d: CommitLogDispatcher): void {
    this.s.dispatchers.push(d);
  }

  /**
   * Adds a condition every put waits for beside the flush (SYNC_MASTER: a slave's ack); the first
   * status that is not OK, the flush's first, is the put's. Puts with WAIT=false skip them.
   */
  addPutWaiter(w: PutWaiter): void {
    this.put.addWaiter(w);
  }

  /**
   * Appends a master's commit-log bytes at `offset`, which must be where this log continues
   * (appendToCommitLog): checked whole, then written, dispatched and made readable.
   */
  appendRaw(offset: number, bytes: Buffer): Promise<RawAppendResult> {
    return appendRaw(this.raw, offset, bytes);
  }

  /**
   * Commit-log bytes from `offset` for a slave (DefaultHAConnection): within its one segment
   * (end-of-file blank included), at most `maxBytes`, none a pending write round may still undo.
   */
  readCommitLog(offset: number, maxBytes: number): Buffer | undefined {
    return readCommitLog(this.commitLog, this.put.writtenEnd, offset, maxBytes);
  }

  /** Commit-log end as of the last write round that succeeded: what readers may see. */
  get writtenPhyOffset(): number {
    return this.put.writtenEnd;
  }

  /**
   * Calls `l` after each write round that succeeded (at most once per event-loop turn, before
   * any put is answered): the cheap wake for a reader that tails the log, such as the HA master.
   */
  onWritten(l: () => void): void {
    this.writtenListeners.push(l);
  }

  private callWritten(l: () => void): void {
    try {
      l();
    } catch (err) {
      // A listener's bug must not pass for a failed write (which would roll the round back).
      this.opts.logger.error({ err }, 'a written-round listener failed');
    }
  }

  /** Cuts the log at `offset`, a record boundary, with what points past it (a diverged slave). */
  truncateTo(offset: number): RawAppendResult {
    return truncateRaw(this.raw, offset);
  }

  /** An empty log begins at `offset`, a segment start: where a master starts a new slave. */
  startReplicaAt(offset: number): RawAppendResult {
    return startEmptyAt(this.raw, offset);
  }

  /**
   * Deletes a topic's consume queues (DefaultMessageStore#deleteTopics); their records go with
   * retention. Recorded durably first, so recovery after a crash does not index them again.
   */
  deleteTopic(topic: string): number {
    this.s.deletedTopics.add(topic, this.commitLog.maxOffset);
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
    const t = this.transfer;
    // RocketMQ picks the caps per message (isTheBatchFull); one choice per pull, from where it
    // starts, costs one 20-byte read, and none while the whole log is within the hot distance.
    const cold = this.commitLog.maxOffset >= HOT_DISTANCE_BYTES && this.isCold(cq, offset);
    const caps = {
      maxMsgNums,
      maxCount: cold ? t.countInDisk : t.countInMemory,
      maxBytes: cold ? t.bytesInDisk : t.bytesInMemory,
      readableEnd: this.put.writtenEnd,
    };
    return getMessageFromQueue(cq, this.commitLog, offset, caps, filter, recordFilter);
  }

  /**
   * Next queue offset past the messages a pull can read: puts whose write round is pending are
   * not counted (RocketMQ's consume queue holds only committed messages), so nothing waits on an
   * offset that a failed write may hand to another message.
   */
  getMaxOffsetInQueue(topic: string, queueId: number): number {
    return this.consumeQueue(topic, queueId)?.endBefore(this.put.writtenEnd) ?? 0;
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
    return storeTimestampAt(this.consumeQueue(topic, queueId), this.commitLog, offset);
  }

  getEarliestMessageTime(topic: string, queueId: number): number {
    return this.getStoreTimestamp(topic, queueId, this.getMinOffsetInQueue(topic, queueId));
  }

  /** First queue offset whose message was stored at or after `timestampMs`; max offset if none. */
  getOffsetInQueueByTime(topic: string, queueId: number, timestampMs: number): number {
    return offsetInQueueByTime(this.consumeQueue(topic, queueId), this.commitLog, timestampMs);
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
  ): QueryMessageResult {
    return queryByKey(this.indexService, this.commitLog, { topic, key, maxNum, beginMs, endMs });
  }

  lookMessageByOffset(commitLogOffset: number): MessageExt | null {
    const b = this.getRecordBytes(commitLogOffset);
    return b ? decodeRecord(b, 0) : null;
  }

  private isCold(cq: ReturnType<MessageStore['consumeQueue']>, offset: number): boolean {
    const u = cq?.unitAt(offset);
    return u !== undefined && this.commitLog.maxOffset - u.commitLogOffset >= HOT_DISTANCE_BYTES;
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

  /** The periodic consume-queue flush and checkpoint, run now (recovery tests use it). */
  checkpointNow(): Promise<void> {
    return this.flushConsumeQueues();
  }

  private async flushConsumeQueues(): Promise<void> {
    // Everything below this offset is already indexed: dispatch runs in the append's tick. Not
    // the log's end: bytes past writtenEnd may still be rolled back and written anew.
    const safe = this.put.writtenEnd;
    try {
      await this.consumeQueues.flush();
      await this.indexService.flush();
      const cp = { logicsSafeOffset: safe, physicMaxOffset: 0, timestamp: Date.now() };
      await this.s.checkpoint.writeAsync(cp);
    } catch (err) {
      // A full disk (ENOSPC) or an I/O error: the old checkpoint stays valid; retry next turn.
      this.opts.logger.error({ err }, 'consume queue flush or checkpoint failed; will retry');
    }
  }

  /** Drops the store without flushing, checkpointing or removing the abort marker: what a
   * crash leaves behind (the fault-injection tests' power loss). */
  halt(): void {
    this.stopTimers();
    this.flushService.stop();
    this.commitService.halt();
    this.consumeQueues.abandon();
    this.commitLog.queue.abandon(); // the lock file stays, as a crash leaves it
  }

  async shutdown(): Promise<void> {
    if (!this.running) return;
    this.stopTimers();
    await this.flushService.shutdown();
    const end = this.commitLog.maxOffset;
    await this.consumeQueues.flush();
    await this.indexService.flush();
    this.s.checkpoint.write({ logicsSafeOffset: end, physicMaxOffset: end, timestamp: Date.now() });
    this.s.checkpoint.markClean();
    this.consumeQueues.close();
    this.indexService.close();
    this.commitLog.close();
    this.lock?.release();
    this.opts.logger.info({ commitLogEnd: end }, 'store shut down cleanly');
  }

  private stopTimers(): void {
    this.running = false;
    this.put.accepting = false;
    if (this.cqTimer) clearInterval(this.cqTimer);
    this.cleanService.stop();
  }
}

/** The refusal a client sees from a slave (DefaultMessageStore#putMessage on BrokerRole.SLAVE). */
export function slaveRemark(s: { readonly brokerName: string; readonly brokerId: number }): string {
  return `this broker is a slave (brokerId=${s.brokerId} of ${s.brokerName}); send to the master`;
}
