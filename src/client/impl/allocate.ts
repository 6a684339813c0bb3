// Rebalance strategies of the Java client. AllocateMessageQueueAveragely (the default of Java and
// ali-ons): queues and client ids sorted, each client gets a contiguous slice; the first
// (queues % clients) clients get one more. By circle, consistent hash and by config below.
import { createHash } from 'node:crypto';

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

/** A rebalance strategy: the queues `currentCid` gets, given every queue and every member. */
export type AllocateStrategy = (
  currentCid: string,
  mqAll: readonly MessageQueue[],
  cidAll: readonly string[],
) => MessageQueue[];

/** AllocateMessageQueueAveragelyByCircle: queue i goes to member i mod members. */
export const allocateByCircle: AllocateStrategy = (currentCid, mqAll, cidAll) => {
  const mqs = [...mqAll].sort(compareQueues);
  const cids = [...cidAll].sort();
  const index = cids.indexOf(currentCid);
  if (index < 0) return [];
  return mqs.filter((_, i) => i % cids.length === index);
};

/** MessageQueue#toString, the key Java's consistent-hash strategy routes by. */
const javaQueueString = (mq: MessageQueue) =>
  `MessageQueue [topic=${mq.topic}, brokerName=${mq.brokerName}, queueId=${mq.queueId}]`;

/** ConsistentHashRouter's MD5Hash: the first four digest bytes as an unsigned number. */
function md5Hash(key: string): number {
  return createHash('md5').update(key, 'utf8').digest().readUInt32BE(0);
}

/**
 * AllocateMessageQueueConsistentHash: members on an MD5 ring with `virtualNodes` points each
 * ("<clientId>-<i>"); a queue belongs to the first point at or after its hash. Same hashing as
 * the Java client, so mixed groups agree.
 */
export function allocateConsistentHash(virtualNodes = 10): AllocateStrategy {
  return (currentCid, mqAll, cidAll) => {
    const ring: { hash: number; cid: string }[] = [];
    for (const cid of [...cidAll].sort()) {
      for (let i = 0; i < virtualNodes; i++) ring.push({ hash: md5Hash(`${cid}-${i}`), cid });
    }
    // A TreeMap keeps the last node put for equal hashes; sort stably and keep the later one.
    ring.sort((a, b) => a.hash - b.hash);
    if (ring.length === 0 || !cidAll.includes(currentCid)) return [];
    return [...mqAll].sort(compareQueues).filter((mq) => {
      const h = md5Hash(javaQueueString(mq));
      let lo = 0;
      let hi = ring.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (ring[mid]!.hash < h) lo = mid + 1;
        else hi = mid;
      }
      let at = lo < ring.length ? lo : 0;
      while (at + 1 < ring.length && ring[at + 1]!.hash === ring[at]!.hash) at++;
      return ring[at]!.cid === currentCid;
    });
  };
}

/**
 * AllocateMessageQueueByConfig: exactly these queues, whoever else is in the group. As in Java,
 * list the group's %RETRY% queue too if this member should take redeliveries.
 */
export function allocateByConfig(queues: readonly MessageQueue[]): AllocateStrategy {
  return (_cid, mqAll) => mqAll.filter((mq) => queues.some((q) => queueKey(q) === queueKey(mq)));
}
