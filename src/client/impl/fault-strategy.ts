// Latency fault tolerance of the producer (MQFaultStrategy + LatencyFaultToleranceImpl, 5.x): every
// send records how long its broker took; a slow answer makes the broker "not available" for a
// while (latencyMax → notAvailableDuration below), and a broker that could not be reached or
// refused the send is isolated as if it had taken 10 s. Queue selection prefers available brokers
// other than the one that just failed, then reachable ones, then any queue at all, so a topic
// whose brokers are all marked still gets its messages sent.
import type { MessageQueue } from './allocate.js';

/** Latency thresholds (ms) and how long a broker that answered that slowly is avoided (ms). */
export const LATENCY_MAX_MS = [50, 100, 550, 1_800, 3_000, 5_000, 15_000] as const;
export const NOT_AVAILABLE_DURATION_MS = [0, 0, 2_000, 5_000, 6_000, 10_000, 30_000] as const;
/** The latency an isolated broker is charged with (MQFaultStrategy#updateFaultItem). */
const ISOLATION_LATENCY_MS = 10_000;

interface FaultItem {
  latencyMs: number;
  /** Not chosen before this time (ms since epoch) unless nothing else is left. */
  availableAt: number;
  reachable: boolean;
}

export function notAvailableDurationMs(latencyMs: number): number {
  for (let i = LATENCY_MAX_MS.length - 1; i >= 0; i--) {
    if (latencyMs >= LATENCY_MAX_MS[i]!) return NOT_AVAILABLE_DURATION_MS[i]!;
  }
  return 0;
}

export class FaultStrategy {
  readonly enabled: boolean;
  private readonly items = new Map<string, FaultItem>();
  private readonly now: () => number;
  /** Round-robin position per topic (TopicPublishInfo#sendWhichQueue). */
  private readonly index = new Map<string, number>();

  constructor(enabled: boolean, now: () => number = Date.now) {
    this.enabled = enabled;
    this.now = now;
  }

  /** After each attempt: its latency; `isolation` when the broker failed or refused it. */
  update(brokerName: string, latencyMs: number, isolation: boolean, reachable = true): void {
    if (!this.enabled) return;
    const duration = notAvailableDurationMs(isolation ? ISOLATION_LATENCY_MS : latencyMs);
    const item = this.items.get(brokerName) ?? { latencyMs, availableAt: 0, reachable };
    item.latencyMs = latencyMs;
    item.reachable = reachable;
    // A longer isolation wins over a shorter one that would end it early.
    if (duration > 0) item.availableAt = Math.max(item.availableAt, this.now() + duration);
    this.items.set(brokerName, item);
  }

  isAvailable(brokerName: string): boolean {
    const item = this.items.get(brokerName);
    return !item || this.now() >= item.availableAt;
  }

  isReachable(brokerName: string): boolean {
    return this.items.get(brokerName)?.reachable ?? true;
  }

  /**
   * The next queue of the topic in round-robin order, skipping `lastBrokerName` (the broker the
   * previous attempt of this send went to) and, with fault tolerance on, unavailable brokers.
   */
  select(
    topic: string,
    queues: readonly MessageQueue[],
    lastBrokerName?: string,
  ): MessageQueue | undefined {
    if (queues.length === 0) return undefined;
    const start = (this.index.get(topic) ?? Math.floor(Math.random() * queues.length)) + 1;
    this.index.set(topic, start % 0x7fffffff);
    // Plain loops, no closures: this runs on every send.
    const n = queues.length;
    if (this.enabled) {
      for (let i = 0; i < n; i++) {
        const q = queues[(start + i) % n]!;
        if (q.brokerName !== lastBrokerName && this.isAvailable(q.brokerName)) return q;
      }
      for (let i = 0; i < n; i++) {
        const q = queues[(start + i) % n]!;
        if (q.brokerName !== lastBrokerName && this.isReachable(q.brokerName)) return q;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const q = queues[(start + i) % n]!;
        if (q.brokerName !== lastBrokerName) return q;
      }
    }
    return queues[start % queues.length];
  }
}
