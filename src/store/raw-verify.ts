// What a slave needs to compare its log with its master's (the divergence check KiteMQ adds to
// DefaultHAClient, whose wire is unchanged): where its replica ends as the HA link counts it
// (DefaultMessageStore#getMaxPhyOffset: a segment closed by its end-of-file blank ends at the
// segment's end), record boundaries a few records before that end, and whether a record the
// master sent equals its own. The log only links records forward, so boundaries are found by
// walking from a segment's start, which is always one.
import { assert } from '../common/assert.js';
import { BLANK_MAGIC_CODE } from '../message/message.js';
import { type CommitLog, END_FILE_MIN_BLANK_BYTES } from './commit-log.js';
import { type RawAppendResult, type RawParts, rawAppendStart } from './raw-append.js';

/** The offset a slave reports and its master continues from. */
export function replicaEnd(log: CommitLog): number {
  return rawAppendStart(log);
}

/** Record starts in [from, to), walking from `from` (a boundary) within its segment. */
function boundariesInSegment(log: CommitLog, from: number, to: number): number[] {
  const out: number[] = [];
  const segEnd = from - (from % log.queue.fileSize) + log.queue.fileSize;
  let at = from;
  while (at < to && at < segEnd) {
    const head = log.read(at, END_FILE_MIN_BLANK_BYTES);
    if (!head) break;
    out.push(at);
    if (head.readInt32BE(4) === BLANK_MAGIC_CODE) break;
    const size = head.readInt32BE(0);
    assert(size > END_FILE_MIN_BLANK_BYTES, `a written record at ${at} has a size`);
    at += size;
  }
  return out;
}

/**
 * The start of the `records`-th record before `end` (the log's end or a boundary), walking back
 * segment by segment; never below `floor` nor below the log's first segment. Returns `end`
 * itself when nothing lies in between.
 */
export function boundaryBefore(log: CommitLog, end: number, records: number, floor = 0): number {
  assert(records > 0, 'at least one record of overlap');
  const fileSize = log.queue.fileSize;
  const low = Math.max(floor, log.minOffset);
  const found: number[] = [];
  let segStart = end === 0 ? 0 : end - 1 - ((end - 1) % fileSize);
  while (segStart >= log.minOffset) {
    const inSeg = boundariesInSegment(log, segStart, end).filter((b) => b >= low);
    found.unshift(...inSeg);
    if (found.length >= records || segStart <= low) break;
    segStart -= fileSize;
  }
  if (found.length === 0) return end;
  const at = found[Math.max(0, found.length - records)]!;
  assert(at <= end, 'a boundary before the end');
  return at;
}

/** The last record boundary at or below `offset` (the segment start when none is written). */
export function boundaryAtOrBelow(log: CommitLog, offset: number): number {
  if (offset >= log.maxOffset) return log.maxOffset;
  const clamped = Math.max(offset, log.minOffset);
  const segStart = clamped - (clamped % log.queue.fileSize);
  const inSeg = boundariesInSegment(log, Math.max(segStart, log.minOffset), clamped + 1);
  return inSeg.filter((b) => b <= clamped).pop() ?? Math.max(segStart, log.minOffset);
}

/** Whether this log holds exactly `bytes` (one record, or one blank's header) at `offset`. */
export function holdsRecord(log: CommitLog, offset: number, bytes: Buffer): boolean {
  const own = log.read(offset, bytes.length);
  return own?.equals(bytes) === true;
}

/**
 * An empty log made to begin at `offset`, a segment start, so a master that starts a new slave
 * past its first segment (RocketMQ's masters start it at their last file) can be followed.
 */
export function startEmptyAt(p: RawParts, offset: number): RawAppendResult {
  const log = p.commitLog;
  const fileSize = log.queue.fileSize;
  if (log.maxOffset !== log.minOffset) {
    return { ok: false, maxPhyOffset: log.maxOffset, reason: 'the log is not empty' };
  }
  if (!Number.isSafeInteger(offset) || offset < 0 || offset % fileSize !== 0) {
    return { ok: false, maxPhyOffset: log.maxOffset, reason: `${offset} is no segment start` };
  }
  if (offset === log.maxOffset) return { ok: true, maxPhyOffset: offset };
  log.queue.resetTo(offset);
  p.put.writtenEnd = offset;
  p.logger.info({ offset }, 'empty commit log starts where its master begins');
  assert(log.maxOffset === offset && log.minOffset === offset, 'an empty log at the offset');
  return { ok: true, maxPhyOffset: offset };
}
