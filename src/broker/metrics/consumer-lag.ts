// Consumer progress gauges, computed from offsets when scraped as RocketMQ 5's observable gauges
// are (ConsumerLagCalculator): per (topic, group), summed over queues,
//   lag       = broker max offset - committed offset   (and how old the oldest unconsumed is),
//   inflight  = pull offset - committed offset         (handed out, not yet acknowledged),
//   ready     = broker max offset - pull offset        (and how long the next one has waited).
// A queue the group has not pulled since boot counts its pull offset as the committed one.
import type { Sample } from '../../remoting/metrics/collected.js';
import type { BrokerContext } from '../broker-context.js';
import { consumerLabels } from './names.js';

export interface GroupProgress {
  readonly topic: string;
  readonly group: string;
  lag: number;
  inflight: number;
  ready: number;
  /** Store time of the oldest unconsumed (lag) and oldest not yet pulled (ready) message. */
  oldestUnconsumedMs: number | undefined;
  oldestReadyMs: number | undefined;
}

export type ProgressSource = Pick<BrokerContext, 'offsets' | 'store'>;

export function consumerProgress(ctx: ProgressSource): GroupProgress[] {
  const out: GroupProgress[] = [];
  for (const [key, queues] of Object.entries(ctx.offsets.offsetTable())) {
    const at = key.lastIndexOf('@');
    const p: GroupProgress = {
      topic: key.slice(0, at),
      group: key.slice(at + 1),
      lag: 0,
      inflight: 0,
      ready: 0,
      oldestUnconsumedMs: undefined,
      oldestReadyMs: undefined,
    };
    for (const [q, committed] of Object.entries(queues)) addQueue(ctx, p, Number(q), committed);
    out.push(p);
  }
  return out;
}

function addQueue(ctx: ProgressSource, p: GroupProgress, queueId: number, committed: number) {
  const max = ctx.store.getMaxOffsetInQueue(p.topic, queueId);
  const pulled = ctx.offsets.queryPullOffset(p.group, p.topic, queueId);
  const pull = Math.min(max, Math.max(committed, pulled));
  p.lag += Math.max(0, max - committed);
  p.inflight += Math.max(0, pull - committed);
  p.ready += Math.max(0, max - pull);
  if (committed < max)
    p.oldestUnconsumedMs = older(p.oldestUnconsumedMs, storedAt(ctx, p, queueId, committed));
  if (pull < max) p.oldestReadyMs = older(p.oldestReadyMs, storedAt(ctx, p, queueId, pull));
}

function storedAt(ctx: ProgressSource, p: GroupProgress, queueId: number, offset: number) {
  const t = ctx.store.getStoreTimestamp(p.topic, queueId, offset);
  return t > 0 ? t : undefined;
}

function older(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/** The four gauges' samples from one pass over the offsets. */
export function progressSamples(progress: readonly GroupProgress[], nowMs: number) {
  const lag: Sample[] = [];
  const lagLatency: Sample[] = [];
  const inflight: Sample[] = [];
  const ready: Sample[] = [];
  const queueing: Sample[] = [];
  for (const p of progress) {
    const labels = consumerLabels(p.topic, p.group);
    lag.push({ labels, value: p.lag });
    inflight.push({ labels, value: p.inflight });
    ready.push({ labels, value: p.ready });
    const age = (t: number | undefined) => (t === undefined ? 0 : Math.max(0, nowMs - t));
    lagLatency.push({ labels, value: age(p.oldestUnconsumedMs) });
    queueing.push({ labels, value: age(p.oldestReadyMs) });
  }
  return { lag, lagLatency, inflight, ready, queueing };
}
