// After a crash in the middle of a delivered batch: which of its messages already have their copy
// in the real queue. The batch record (delay-offset-store.ts InflightBatch) says where each real
// queue ended before the first put; every copy of the batch was appended after that point and
// keeps the scheduled message's UNIQ_KEY, so counting UNIQ_KEYs there tells the stored ones apart.
// Messages without a UNIQ_KEY cannot be told apart and are delivered again (at least once).
import type { Logger } from '../../common/logger.js';
import { SCHEDULE_TOPIC } from '../../message/delay-level.js';
import { MessageConst, type MessageExt } from '../../message/message.js';
import { decodeRecord } from '../../message/record-codec.js';
import { GetMessageStatus } from '../../store/status.js';
import type { InflightBatch } from './delay-offset-store.js';
import { messageTimeUp, queueKey, type ScheduleStore } from './level-deliverer.js';

/** Real-queue records read per queue at most; past it the rest of the batch is re-delivered. */
export const MAX_RECOVERY_SCAN_RECORDS = 1_000_000;

/** Reads topic/queue from `from` to its end, in order (at most `limit` records). */
export function readQueue(
  store: ScheduleStore,
  topic: string,
  queueId: number,
  from: number,
  limit: number,
  visit: (m: MessageExt) => void,
): boolean {
  let off = from;
  let read = 0;
  while (read < limit) {
    const r = store.getMessage(topic, queueId, off, 32);
    if (r.status === GetMessageStatus.FOUND) {
      for (const b of r.buffers) visit(decodeRecord(b, 0));
      read += r.buffers.length;
    } else if (r.nextBeginOffset <= off || r.status === GetMessageStatus.OFFSET_OVERFLOW_BADLY) {
      return true; // the end (or nothing there)
    }
    off = r.nextBeginOffset;
  }
  return false;
}

function countCopies(
  store: ScheduleStore,
  batch: InflightBatch,
  log: Logger,
): Map<string, Map<string, number>> {
  const copies = new Map<string, Map<string, number>>();
  for (const [key, from] of Object.entries(batch.queues)) {
    const at = key.lastIndexOf('@');
    const topic = key.slice(0, at);
    const queueId = Number(key.slice(at + 1));
    const counts = new Map<string, number>();
    const complete = readQueue(store, topic, queueId, from, MAX_RECOVERY_SCAN_RECORDS, (m) => {
      const uniq = m.properties[MessageConst.UNIQ_KEY];
      if (uniq) counts.set(uniq, (counts.get(uniq) ?? 0) + 1);
    });
    if (!complete) log.warn({ topic, queueId, from }, 'recovery scan cut short');
    copies.set(key, counts);
  }
  return copies;
}

/** Schedule-queue offsets of the batch whose copies are already stored: skip them. */
export function findDeliveredInBatch(
  store: ScheduleStore,
  level: number,
  batch: InflightBatch,
  log: Logger,
  levels: readonly number[] = [],
): Set<number> {
  const copies = countCopies(store, batch, log);
  const delivered = new Set<number>();
  readQueue(store, SCHEDULE_TOPIC, level - 1, batch.from, batch.to - batch.from, (m) => {
    if (m.queueOffset >= batch.to) return;
    const inner = messageTimeUp(m, levels);
    if (typeof inner === 'string') return; // dropped again, no copy either way
    const uniq = inner.properties[MessageConst.UNIQ_KEY];
    const counts = copies.get(queueKey(inner.topic, inner.queueId));
    const n = uniq ? (counts?.get(uniq) ?? 0) : 0;
    if (n > 0) {
      counts!.set(uniq!, n - 1);
      delivered.add(m.queueOffset);
    }
  });
  log.info(
    { level, from: batch.from, to: batch.to, alreadyDelivered: delivered.size },
    'interrupted delivery batch checked',
  );
  return delivered;
}
