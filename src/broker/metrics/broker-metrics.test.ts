// The broker's metrics read against an in-process broker: what sends, pulls and commits do to
// the counters and the consumer gauges, under RocketMQ 5's names and labels.
import { describe, expect, it } from 'vitest';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { pullFields, withInProcessBroker } from '../in-process-broker.fixture.js';
import { BrokerMetrics } from './broker-metrics.js';

/** The value of the one series of `name` whose labels include `labels`. */
function value(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const close = line.lastIndexOf('}');
    const body = line.slice(name.length + 1, close);
    if (Object.entries(labels).every(([k, v]) => body.includes(`${k}="${v}"`))) {
      return Number(line.slice(close + 1));
    }
  }
  return undefined;
}

describe('broker metrics', () => {
  it('count sends and pulls by topic and group, and derive lag from offsets', async () => {
    await withInProcessBroker({ brokerClusterName: 'C1', brokerName: 'b1' }, async (h) => {
      const metrics = new BrokerMetrics(h.ctx.config);
      metrics.attach(h.ctx);
      h.createTopic('Orders', 1);
      await h.send('Orders', ['a', 'b', 'c']);
      const pull = await h.request(RequestCode.PULL_MESSAGE, pullFields('Orders', 0));
      expect(pull.code).toBe(ResponseCode.SUCCESS);
      const commit = await h.request(RequestCode.UPDATE_CONSUMER_OFFSET, {
        consumerGroup: 'G',
        topic: 'Orders',
        queueId: 0,
        commitOffset: 1,
      });
      expect(commit.code).toBe(ResponseCode.SUCCESS);
      const text = await metrics.text();
      const base = { cluster: 'C1', node_type: 'broker', node_id: 'b1' };
      const topic = { ...base, topic: 'Orders' };
      const group = { ...topic, consumer_group: 'G', is_retry: 'false', is_system: 'false' };
      const normal = { ...topic, message_type: 'normal', is_system: 'false' };
      expect(value(text, 'rocketmq_messages_in_total', normal)).toBe(3);
      expect(value(text, 'rocketmq_throughput_in_total', normal)).toBeGreaterThan(3);
      expect(value(text, 'rocketmq_message_size_count', topic)).toBe(3);
      expect(value(text, 'rocketmq_messages_out_total', group)).toBe(3);
      expect(value(text, 'rocketmq_throughput_out_total', group)).toBeGreaterThan(3);
      expect(value(text, 'rocketmq_consumer_lag_messages', group)).toBe(2);
      expect(value(text, 'rocketmq_consumer_inflight_messages', group)).toBe(2);
      expect(value(text, 'rocketmq_consumer_ready_messages', group)).toBe(0);
      expect(value(text, 'rocketmq_consumer_lag_latency', group)).toBeGreaterThanOrEqual(0);
      expect(value(text, 'rocketmq_topic_number', base)).toBeGreaterThanOrEqual(1);
      expect(value(text, 'rocketmq_processor_watermark', { processor: 'send' })).toBe(0);
      expect(value(text, 'rocketmq_storage_size', base)).toBeGreaterThan(0);
      expect(value(text, 'rocketmq_storage_dispatch_behind_bytes', base)).toBe(0);
      expect(text).toContain('process_cpu_user_seconds_total');
    });
  });
});
