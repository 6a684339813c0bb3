// Reading a queue for a pull (DefaultMessageStore#getMessage; spec part 2 §2.4): the status table,
// nextBeginOffset rules and per-call caps, over one consume queue and the commit log.
import { assert } from '../common/assert.js';
import { MAX_FILTER_SCAN_UNITS } from '../common/limits.js';
import type { CommitLog } from './commit-log.js';
import type { ConsumeQueue } from './consume-queue.js';
import { GetMessageStatus, type GetMessageStatusValue } from './status.js';

export type TagFilter = (tagsCode: number) => boolean;

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

export function getMessageFromQueue(
  cq: ConsumeQueue | undefined,
  log: CommitLog,
  offset: number,
  caps: TransferCaps,
  filter?: TagFilter,
): GetMessageResult {
  if (!cq) return empty(GetMessageStatus.NO_MATCHED_LOGIC_QUEUE, 0, 0, 0);
  const min = cq.minOffset;
  const max = cq.maxOffset;
  if (max === 0) return empty(GetMessageStatus.NO_MESSAGE_IN_QUEUE, 0, min, max);
  if (offset < min) return empty(GetMessageStatus.OFFSET_TOO_SMALL, min, min, max);
  if (offset === max) return empty(GetMessageStatus.OFFSET_OVERFLOW_ONE, offset, min, max);
  if (offset > max) return empty(GetMessageStatus.OFFSET_OVERFLOW_BADLY, max, min, max);
  const units = cq.readUnits(offset, Math.min(max - offset, MAX_FILTER_SCAN_UNITS));
  if (units.length === 0) return empty(GetMessageStatus.OFFSET_FOUND_NULL, offset, min, max);
  const want = Math.min(caps.maxMsgNums, caps.maxCount);
  const buffers: Buffer[] = [];
  let bytes = 0;
  let next = offset;
  let removing = false;
  for (const u of units) {
    if (buffers.length >= want) break;
    if (buffers.length > 0 && bytes + u.size > caps.maxBytes) break; // the first always goes
    next++;
    if (u.commitLogOffset < log.minOffset) {
      removing = true;
      continue;
    }
    if (filter && !filter(u.tagsCode)) continue;
    const b = log.read(u.commitLogOffset, u.size);
    if (!b) {
      removing = true;
      continue;
    }
    assert(b.readInt32BE(0) === u.size, 'consume queue unit size matches the record');
    buffers.push(b);
    bytes += u.size;
  }
  assert(next > offset, 'a pull in range always advances');
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
