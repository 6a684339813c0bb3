// AllocateMessageQueueAveragely (the default strategy of Java and ali-ons): queues and client ids
// sorted, each client gets a contiguous slice; the first (queues % clients) clients get one more.
export interface MessageQueue {
  topic: string;
  brokerName: string;
  queueId: number;
}

export function compareQueues(a: MessageQueue, b: MessageQueue): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  if (a.brokerName !== b.brokerName) return a.brokerName < b.brokerName ? -1 : 1;
  return a.queueId - b.queueId;
}

export function allocateAveragely(
  currentCid: string,
  mqAll: readonly MessageQueue[],
  cidAll: readonly string[],
): MessageQueue[] {
  const mqs = [...mqAll].sort(compareQueues);
  const cids = [...cidAll].sort();
  const index = cids.indexOf(currentCid);
  if (index < 0 || mqs.length === 0) return [];
  const mod = mqs.length % cids.length;
  const averageSize =
    mqs.length <= cids.length
      ? 1
      : mod > 0 && index < mod
        ? Math.floor(mqs.length / cids.length) + 1
        : Math.floor(mqs.length / cids.length);
  const startIndex = mod > 0 && index < mod ? index * averageSize : index * averageSize + mod;
  const range = Math.min(averageSize, mqs.length - startIndex);
  const out: MessageQueue[] = [];
  for (let i = 0; i < range; i++) out.push(mqs[(startIndex + i) % mqs.length]!);
  return out;
}

export const queueKey = (mq: MessageQueue): string => `${mq.topic}@${mq.brokerName}@${mq.queueId}`;
