// A group's offsets of one topic, queue by queue, read without changing anything: the committed
// offset (QUERY_CONSUMER_OFFSET 14; none yet is null) and, for a time, the offset a
// resetOffsetByTime would set (SEARCH_OFFSET_BY_TIMESTAMP 29, the store lookup the broker's
// INVOKE_BROKER_TO_RESET_OFFSET makes too). The queues are those a reset walks: write queues
// 0 … writeQueueNums−1 of each master of the topic's route. 2 calls per queue.
import type { AdminClient } from './admin.js';
import { searchOffset } from './admin-messages.js';

export interface QueueOffsetRow {
  brokerName: string;
  addr: string;
  queueId: number;
  /** The group's committed offset; null when it has none for the queue. */
  currentOffset: number | null;
}

export interface QueueResetRow extends QueueOffsetRow {
  newOffset: number;
}

/** Each master's write queues of `topic`, in broker-name then queue-id order. */
export async function writeQueuesOf(
  admin: AdminClient,
  topic: string,
): Promise<{ brokerName: string; addr: string; queueId: number }[]> {
  const route = await admin.getTopicRoute(topic);
  const out: { brokerName: string; addr: string; queueId: number }[] = [];
  const names = [...route.brokerDatas].sort((a, b) => a.brokerName.localeCompare(b.brokerName));
  for (const bd of names) {
    const addr = bd.brokerAddrs['0'];
    const qd = route.queueDatas.find((q) => q.brokerName === bd.brokerName);
    if (!addr || !qd) continue;
    for (let queueId = 0; queueId < qd.writeQueueNums; queueId++) {
      out.push({ brokerName: bd.brokerName, addr, queueId });
    }
  }
  return out;
}

export async function committedOffsets(
  admin: AdminClient,
  group: string,
  topic: string,
): Promise<QueueOffsetRow[]> {
  // One queue at a time: a topic may have a thousand queues, and this is an operator's click.
  const out: QueueOffsetRow[] = [];
  for (const q of await writeQueuesOf(admin, topic)) {
    const offset = await admin.queryConsumerOffset(q.addr, group, topic, q.queueId);
    out.push({ ...q, currentOffset: offset < 0 ? null : offset });
  }
  return out;
}

/** What resetOffsetByTime(topic, group, timestampMs) would set, queue by queue. */
export async function previewResetByTime(
  admin: AdminClient,
  group: string,
  topic: string,
  timestampMs: number,
): Promise<QueueResetRow[]> {
  const out: QueueResetRow[] = [];
  for (const r of await committedOffsets(admin, group, topic)) {
    out.push({ ...r, newOffset: await searchOffset(admin, r.addr, topic, r.queueId, timestampMs) });
  }
  return out;
}
