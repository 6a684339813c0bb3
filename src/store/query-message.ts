// Lookups beside the pull (DefaultMessageStore#getMessageStoreTimeStamp, #getOffsetInQueueByTime,
// #queryMessage): a unit's store timestamp, the binary search of a queue by time, and the
// QUERY_MESSAGE answer from the key index, each record checked against what was asked.
import { MessageConst, type MessageExt } from '../message/message.js';
import { decodeRecord } from '../message/record-codec.js';
import type { CommitLog } from './commit-log.js';
import type { IndexQueryResult, IndexService } from './index-service.js';
import type { LogicQueue } from './logic-queue.js';

export type QueryMessageResult = Omit<IndexQueryResult, 'phyOffsets'> & { buffers: Buffer[] };

/** Store timestamp of the message at queue `offset`; -1 when there is none. */
export function storeTimestampAt(
  cq: LogicQueue | undefined,
  log: CommitLog,
  offset: number,
): number {
  const u = cq?.unitAt(offset);
  if (!u) return -1;
  const b = log.read(u.commitLogOffset, u.size);
  return b ? decodeRecord(b, 0).storeTimestamp : -1;
}

/** First queue offset whose message was stored at or after `timestampMs`; max offset if none. */
export function offsetInQueueByTime(
  cq: LogicQueue | undefined,
  log: CommitLog,
  timestampMs: number,
): number {
  if (!cq) return 0;
  let lo = cq.minOffset;
  let hi = cq.maxOffset;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const ts = storeTimestampAt(cq, log, mid);
    if (ts >= 0 && ts < timestampMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** QUERY_MESSAGE: stored records whose KEYS or UNIQ_KEY equal `key`, newest first. */
export function queryByKey(
  index: IndexService,
  log: CommitLog,
  q: { topic: string; key: string; maxNum: number; beginMs: number; endMs: number },
): QueryMessageResult {
  const r = index.query(q.topic, q.key, q.maxNum, q.beginMs, q.endMs);
  const buffers: Buffer[] = [];
  for (const off of new Set(r.phyOffsets)) {
    if (off < log.minOffset) continue;
    const b = log.readRecord(off);
    // The hash may collide, and entries of rolled back puts point at other records or at the
    // same offset twice: keep each record whose topic and keys really match, once.
    if (b && recordHasKey(decodeRecord(b, 0), q.topic, q.key)) buffers.push(b);
  }
  return {
    buffers,
    indexLastUpdateTimestamp: r.indexLastUpdateTimestamp,
    indexLastUpdatePhyoffset: r.indexLastUpdatePhyoffset,
  };
}

function recordHasKey(m: MessageExt, topic: string, key: string): boolean {
  if (m.topic !== topic) return false;
  if (m.properties[MessageConst.UNIQ_KEY] === key) return true;
  return (m.properties[MessageConst.KEYS] ?? '').split(' ').includes(key);
}
