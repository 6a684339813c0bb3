// Already-encoded commit-log bytes from elsewhere: the replication entry point (a slave's
// DefaultMessageStore#appendToCommitLog(startOffset, data) and CommitLog#appendData), and the cut
// of a log that diverged from its master (DefaultMessageStore#truncateFiles). A batch is the
// segments' bytes as the commit log lays them out, concatenated: records back to back, and where
// a segment ends, its 8-byte end-of-file blank (size = bytes left in the segment) followed by the
// next segment's first record, which the blank's size places at the next file-size boundary.
// The whole batch is checked (sizes, magic, body CRC, each record's physicalOffset, segment
// room) before any byte is written: a torn or invalid batch writes nothing.
import type { EventEmitter } from 'node:events';
import { assert } from '../common/assert.js';
import type { Logger } from '../common/logger.js';
import { readInt64BE } from '../message/int64.js';
import { BLANK_MAGIC_CODE } from '../message/message.js';
import { checkRecord, PHYSICAL_OFFSET_POS } from '../message/record-codec.js';
import { type CommitLog, END_FILE_MIN_BLANK_BYTES } from './commit-log.js';
import type { CommitService } from './commit-service.js';
import type { ConsumeQueueTable } from './consume-queue-table.js';
import type { DeletedTopics } from './deleted-topics.js';
import { type CommitLogDispatcher, type DispatchRequest, IndexDispatcher } from './dispatcher.js';
import type { IndexService } from './index-service.js';
import type { PutMessageService, StoreEvents } from './put-message.js';
import { dispatchRange } from './recovery.js';
import { isIndexed } from './store-record.js';

/** What a raw append or a truncation did: the log's end after it, and why not when refused. */
export type RawAppendResult =
  | { ok: true; maxPhyOffset: number }
  | { ok: false; maxPhyOffset: number; reason: string };

export interface RawParts {
  readonly commitLog: CommitLog;
  readonly commitService: CommitService;
  readonly consumeQueues: ConsumeQueueTable;
  readonly indexService: IndexService;
  readonly deletedTopics: DeletedTopics;
  readonly dispatchers: readonly CommitLogDispatcher[];
  readonly put: PutMessageService;
  readonly events: Pick<EventEmitter<StoreEvents>, 'emit'>;
  readonly logger: Logger;
}

function refused(p: RawParts, reason: string): RawAppendResult {
  p.logger.warn({ reason, maxPhyOffset: p.commitLog.maxOffset }, 'raw commit log bytes refused');
  return { ok: false, maxPhyOffset: p.commitLog.maxOffset, reason };
}

/**
 * Appends checked bytes at `offset`, dispatches their records (consume queues, key index,
 * registered dispatchers; records already indexed are skipped, as in recovery), and once their
 * write round succeeded makes them readable and fires messageArrived. Nothing is written when the
 * batch is refused; a failed write rolls it back like a put.
 */
export async function appendRaw(
  p: RawParts,
  offset: number,
  bytes: Buffer,
): Promise<RawAppendResult> {
  if (!p.put.accepting) return refused(p, 'the store is shut down');
  const start = rawAppendStart(p.commitLog);
  if (offset !== start) {
    return refused(p, `raw bytes at ${offset}, but the commit log continues at ${start}`);
  }
  const plan = planRawAppend(p.commitLog, offset, bytes);
  if ('reason' in plan) return refused(p, plan.reason);
  const arrived: DispatchRequest[] = [];
  const collect: CommitLogDispatcher = {
    dispatch: (r) => {
      if (isIndexed(r.sysFlag)) arrived.push(r);
    },
  };
  try {
    writeRawPieces(p.commitLog, bytes, plan.pieces);
  } catch (err) {
    p.commitService.fail(err as Error); // a staging buffer's write failed: undone like a put
    return refused(p, `writing the raw bytes failed: ${(err as Error).message}`);
  }
  const done = dispatchRange(p, [...p.dispatchers, collect], offset, plan.scanEnd);
  assert(done.end === plan.scanEnd, `checked raw records dispatch whole (${done.reason})`);
  try {
    await p.commitService.barrier();
  } catch (err) {
    return refused(p, `writing the raw bytes failed: ${(err as Error).message}`);
  }
  for (const r of arrived)
    p.events.emit('messageArrived', r.topic, r.queueId, r.queueOffset + 1, r.tagsCode);
  return { ok: true, maxPhyOffset: p.commitLog.maxOffset };
}

/**
 * Drops the commit log from `offset` (a record boundary) on, with the consume-queue units that
 * point there; key-index files that reach past it go too and are rebuilt up to it. For a store
 * that takes no puts (a slave): staged bytes are written first, and acknowledged puts past the
 * cut are lost, as in RocketMQ.
 */
export function truncateRaw(p: RawParts, offset: number): RawAppendResult {
  const log = p.commitLog;
  if (!Number.isSafeInteger(offset) || offset < log.minOffset || offset > log.maxOffset) {
    return refused(
      p,
      `cannot cut at ${offset}: the log holds [${log.minOffset}, ${log.maxOffset})`,
    );
  }
  if (!isRecordBoundary(log, offset)) return refused(p, `no record starts at ${offset}`);
  p.commitService.commitAll();
  if (offset === log.maxOffset) return { ok: true, maxPhyOffset: offset };
  log.truncateTo(offset);
  const units = p.consumeQueues.rollbackTo(offset);
  p.put.writtenEnd = offset;
  p.indexService.truncateDirty(offset);
  const index = p.dispatchers.filter((d) => d instanceof IndexDispatcher);
  const from = Math.max(log.minOffset, p.indexService.resumeOffset);
  if (index.length > 0 && from < offset) dispatchRange(p, index, from, offset);
  p.logger.warn({ offset, droppedUnits: units }, 'store truncated to a divergence point');
  assert(log.maxOffset === offset, 'the log ends at the cut');
  return { ok: true, maxPhyOffset: offset };
}

/** One run of bytes that lands in one segment; `blank` runs close their segment. */
interface RawPiece {
  from: number;
  length: number;
  blank: boolean;
}

/**
 * Where a raw append may start: the log's end, or the next segment's start when the tail
 * segment is closed by its blank (the next record of the master's log is there).
 */
export function rawAppendStart(log: CommitLog): number {
  const tail = log.queue.last;
  if (tail?.isFull) return tail.fileFromOffset + log.queue.fileSize;
  return log.maxOffset;
}

/** Checks `bytes` as the log's bytes from `offset`; returns the pieces to write, or why not. */
export function planRawAppend(
  log: CommitLog,
  offset: number,
  bytes: Buffer,
): { pieces: RawPiece[]; scanEnd: number } | { reason: string } {
  const fileSize = log.queue.fileSize;
  const pieces: RawPiece[] = [];
  let pos = 0;
  let at = offset;
  let runFrom = 0;
  // Where a scan of the written batch stops: its end, or the blank that closes it.
  let scanEnd = offset;
  const closeRun = (): void => {
    if (pos > runFrom) pieces.push({ from: runFrom, length: pos - runFrom, blank: false });
  };
  while (pos < bytes.length) {
    if (bytes.length - pos < END_FILE_MIN_BLANK_BYTES) {
      return { reason: `the batch ends inside a record header at offset ${at}` };
    }
    const size = bytes.readInt32BE(pos);
    const left = fileSize - (at % fileSize);
    if (bytes.readInt32BE(pos + 4) === BLANK_MAGIC_CODE) {
      if (size !== left) {
        return {
          reason: `an end-of-file blank at ${at} says ${size} bytes, the segment has ${left} left`,
        };
      }
      closeRun();
      pieces.push({ from: pos, length: END_FILE_MIN_BLANK_BYTES, blank: true });
      scanEnd = at;
      pos += END_FILE_MIN_BLANK_BYTES;
      runFrom = pos;
      at += left;
      continue;
    }
    if (size <= END_FILE_MIN_BLANK_BYTES || size > log.maxRecordBytes) {
      return { reason: `record size ${size} at offset ${at} is impossible` };
    }
    if (pos + size > bytes.length) return { reason: `the batch ends inside the record at ${at}` };
    if (size > left - END_FILE_MIN_BLANK_BYTES) {
      return { reason: `the record at ${at} runs into its segment's end-of-file reserve` };
    }
    const check = checkRecord(bytes, pos, size);
    if (!check.ok) return { reason: `the record at ${at} is invalid: ${check.reason}` };
    const says = readInt64BE(bytes, pos + PHYSICAL_OFFSET_POS);
    if (says !== at) return { reason: `the record at ${at} says it belongs at ${says}` };
    pos += size;
    at += size;
    scanEnd = at;
  }
  closeRun();
  return { pieces, scanEnd };
}

/** Writes checked pieces at the log's end, rolling segments at each blank. */
export function writeRawPieces(log: CommitLog, bytes: Buffer, pieces: RawPiece[]): void {
  for (const piece of pieces) {
    const f = log.queue.lastForAppend();
    f.append(bytes, piece.from, piece.length);
    if (piece.blank) f.markFull();
  }
}

/**
 * Whether a record, or an end-of-file blank, starts at `offset` (or `offset` is the log's end or
 * a segment's start): the only places the log may be cut.
 */
export function isRecordBoundary(log: CommitLog, offset: number): boolean {
  if (offset === log.maxOffset) return true;
  const f = log.queue.findByOffset(offset);
  if (!f) return false;
  if (offset === f.fileFromOffset) return true;
  if (log.readRecord(offset)) return true;
  const head = log.read(offset, END_FILE_MIN_BLANK_BYTES);
  if (!head || head.readInt32BE(4) !== BLANK_MAGIC_CODE) return false;
  assert(f.fileFromOffset + log.queue.fileSize - offset >= END_FILE_MIN_BLANK_BYTES, 'blank fits');
  return head.readInt32BE(0) === f.fileFromOffset + log.queue.fileSize - offset;
}
