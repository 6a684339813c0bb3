// After a crash in the middle of a delivered batch: which of its messages already have their copy
// in the real queue. The batch record (delay-offset-store.ts InflightBatch) says where each real
// queue ended before the first put; every copy of the batch was appended after that point and
// keeps the scheduled message's UNIQ_KEY, so counting UNIQ_KEYs there (copy-recovery.ts, shared
// with the timer) tells the stored ones apart.
// Messages without a UNIQ_KEY cannot be told apart and are delivered again (at least once).
import type { Logger } from '../../common/logger.js';
import { SCHEDULE_TOPIC } from '../../message/delay-level.js';
import { MessageConst } from '../../message/message.js';
import { countCopies, queueKey, readQueue } from '../copy-recovery.js';
import type { InflightBatch } from './delay-offset-store.js';
import type { ScheduleStore } from './level-deliverer.js';
import { messageTimeUp } from './time-up.js';

/** Schedule-queue offsets of the batch whose copies are already stored: skip them. */
export function findDeliveredInBatch(
  store: ScheduleStore,
  level: number,
  batch: InflightBatch,
  log: Logger,
  levels: readonly number[] = [],
): Set<number> {
  const copies = countCopies(store, batch.queues, log, 'recovery scan cut short');
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
