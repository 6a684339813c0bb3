// The broker's metrics (BrokerMetricsManager, DefaultStoreMetricsManager,
// RemotingMetricsManager): one prom-client Registry with RocketMQ 5's names and labels, every
// series labelled cluster, node_type=broker and node_id=brokerName. Counters of the data path
// are plain numbers bumped where messages pass (flows.ts); everything else is read from the
// broker's state when scraped. Process metrics are prom-client's default collectors.
import { statfsSync } from 'node:fs';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { BrokerConfig } from '../../common/config/broker-config.js';
import {
  type CollectedMetric,
  type MetricType,
  registerCollected,
  type Sample,
} from '../../remoting/metrics/collected.js';
import { RpcLatency } from '../../remoting/metrics/rpc-latency.js';
import type { BrokerContext } from '../broker-context.js';
import { consumerProgress, progressSamples } from './consumer-lag.js';
import { InFlow, OutFlow } from './flows.js';
import { BrokerMetric as M } from './names.js';
import { stateMetrics } from './state-metrics.js';

/** How long one pass over the offsets serves the consumer gauges of a scrape. */
const PROGRESS_REUSE_MS = 500;

export class BrokerMetrics {
  readonly registry = new Registry();
  readonly rpc = new RpcLatency();
  readonly inFlow = new InFlow();
  readonly outFlow = new OutFlow();

  constructor(config: Pick<BrokerConfig, 'brokerClusterName' | 'brokerName'>) {
    this.registry.setDefaultLabels({
      cluster: config.brokerClusterName,
      node_type: 'broker',
      node_id: config.brokerName,
    });
    collectDefaultMetrics({ register: this.registry });
    registerCollected(this.registry, this.rpc);
  }

  /** Starts counting for `ctx`: the dispatcher, the pull hook and the scrape-time gauges. */
  attach(ctx: BrokerContext, now: () => number = Date.now): void {
    ctx.store.addDispatcher(this.inFlow);
    ctx.stats.outFlow = this.outFlow;
    ctx.pullHold.onAnswered = (req, code, failed) => this.rpc.answeredLater(req, code, failed);
    const add = (name: string, type: MetricType, help: string, read: () => Sample[]) =>
      registerCollected(this.registry, { name, type, help, read } satisfies CollectedMetric);
    add(M.MESSAGES_IN_TOTAL, 'counter', 'Messages stored.', () => this.inFlow.messages());
    add(M.THROUGHPUT_IN_TOTAL, 'counter', 'Bytes stored.', () => this.inFlow.bytes());
    add(M.MESSAGE_SIZE, 'histogram', 'Size of stored messages, bytes.', () =>
      this.inFlow.sizeSamples(),
    );
    add(M.MESSAGES_OUT_TOTAL, 'counter', 'Messages handed to consumers by pulls.', () =>
      this.outFlow.messages(),
    );
    add(M.THROUGHPUT_OUT_TOTAL, 'counter', 'Bytes handed to consumers by pulls.', () =>
      this.outFlow.bytes(),
    );
    this.addProgress(ctx, now, add);
    add(M.STORAGE_SIZE, 'gauge', 'Bytes used on the file system of the store.', () =>
      storageUsed(ctx.config.storePathRootDir),
    );
    for (const m of stateMetrics(ctx, now)) registerCollected(this.registry, m);
  }

  private addProgress(
    ctx: BrokerContext,
    now: () => number,
    add: (name: string, type: MetricType, help: string, read: () => Sample[]) => void,
  ): void {
    let cached: { at: number; s: ReturnType<typeof progressSamples> } | undefined;
    const samples = () => {
      const t = now();
      if (cached === undefined || t - cached.at > PROGRESS_REUSE_MS || t < cached.at) {
        cached = { at: t, s: progressSamples(consumerProgress(ctx), t) };
      }
      return cached.s;
    };
    add(
      M.CONSUMER_LAG_MESSAGES,
      'gauge',
      'Messages not consumed yet (max - committed).',
      () => samples().lag,
    );
    add(
      M.CONSUMER_LAG_LATENCY,
      'gauge',
      'Age of the oldest unconsumed message, ms.',
      () => samples().lagLatency,
    );
    add(
      M.CONSUMER_INFLIGHT_MESSAGES,
      'gauge',
      'Pulled, not committed yet.',
      () => samples().inflight,
    );
    add(M.CONSUMER_READY_MESSAGES, 'gauge', 'Stored, not pulled yet.', () => samples().ready);
    add(
      M.CONSUMER_QUEUEING_LATENCY,
      'gauge',
      'Age of the oldest message not pulled yet, ms.',
      () => samples().queueing,
    );
  }

  /** Prometheus text exposition (what GET /metrics answers). */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}

/** DefaultStoreMetricsManager's storage size: total minus free space of the store's disk. */
function storageUsed(dir: string): Sample[] {
  try {
    const s = statfsSync(dir);
    const used = (s.blocks - s.bfree) * s.bsize;
    return [{ labels: { storage_type: 'local', storage_medium: 'disk' }, value: used }];
  } catch {
    return [];
  }
}
