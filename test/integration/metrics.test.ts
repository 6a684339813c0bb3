// The Prometheus exporter of real processes: a broker with metricsExporterType=PROM on a free
// port, an SDK producer and push consumer, and plain HTTP scrapes of /metrics checking the
// counters by topic and group, the lag a stopped consumer leaves, and storage; a name server
// with its own exporter answers too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCluster } from '../harness/cluster.js';
import { pollUntil } from '../harness/poll.js';
import { type NamesrvHandle, startNamesrv, uniqueName } from '../harness/processes.js';
import { numbered, pushConsumer, sendMessages } from '../harness/sdk.js';
import { waitFor } from '../harness/topics.js';

const PROM = {
  metricsExporterType: 'PROM',
  metricsPromExporterHost: '127.0.0.1',
  metricsPromExporterPort: 0,
};
const topic = uniqueName('MetricsTopic');
const group = uniqueName('MetricsGroup');
const cluster = useCluster({ brokerConfig: PROM, topics: [{ name: topic, queues: 1 }] });

/** The exporter logs the URL it bound (port 0 asks for a free one). */
async function metricsUrl(output: () => string): Promise<string> {
  const find = () => /"url":"(http:\/\/[^"]+\/metrics)"/.exec(output())?.[1];
  const url = await pollUntil(find, (u) => u !== undefined, 30_000);
  if (url === undefined) throw new Error(`no metrics URL logged:\n${output()}`);
  return url;
}

async function scrape(url: string): Promise<string> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return res.text();
}

/** The value of the first series of `name` whose labels include `labels`. */
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

describe('broker /metrics', () => {
  let url = '';
  beforeAll(async () => {
    url = await metricsUrl(() => cluster.broker.output());
  });

  it('counts what was sent and consumed, and the lag a stopped consumer leaves', async () => {
    await sendMessages(cluster.namesrvAddr, numbered(topic, 0, 10));
    let consumed = 0;
    const c = pushConsumer(cluster.namesrvAddr, group, {
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    });
    c.subscribe(topic, '*').registerMessageListener((msgs) => {
      consumed += msgs.length;
      return 'CONSUME_SUCCESS';
    });
    await c.start();
    await waitFor(() => consumed >= 10, 30_000, 'the first ten consumed');
    await c.shutdown(); // commits its offsets on the way out
    // The consumer is gone mid-way: ten more arrive and nobody takes them.
    await sendMessages(cluster.namesrvAddr, numbered(topic, 10, 10));
    const byGroup = { topic, consumer_group: group, is_retry: 'false', is_system: 'false' };
    const text = await pollUntil(
      () => scrape(url),
      (t) => value(t, 'rocketmq_consumer_lag_messages', byGroup) === 10,
      30_000,
    );
    const node = { node_type: 'broker', node_id: cluster.broker.brokerName };
    const normal = { ...node, topic, message_type: 'normal', is_system: 'false' };
    expect(value(text, 'rocketmq_messages_in_total', normal)).toBe(20);
    expect(value(text, 'rocketmq_throughput_in_total', normal)).toBeGreaterThan(20);
    expect(value(text, 'rocketmq_messages_out_total', byGroup)).toBeGreaterThanOrEqual(10);
    expect(value(text, 'rocketmq_consumer_lag_messages', byGroup)).toBe(10);
    // Not pulled yet, or pulled by a pull the consumer left parked: together the lag.
    const ready = value(text, 'rocketmq_consumer_ready_messages', byGroup) ?? -1;
    const inflight = value(text, 'rocketmq_consumer_inflight_messages', byGroup) ?? -1;
    expect(ready + inflight).toBe(10);
    expect(value(text, 'rocketmq_consumer_lag_latency', byGroup)).toBeGreaterThanOrEqual(0);
    expect(value(text, 'rocketmq_message_size_count', { topic })).toBe(20);
    expect(value(text, 'rocketmq_storage_size', node)).toBeGreaterThan(0);
    expect(value(text, 'rocketmq_topic_number', node)).toBeGreaterThanOrEqual(1);
    const sends = { request_code: 'send_message_v2', response_code: 'success' };
    expect(value(text, 'rocketmq_rpc_latency_count', sends)).toBeGreaterThanOrEqual(20);
    expect(text).toMatch(/^process_resident_memory_bytes\{/m);
  });

  it('answers 404 with where the metrics are for any other path', async () => {
    const res = await fetch(url.replace('/metrics', '/'));
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('GET /metrics');
  });
});

describe('name server /metrics', () => {
  let namesrv: NamesrvHandle | undefined;
  beforeAll(async () => {
    namesrv = await startNamesrv({ conf: PROM });
  });
  afterAll(async () => {
    await namesrv?.stop();
  });

  it('answers with its own gauges and process metrics', async () => {
    const ns = namesrv as NamesrvHandle;
    const text = await scrape(await metricsUrl(() => ns.output()));
    const node = { node_type: 'namesrv' };
    expect(value(text, 'kitemq_namesrv_topics', node)).toBe(0);
    expect(text).toMatch(/^process_cpu_user_seconds_total\{/m);
  });
});
