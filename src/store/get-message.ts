// Reading a queue for a pull (DefaultMessageStore#getMessage; spec part 2 §2.4): the status table,
// nextBeginOffset rules and per-call caps, over one consume queue and the commit log.
import { assert } from '../common/assert.js';
import {
  MAX_FILTER_SCAN_UNITS,
  PULL_FILTER_SCAN_STEP_UNITS,
  PULL_READ_WINDOW_MAX_BYTES,
  PULL_READ_WINDOW_MAX_WASTE,
} from '../common/limits.js';
import { MessageSysFlag } from '../message/message.js';
import { SYS_FLAG_POS } from '../message/record-codec.js';
import type { CommitLog } from './commit-log.js';
import type { ConsumeQueueReader, CqUnit } from './consume-queue.js';
import { GetMessageStatus, type GetMessageStatusValue } from './status.js';

export type TagFilter = (tagsCode: number) => boolean;
/** Checked on the stored record after the tag filter passed (SQL92 property filters). */
export type RecordFilter = (recordBytes: Buffer) => boolean;

export interface GetMessageResult {
  status: GetMessageStatusValue;
  nextBeginOffset: number;
  minOffset: number;
  maxOffset: number;
  /** Whole stored records, exactly as in the commit log: views of `body`, in order. */
  buffers: Buffer[];
  /** The same records back to back, in a Buffer of their own: a pull's response body. */
  body: Buffer | undefined;
  messageCount: number;
  bufferTotalSize: number;
}

export interface TransferCaps {
  maxMsgNums: number;
  maxCount: number;
  maxBytes: number;
  /**
   * Commit-log end of the last write round that succeeded. A unit past it is indexed but its
   * record not yet written, and a failed write may still roll it back: a pull stops before it.
   */
  readableEnd: number;
}

function empty(
  status: GetMessageStatusValue,
  next: number,
  min: number,
  max: number,
): GetMessageResult {
  return {
    status,
    nextBeginOffset: next,
    minOffset: min,
    maxOffset: max,
    buffers: [],
    body: undefined,
    messageCount: 0,
    bufferTotalSize: 0,
  };
}

/**
 * Where a pull gathers the records it keeps (pulls run one at a time on the event loop, so one
 * buffer serves them all). A read-cache view is valid only until the next read, so each kept
 * record is copied here at once, and the result gets one exact-size copy: one allocation per
 * pull, where a Buffer.concat of the records cost the same plus the cache's fresh blocks.
 */
let gather = Buffer.allocUnsafeSlow(256 * 1024);

function gatherAt(bytes: number, add: Buffer): void {
  if (bytes + add.length > gather.length) {
    const grown = Buffer.allocUnsafeSlow(Math.max(2 * gather.length, bytes + add.length));
    gather.copy(grown, 0, 0, bytes);
    gather = grown;
  }
  add.copy(gather, bytes);
}

/** The gathered records in a Buffer of their own, and a view of each. */
function gathered(bytes: number, count: number): { body: Buffer; buffers: Buffer[] } {
  const body = Buffer.allocUnsafe(bytes);
  gather.copy(body, 0, 0, bytes);
  const buffers: Buffer[] = [];
  for (let p = 0; p < bytes; ) {
    const size = body.readInt32BE(p);
    buffers.push(body.subarray(p, p + size));
    p += size;
  }
  assert(buffers.length === count, 'the gathered bytes hold exactly the kept records');
  return { body, buffers };
}

/** The record's sysFlag marks an inner batch. */
function innerBatchRecord(record: Buffer): boolean {
  return (record.readInt32BE(SYS_FLAG_POS) & MessageSysFlag.INNER_BATCH) !== 0;
}

/**
 * The status table of spec part 2 §2.4, in its order. The first message is returned whatever its
 * size (and whatever maxMsgNums, as RocketMQ's isTheBatchFull does); a unit that would overflow
 * the batch is not scanned, so the next pull starts with it.
 */
export function getMessageFromQueue(
  cq: ConsumeQueueReader | undefined,
  log: CommitLog,
  offset: number,
  caps: TransferCaps,
  filter?: TagFilter,
  recordFilter?: RecordFilter,
): GetMessageResult {
  if (!cq) return empty(GetMessageStatus.NO_MATCHED_LOGIC_QUEUE, 0, 0, 0);
  const min = cq.minOffset;
  const max = cq.maxOffset;
  assert(min <= max, 'a queue never ends before it starts');
  if (max === 0) return empty(GetMessageStatus.NO_MESSAGE_IN_QUEUE, 0, min, max);
  // Java's long cannot be fractional; treat such an offset like one past the end.
  if (!Number.isSafeInteger(offset))
    return empty(GetMessageStatus.OFFSET_OVERFLOW_BADLY, max, min, max);
  if (offset < min) return empty(GetMessageStatus.OFFSET_TOO_SMALL, min, min, max);
  if (offset === max) return empty(GetMessageStatus.OFFSET_OVERFLOW_ONE, offset, min, max);
  if (offset > max) return empty(GetMessageStatus.OFFSET_OVERFLOW_BADLY, max, min, max);
  const want = Math.min(caps.maxMsgNums, caps.maxCount);
  // Units are read a batch at a time: a pull without filtering needs `want` of them, and building
  // MAX_FILTER_SCAN_UNITS unit objects for every pull was most of a backlog drain's store time.
  const limit = Math.min(max - offset, MAX_FILTER_SCAN_UNITS);
  let units = cq.readUnits(offset, Math.min(limit, want));
  if (units.length === 0) {
    const next = offset + cq.unitsPerFile - (offset % cq.unitsPerFile);
    return empty(GetMessageStatus.OFFSET_FOUND_NULL, Math.min(next, max), min, max);
  }
  let kept = 0;
  /** Messages in the kept records: an inner batch counts all of its own (maxMsgNums). */
  let msgs = 0;
  let bytes = 0;
  let next = offset;
  let removing = false;
  // One pread covers many records: a queue's messages sit close together in the commit log
  // (interleaved with other queues'), and a read per record was most of a pull's cost.
  let win: Buffer | undefined;
  let winAt = 0;
  const read = (i: number, u: CqUnit): Buffer | undefined => {
    const at = u.commitLogOffset;
    if (win && at >= winAt && at + u.size <= winAt + win.length) {
      return win.subarray(at - winAt, at - winAt + u.size);
    }
    const lastIndex = Math.min(units.length - 1, i + want - msgs - 1);
    const last = units[lastIndex]!;
    let needed = 0;
    for (let j = i; j <= lastIndex; j++) needed += units[j]!.size;
    let span = Math.min(PULL_READ_WINDOW_MAX_BYTES, last.commitLogOffset + last.size - at);
    // A queue sparse among busy ones would read mostly others' records: read just this one.
    if (span > PULL_READ_WINDOW_MAX_WASTE * needed) span = u.size;
    win = log.readWindow(at, Math.max(u.size, span), u.size);
    winAt = at;
    return win && win.length >= u.size ? win.subarray(0, u.size) : undefined;
  };
  let full = false;
  for (;;) {
    for (let i = 0; i < units.length; i++) {
      const u = units[i]!;
      if (kept > 0 && (msgs >= want || bytes + u.size > caps.maxBytes)) {
        full = true;
        break;
      }
      if (u.commitLogOffset + u.size > caps.readableEnd) {
        full = true; // not written yet; messageArrived wakes the next pull once it is
        break;
      }
      // A batch queue's unit covers batchSize offsets; the pull resumes after all of them.
      const span = u.batchSize;
      next = span === undefined ? next + 1 : u.msgBaseOffset! + span;
      if (u.commitLogOffset < log.minOffset) {
        removing = true;
        continue;
      }
      assert(
        u.commitLogOffset + u.size <= log.maxOffset,
        `a consume queue unit (${u.commitLogOffset}+${u.size}) points past the commit log end`,
      );
      if (filter && span === undefined && !filter(u.tagsCode)) continue;
      const b = read(i, u);
      if (!b) {
        removing = true; // its segment was deleted after the min-offset check
        continue;
      }
      assert(b.readInt32BE(0) === u.size, 'consume queue unit size matches the record');
      if (span !== undefined && !innerBatchRecord(b)) {
        // A plain record of a batch queue is filtered like any; an inner batch's tags and
        // properties are the batch's, not its messages': the client filters those after the split.
        if (filter && !filter(u.tagsCode)) continue;
      }
      if (recordFilter && !(span !== undefined && innerBatchRecord(b)) && !recordFilter(b))
        continue;
      gatherAt(bytes, b);
      msgs += span ?? 1;
      kept++;
      bytes += u.size;
    }
    const scanned = next - offset;
    if (full || msgs >= want || scanned >= limit) break;
    // Filtered out or removed: scan on, in larger steps, up to the filter scan limit.
    units = cq.readUnits(next, Math.min(limit - scanned, PULL_FILTER_SCAN_STEP_UNITS));
    if (units.length === 0) break; // the end of a consume-queue file: the next pull goes on
  }
  if (next === offset) return empty(GetMessageStatus.OFFSET_OVERFLOW_ONE, offset, min, max);
  assert(next > offset && next <= max, 'a pull in range advances and stays in the queue');
  let status: GetMessageStatusValue = GetMessageStatus.FOUND;
  if (kept === 0)
    status = removing ? GetMessageStatus.MESSAGE_WAS_REMOVING : GetMessageStatus.NO_MATCHED_MESSAGE;
  const { body, buffers } = kept > 0 ? gathered(bytes, kept) : { body: undefined, buffers: [] };
  return {
    status,
    nextBeginOffset: next,
    minOffset: min,
    maxOffset: max,
    buffers,
    body,
    messageCount: kept,
    bufferTotalSize: bytes,
  };
}
