// The put path (CommitLog#asyncPutMessage(s), DefaultMessageStore#asyncPutMessage): validate and
// encode, append the batch to the commit log and dispatch it in the same tick, wait for the
// turn's write round (a failed round rolls the store back and refuses its puts), then fire
// messageArrived and wait for the flush (SYNC_FLUSH) together with the registered put waiters
// (CommitLog#handleDiskFlushAndHA: SYNC_MASTER waits for a slave there). Hot: nothing here may
// cost a promise, closure or allocation per message that the put did not already pay.
import type { EventEmitter } from 'node:events';
import { assert } from '../common/assert.js';
import type { Logger } from '../common/logger.js';
import { isInnerBatch, MessageConst, type MessageToStore } from '../message/message.js';
import type { CleanService } from './clean-service.js';
import { type CommitLog, CreateMappedFileError, type RecordToAppend } from './commit-log.js';
import type { CommitService } from './commit-service.js';
import type { ConsumeQueueTable } from './consume-queue-table.js';
import type { CommitLogDispatcher, DispatchRequest } from './dispatcher.js';
import type { FlushService } from './flush-service.js';
import { PutMessageStatus, type PutMessageStatusValue } from './status.js';
import { type EncodedForStore, encodeForStore, isIndexed, msgIdFor } from './store-record.js';

export type StoreEvents = {
  messageArrived: [topic: string, queueId: number, nextOffset: number, tagsCode: number];
};

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

/**
 * Waits, beside the flush, until the put ending at commit-log offset `endOffset` is what the
 * waiter needs (a slave ack); resolves undefined or PUT_OK when it is, another status when not
 * (FLUSH_SLAVE_TIMEOUT, SLAVE_NOT_AVAILABLE). Never rejects: a rejection counts as UNKNOWN_ERROR.
 */
export type PutWaiter = (endOffset: number) => Promise<PutMessageStatusValue | undefined>;

/** The parts of the store a put touches; built once by the store, never per put. */
export interface PutParts {
  readonly commitLog: CommitLog;
  readonly consumeQueues: ConsumeQueueTable;
  readonly commitService: CommitService;
  readonly flushService: FlushService;
  readonly cleanService: CleanService;
  /** Shared with the store: dispatchers registered later are seen by the next put. */
  readonly dispatchers: readonly CommitLogDispatcher[];
  readonly logger: Logger;
  readonly maxMessageSize: number;
  readonly syncFlush: boolean;
  /** The store: messageArrived is emitted once the put's round is written. */
  readonly events: Pick<EventEmitter<StoreEvents>, 'emit'>;
}

export class PutMessageService {
  /** Puts are refused (SERVICE_NOT_AVAILABLE) unless the store is running. */
  accepting = false;
  /** A slave's store: every put is refused with this remark; its data comes from the master. */
  slaveRemark: string | undefined;
  /**
   * Commit-log end as of the last write round that succeeded: every byte below it is written and
   * its puts told so; every byte past it belongs to puts still waiting, and a failed write rolls
   * the store back to here.
   */
  writtenEnd = 0;
  private readonly p: PutParts;
  private readonly waiters: PutWaiter[] = [];

  constructor(parts: PutParts) {
    this.p = parts;
  }

  addWaiter(w: PutWaiter): void {
    this.waiters.push(w);
  }

  /** The round hook: everything appended so far is written. */
  onWritten(): void {
    this.writtenEnd = this.p.commitLog.maxOffset;
  }

  /** A batch: same topic and queue, consecutive queue offsets; all or nothing on validation. */
  async putMessages(ms: MessageToStore[]): Promise<PutMessageResult> {
    const p = this.p;
    assert(ms.length > 0, 'callers never put an empty batch');
    const encoded = this.encode(ms);
    if (!Array.isArray(encoded)) return encoded;
    const head = encoded[0]!.parsed;
    if (
      isInnerBatch(head.sysFlag) &&
      !p.consumeQueues.findOrCreate(head.topic, head.queueId, true).isBatch
    )
      return {
        status: PutMessageStatus.MESSAGE_ILLEGAL,
        remark: `queue ${head.queueId} of ${head.topic} is a simple consume queue; an inner batch needs a BatchCQ one`,
      };
    let total = 0;
    for (const e of encoded) total += e.size;
    const now = Date.now();
    let offsets: number[];
    let first: number;
    let base: number;
    try {
      ({ offsets, first, base } = this.append(encoded, now));
    } catch (err) {
      if (err instanceof CreateMappedFileError) {
        p.logger.error({ err }, 'cannot create a commit log segment');
        return { status: PutMessageStatus.CREATE_MAPPED_FILE_FAILED, remark: err.message };
      }
      // A staging buffer filled and its write failed: this turn's puts are undone and refused.
      p.logger.error({ err }, 'commit log append failed');
      p.commitService.fail(err as Error);
      return this.writeFailed(err);
    }
    const firstOffset = offsets[0]!;
    const ids: string[] = [];
    for (let i = 0; i < encoded.length; i++) ids.push(msgIdFor(encoded[i]!, offsets[i]!));
    const appendResult: AppendResult = {
      wroteOffset: firstOffset,
      wroteBytes: total,
      msgId: ids[0]!,
      msgIds: ids,
      queueOffset: first,
      storeTimestamp: now,
      msgNum: ms.length,
    };
    try {
      await p.commitService.barrier(); // in the page cache before anyone is told "stored"
    } catch (err) {
      return this.writeFailed(err); // rolled back (rollBack): refused means not stored
    }
    // Only now: a pull woken by it finds the records written, never ones a failed write undoes.
    let queueOffset = base;
    for (let i = 0; i < encoded.length; i++) {
      const e = encoded[i]!;
      const d = e.parsed;
      if (!isIndexed(d.sysFlag)) continue;
      queueOffset += e.batchSize;
      p.events.emit('messageArrived', d.topic, d.queueId, queueOffset, d.tagsCode);
    }
    const end = firstOffset + total;
    if (!p.syncFlush) {
      p.flushService.wakeup(); // CommitLog#handleDiskFlush wakes the flusher on every put
      if (this.waiters.length === 0 || !waitsForStore(ms[0]!)) {
        return { status: PutMessageStatus.PUT_OK, appendResult };
      }
      return this.waitAll(undefined, end, appendResult);
    }
    if (!waitsForStore(ms[0]!)) {
      p.flushService.requestFlush(); // answered now; the bytes are flushed soon all the same
      return { status: PutMessageStatus.PUT_OK, appendResult };
    }
    if (this.waiters.length > 0)
      return this.waitAll(p.flushService.waitForFlush(end), end, appendResult);
    const durable = await p.flushService.waitForFlush(end);
    if (!durable) return { status: PutMessageStatus.FLUSH_DISK_TIMEOUT, appendResult };
    return { status: PutMessageStatus.PUT_OK, appendResult };
  }

  /** The store state, then every message checked and encoded; else the first refusal. */
  private encode(ms: MessageToStore[]): EncodedForStore[] | PutMessageResult {
    if (!this.accepting)
      return { status: PutMessageStatus.SERVICE_NOT_AVAILABLE, remark: 'the store is shut down' };
    if (this.slaveRemark !== undefined)
      return { status: PutMessageStatus.SERVICE_NOT_AVAILABLE, remark: this.slaveRemark };
    const clean = this.p.cleanService;
    if (clean.isDiskFull)
      return { status: PutMessageStatus.SERVICE_NOT_AVAILABLE, remark: clean.diskFullRemark() };
    const max = this.p.commitLog.maxRecordBytes;
    const encoded: EncodedForStore[] = [];
    let total = 0;
    for (const m of ms) {
      const e = encodeForStore(m, this.p.maxMessageSize, max);
      if ('status' in e) return e;
      encoded.push(e);
      total += e.size;
    }
    if (total > max) {
      return {
        status: PutMessageStatus.MESSAGE_ILLEGAL,
        remark: `the batch takes ${total} bytes stored, more than one commit log segment holds (${max}); send smaller batches`,
      };
    }
    return encoded;
  }

  /**
   * The flush (when SYNC_FLUSH) and every waiter run together; the outcome is the first status
   * that is not OK in the order flush, then waiters as registered.
   */
  private async waitAll(
    flush: Promise<boolean> | undefined,
    end: number,
    appendResult: AppendResult,
  ): Promise<PutMessageResult> {
    const waits = this.waiters.map((w) =>
      w(end).catch((err: unknown): PutMessageStatusValue => {
        this.p.logger.error({ err }, 'a put waiter failed');
        return PutMessageStatus.UNKNOWN_ERROR;
      }),
    );
    const [durable, outcomes] = await Promise.all([flush ?? true, Promise.all(waits)]);
    if (!durable) return { status: PutMessageStatus.FLUSH_DISK_TIMEOUT, appendResult };
    for (const s of outcomes) {
      if (s !== undefined && s !== PutMessageStatus.PUT_OK) return { status: s, appendResult };
    }
    return { status: PutMessageStatus.PUT_OK, appendResult };
  }

  writeFailed(err: unknown): PutMessageResult {
    if ((err as NodeJS.ErrnoException).code === 'ENOSPC') {
      return {
        status: PutMessageStatus.SERVICE_NOT_AVAILABLE,
        remark: this.p.cleanService.diskFullRemark(),
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
  rollBack(err: Error): void {
    const { commitLog, consumeQueues, logger } = this.p;
    if ((err as NodeJS.ErrnoException).code === 'ENOSPC') this.p.cleanService.markDiskFull();
    const to = this.writtenEnd;
    const dropped = commitLog.maxOffset - to;
    // The memory state is cut before each file: a file that could not be shortened is written
    // over from the cut by the next round, and recovery cuts a torn tail.
    try {
      commitLog.rollbackTo(to);
    } catch (cutErr) {
      logger.error({ err: cutErr }, 'cutting the commit log file back failed');
    }
    let units = 0;
    try {
      units = consumeQueues.rollbackTo(to);
    } catch (cutErr) {
      logger.error({ err: cutErr }, 'cutting a consume queue file back failed');
    }
    logger.warn(
      { writtenEnd: to, droppedBytes: dropped, droppedUnits: units, err },
      'a store write failed; the puts waiting on it were rolled back and refused',
    );
    assert(commitLog.maxOffset === to, 'the commit log ends where the last round did');
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
    const { consumeQueues, commitLog, dispatchers } = this.p;
    const head = encoded[0]!.parsed;
    const cq = consumeQueues.findOrCreate(head.topic, head.queueId, isInnerBatch(head.sysFlag));
    const base = cq.maxOffset;
    let next = base;
    // An inner batch takes INNER_NUM queue offsets (CommitLog#getMessageNum); a simple queue
    // never receives one (the broker inner-batches only for BatchCQ topics).
    const records: RecordToAppend[] = [];
    for (const e of encoded) {
      const queueOffset = isIndexed(e.sysFlag) ? next : 0;
      if (isIndexed(e.sysFlag)) next += cq.isBatch ? e.batchSize : 1;
      records.push({ plan: e.plan, queueOffset });
    }
    const offsets = commitLog.appendBatch(records, now);
    for (let i = 0; i < records.length; i++) {
      const d = encoded[i]!.parsed;
      const req: DispatchRequest = {
        topic: d.topic,
        queueId: d.queueId,
        queueOffset: records[i]!.queueOffset,
        commitLogOffset: offsets[i]!,
        size: records[i]!.plan.size,
        sysFlag: d.sysFlag,
        tagsCode: d.tagsCode,
        storeTimestamp: now,
        keys: d.keys,
        uniqKey: d.uniqKey,
        batchSize: encoded[i]!.batchSize,
      };
      for (const x of dispatchers) x.dispatch(req, false);
    }
    return { offsets, first: isIndexed(encoded[0]!.sysFlag) ? base : 0, base };
  }
}

/** WAIT=false (waitStoreMsgOK off): the put is answered once written, never waiting on more. */
function waitsForStore(m: MessageToStore): boolean {
  return m.properties[MessageConst.WAIT] !== 'false';
}
