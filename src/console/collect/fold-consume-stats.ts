// GET_BROKER_CONSUME_STATS folded: every master's per-queue offsets into per-group totals, and
// the queues' broker offsets into per-topic max offsets (only topics some group has offsets on).
import type { ConsumeStatsList } from '../../protocol/bodies/consume-stats-list.js';

export interface GroupAcc {
  diff: number;
  queues: number;
  consumed: number;
  lagMs: number | null;
  topics: Set<string>;
  brokers: Set<string>;
}

/** Folds every master's ConsumeStatsList into groups, and the queue max offsets into topics. */
export function foldConsumeStats(lists: { addr: string; list: ConsumeStatsList }[], at: number) {
  const groups = new Map<string, GroupAcc>();
  const queueMax = new Map<string, number>(); // "topic\0broker\0queue" → max offset
  for (const { addr, list } of lists) {
    for (const byGroup of list.consumeStatsList) {
      for (const [group, perTopic] of Object.entries(byGroup)) {
        let g = groups.get(group);
        if (!g) {
          g = { diff: 0, queues: 0, consumed: 0, lagMs: 0, topics: new Set(), brokers: new Set() };
          groups.set(group, g);
        }
        g.brokers.add(addr);
        for (const s of perTopic) {
          for (const { mq, offset } of s.offsetTable) {
            g.topics.add(mq.topic);
            const behind = Math.max(0, offset.brokerOffset - offset.consumerOffset);
            g.diff += behind;
            g.queues++;
            g.consumed += offset.consumerOffset;
            queueMax.set(`${mq.topic}\0${mq.brokerName}\0${mq.queueId}`, offset.brokerOffset);
            if (behind === 0 || g.lagMs === null) continue;
            g.lagMs =
              offset.lastTimestamp > 0 ? Math.max(g.lagMs, at - offset.lastTimestamp) : null;
          }
        }
      }
    }
  }
  const topicMax = new Map<string, number>();
  for (const [key, max] of queueMax) {
    const topic = key.slice(0, key.indexOf('\0'));
    topicMax.set(topic, (topicMax.get(topic) ?? 0) + max);
  }
  return { groups, topicMax };
}
