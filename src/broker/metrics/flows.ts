// Messages and bytes in and out, by topic (and consumer group), counted where they pass once:
// in at dispatch (every record the commit log hands to the consume queues, puts of every send
// path alike), out where a pull answers with messages. Per message that is one map lookup and a
// few additions; labels and text are built at scrape time (collected.ts).
import type { Sample } from '../../remoting/metrics/collected.js';
import { BucketHistogram } from '../../remoting/metrics/collected.js';
import type { CommitLogDispatcher, DispatchRequest } from '../../store/dispatcher.js';
import {
  BrokerMetric,
  consumerLabels,
  isSystemTopic,
  MESSAGE_SIZE_BUCKETS,
  type MessageType,
  messageTypeOf,
} from './names.js';

interface InEntry {
  readonly topic: string;
  readonly type: MessageType;
  messages: number;
  bytes: number;
}

/** rocketmq_messages_in_total, rocketmq_throughput_in_total, rocketmq_message_size. */
export class InFlow implements CommitLogDispatcher {
  private readonly byKey = new Map<string, InEntry>();
  private readonly sizes = new BucketHistogram<InEntry>(MESSAGE_SIZE_BUCKETS);

  dispatch(r: DispatchRequest, recovering: boolean): void {
    // Recovery re-reads what an earlier run stored and counted.
    if (recovering) return;
    const type = messageTypeOf(r.topic, r.sysFlag);
    const key = type === 'normal' ? r.topic : `${r.topic}\u0001${type}`;
    let e = this.byKey.get(key);
    if (e === undefined) {
      e = { topic: r.topic, type, messages: 0, bytes: 0 };
      this.byKey.set(key, e);
    }
    e.messages++;
    e.bytes += r.size;
    this.sizes.observe(e, r.size);
  }

  messages(): Sample[] {
    return [...this.byKey.values()].map((e) => ({ labels: inLabels(e), value: e.messages }));
  }

  bytes(): Sample[] {
    return [...this.byKey.values()].map((e) => ({ labels: inLabels(e), value: e.bytes }));
  }

  sizeSamples(): Sample[] {
    return this.sizes.samples(BrokerMetric.MESSAGE_SIZE, (e) => ({
      topic: e.topic,
      message_type: e.type,
    }));
  }
}

function inLabels(e: InEntry) {
  return { topic: e.topic, message_type: e.type, is_system: String(isSystemTopic(e.topic)) };
}

interface OutEntry {
  readonly topic: string;
  readonly group: string;
  messages: number;
  bytes: number;
}

/** rocketmq_messages_out_total, rocketmq_throughput_out_total: what pulls handed out. */
export class OutFlow {
  private readonly byKey = new Map<string, OutEntry>();

  record(group: string, topic: string, messages: number, bytes: number): void {
    const key = `${topic}\u0001${group}`;
    let e = this.byKey.get(key);
    if (e === undefined) {
      e = { topic, group, messages: 0, bytes: 0 };
      this.byKey.set(key, e);
    }
    e.messages += messages;
    e.bytes += bytes;
  }

  messages(): Sample[] {
    return [...this.byKey.values()].map((e) => ({
      labels: consumerLabels(e.topic, e.group),
      value: e.messages,
    }));
  }

  bytes(): Sample[] {
    return [...this.byKey.values()].map((e) => ({
      labels: consumerLabels(e.topic, e.group),
      value: e.bytes,
    }));
  }
}
