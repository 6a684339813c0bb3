// What the delay levels (schedule/delivery-recovery.ts) and the timer wheel
// (timer/timer-recovery.ts) share to find, after a crash, which copies of an interrupted batch
// are stored already: the store they read and put through, the "<topic>@<queueId>" key of a
// batch record's real queues, a queue read in order, and the UNIQ_KEY count of what each real
// queue holds past the end the batch record gives for it.
import { MAX_RECOVERY_SCAN_RECORDS } from '../common/limits.js';
import type { Logger } from '../common/logger.js';
import { MessageConst, type MessageExt } from '../message/message.js';
import { decodeRecord } from '../message/record-codec.js';
import type { MessageStore } from '../store/message-store.js';
import { GetMessageStatus } from '../store/status.js';

/** The store as a deliverer reads and puts through it. */
export type RedeliveryStore = Pick<
  MessageStore,
  | 'getMessage'
  | 'getMaxOffsetInQueue'
  | 'getAppendedMaxOffsetInQueue'
  | 'getMinOffsetInQueue'
  | 'putMessage'
>;

export function queueKey(topic: string, queueId: number): string {
  return `${topic}@${queueId}`;
}

export function parseQueueKey(key: string): { topic: string; queueId: number } {
  const at = key.lastIndexOf('@');
  return { topic: key.slice(0, at), queueId: Number(key.slice(at + 1)) };
}

/** Reads topic/queue from `from` to its end, in order (at most `limit` records). */
export function readQueue(
  store: RedeliveryStore,
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

/**
 * UNIQ_KEY → copies, per real queue of a batch record, from where the record says each one
 * ended before the batch's first put. `what` names the scan in the warning a cut-short one logs.
 */
export function countCopies(
  store: RedeliveryStore,
  queues: Readonly<Record<string, number>>,
  log: Logger,
  what: string,
): Map<string, Map<string, number>> {
  const copies = new Map<string, Map<string, number>>();
  for (const [key, from] of Object.entries(queues)) {
    const { topic, queueId } = parseQueueKey(key);
    const counts = new Map<string, number>();
    const complete = readQueue(store, topic, queueId, from, MAX_RECOVERY_SCAN_RECORDS, (m) => {
      const uniq = m.properties[MessageConst.UNIQ_KEY];
      if (uniq) counts.set(uniq, (counts.get(uniq) ?? 0) + 1);
    });
    if (!complete) log.warn({ topic, queueId, from }, what);
    copies.set(key, counts);
  }
  return copies;
}
