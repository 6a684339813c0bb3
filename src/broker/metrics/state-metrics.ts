// Gauges and counters read from the broker's state at scrape time: storage progress, the send
// queue, metadata counts, connections, delay levels and the timer wheel, transactions and
// replication. Each reads what another service already keeps; nothing here is on a hot path.
import type { CollectedMetric, MetricType, Sample } from '../../remoting/metrics/collected.js';
import type { BrokerContext } from '../broker-context.js';
import { BrokerMetric as M } from './names.js';

/** TRANSACTION_COMMIT_TYPE / TRANSACTION_ROLLBACK_TYPE in the decision log. */
const COMMIT = 8;
const ROLLBACK = 12;

type Read = () => Sample[];
const one = (value: number, labels = {}): Sample[] => [{ labels, value }];

export function stateMetrics(ctx: BrokerContext, now: () => number): CollectedMetric[] {
  const m = (name: string, type: MetricType, help: string, read: Read): CollectedMetric => ({
    name,
    type,
    help,
    read,
  });
  const store = ctx.store;
  const storage = { storage_type: 'local' };
  return [
    m(M.STORAGE_FLUSH_BEHIND, 'gauge', 'Commit-log bytes written, not flushed yet.', () =>
      one(Math.max(0, store.maxPhyOffset - store.commitLog.queue.flushedOffset), storage),
    ),
    // Dispatch runs in the put's own turn (reput-free), so nothing is ever behind.
    m(M.STORAGE_DISPATCH_BEHIND, 'gauge', 'Commit-log bytes not dispatched yet.', () =>
      one(0, storage),
    ),
    m(M.PROCESSOR_WATERMARK, 'gauge', 'Requests waiting in a processor queue.', () =>
      one(ctx.sendQueue.size, { processor: 'send' }),
    ),
    m(M.BROKER_PERMISSION, 'gauge', 'brokerPermission (6 read+write).', () =>
      one(ctx.config.brokerPermission),
    ),
    m(M.TOPIC_NUMBER, 'gauge', 'Topics this broker holds.', () => one(ctx.topics.all().length)),
    m(M.CONSUMER_GROUP_NUMBER, 'gauge', 'Subscription groups.', () => one(ctx.groups.all().length)),
    m(M.PRODUCER_CONNECTIONS, 'gauge', 'Producer groups with a live connection.', () =>
      one(ctx.producers.groupNames().length),
    ),
    m(M.CONSUMER_CONNECTIONS, 'gauge', 'Consumer connections by group.', () =>
      ctx.consumers.groupNames().map((g) => ({
        labels: { consumer_group: g },
        value: ctx.consumers.clientIds(g).length,
      })),
    ),
    ...delayMetrics(ctx, now, m),
    ...transactionMetrics(ctx, m),
    ...replicationMetrics(ctx, m),
  ];
}

type Make = (name: string, type: MetricType, help: string, read: Read) => CollectedMetric;

function delayMetrics(ctx: BrokerContext, now: () => number, m: Make): CollectedMetric[] {
  return [
    m(M.DELAY_MESSAGES, 'gauge', 'Messages waiting for their delay level.', () =>
      Object.entries(ctx.schedule.runtimeInfo()).map(([k, v]) => {
        const [next = 0, max = 0] = v.split(',').map(Number);
        return { labels: { delay_level: k.slice(k.lastIndexOf('_') + 1) }, value: max - next };
      }),
    ),
    m(M.TIMER_ENQUEUE_LAG, 'gauge', 'Timer messages not in the wheel yet.', () => {
      const t = ctx.timer?.runtimeInfo();
      return t?.timerOffsetBehind === undefined ? [] : one(Number(t.timerOffsetBehind));
    }),
    m(M.TIMER_DEQUEUE_LATENCY, 'gauge', 'How far the wheel reads behind now, ms.', () => {
      const t = ctx.timer?.runtimeInfo();
      if (t?.timerReadBehind === undefined) return [];
      return one(Math.max(0, Math.round(Number(t.timerReadBehind) * 1000)));
    }),
    m(M.STORAGE_MESSAGE_RESERVE_TIME, 'gauge', 'Age of the oldest stored message, ms.', () => {
      const first = ctx.store.minPhyOffset < ctx.store.maxPhyOffset;
      const t = first ? ctx.store.lookMessageByOffset(ctx.store.minPhyOffset)?.storeTimestamp : 0;
      return t ? one(Math.max(0, now() - t)) : [];
    }),
  ];
}

function transactionMetrics(ctx: BrokerContext, m: Make): CollectedMetric[] {
  const decided = (kind: number) => () => {
    const byGroup = new Map<string, number>();
    for (const e of ctx.transactions.decisionEntries()) {
      if (e.decision === kind) byGroup.set(e.group, (byGroup.get(e.group) ?? 0) + 1);
    }
    return [...byGroup].map(([g, value]) => ({ labels: { producer_group: g }, value }));
  };
  return [
    m(M.HALF_MESSAGES, 'gauge', 'Half messages waiting for a decision.', () =>
      one(ctx.transactionChecks.size),
    ),
    m(
      M.COMMIT_MESSAGES_TOTAL,
      'counter',
      'Transactions committed (decisions kept).',
      decided(COMMIT),
    ),
    m(
      M.ROLLBACK_MESSAGES_TOTAL,
      'counter',
      'Transactions rolled back (decisions kept).',
      decided(ROLLBACK),
    ),
    m(M.TRANSACTION_CHECKS_TOTAL, 'counter', 'CHECK_TRANSACTION_STATE requests sent.', () =>
      [...ctx.transactionChecks.checksSentByTopic].map(([topic, value]) => ({
        labels: { topic },
        value,
      })),
    ),
    m(
      M.TRANSACTION_DISCARDED_TOTAL,
      'counter',
      'Half messages given up after transactionCheckMax.',
      () => one(ctx.transactionChecks.discarded),
    ),
  ];
}

function replicationMetrics(ctx: BrokerContext, m: Make): CollectedMetric[] {
  const lag = (pick: 'lagBytes' | 'lagMs') => (): Sample[] => {
    const s = ctx.ha?.status();
    if (s === undefined) return [];
    if (s.role === 'SLAVE') return one(s[pick], { role: 'slave', master: s.masterHaAddr ?? '' });
    return s.slaves.map((r) => ({ labels: { role: 'master', slave: r.addr }, value: r[pick] }));
  };
  return [
    m(
      M.REPLICA_LAG_BYTES,
      'gauge',
      'Commit-log bytes a slave is behind its master.',
      lag('lagBytes'),
    ),
    m(M.REPLICA_LAG_LATENCY, 'gauge', 'How long a slave has been behind, ms.', lag('lagMs')),
  ];
}
