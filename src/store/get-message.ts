// Reading a queue for a pull (DefaultMessageStore#getMessage; spec part 2 §2.4): the status table,
// nextBeginOffset rules and per-call caps, over one consume queue and the commit log.
import { assert } from '../common/assert.js';
import {
  MAX_FILTER_SCAN_UNITS,
  PULL_FILTER_SCAN_STEP_UNITS,
  PULL_READ_WINDOW_MAX_BYTES,
  PULL_READ_WINDOW_MAX_WASTE,
} from '../common/limits.js';
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
  /** Whole stored records, exactly as in the commit log. */
  buffers: Buffer[];
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
    messageCount: 0,
    bufferTotalSize: 0,
  };
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
  const buffers: Buffer[] = [];
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
    const lastIndex = Math.min(units.length - 1, i + want - buffers.length - 1);
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
      if (buffers.length > 0 && (buffers.length >= want || bytes + u.size > caps.maxBytes)) {
        full = true;
        break;
      }
      if (u.commitLogOffset + u.size > caps.readableEnd) {
        full = true; // not written yet; messageArrived wakes the next pull once it is
        break;
      }
      next++;
      if (u.commitLogOffset < log.minOffset) {
        removing = true;
        continue;
      }
      assert(
        u.commitLogOffset + u.size <= log.maxOffset,
        `a consume queue unit (${u.commitLogOffset}+${u.size}) points past the commit log end`,
      );
      if (filter && !filter(u.tagsCode)) continue;
      const b = read(i, u);
      if (!b) {
        removing = true; // its segment was deleted after the min-offset check
        continue;
      }
      assert(b.readInt32BE(0) === u.size, 'consume queue unit size matches the record');
      if (recordFilter && !recordFilter(b)) continue;
      buffers.push(b);
      bytes += u.size;
    }
    const scanned = next - offset;
    if (full || buffers.length >= want || scanned >= limit) break;
    // Filtered out or removed: scan on, in larger steps, up to the filter scan limit.
    units = cq.readUnits(next, Math.min(limit - scanned, PULL_FILTER_SCAN_STEP_UNITS));
    if (units.length === 0) break; // the end of a consume-queue file: the next pull goes on
  }
  if (next === offset) return empty(GetMessageStatus.OFFSET_OVERFLOW_ONE, offset, min, max);
  assert(next > offset && next <= max, 'a pull in range advances and stays in the queue');
  let status: GetMessageStatusValue = GetMessageStatus.FOUND;
  if (buffers.length === 0)
    status = removing ? GetMessageStatus.MESSAGE_WAS_REMOVING : GetMessageStatus.NO_MATCHED_MESSAGE;
  return {
    status,
    nextBeginOffset: next,
    minOffset: min,
    maxOffset: max,
    buffers,
    messageCount: buffers.length,
    bufferTotalSize: bytes,
  };
}
