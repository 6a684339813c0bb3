// The figures behind the admin answers, from real processes: a broker with its Prometheus
// exporter on, our SDK's push consumer long-polling it, and messages sent after it parked. Then
// consumerProgress shows a consume TPS above zero (GROUP_GET_NUMS), consumerStatus -i shows the
// client's RT&TPS row for the topic (ConsumerRunningInfo#statusTable), and /metrics has the
// woken pulls in rocketmq_rpc_latency under is_long_polling="true". getBrokerConfig lists every
// key of the schema, not only those the broker's -c file sets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushConsumer } from '../../src/client/push-consumer.js';
import { brokerConfigDefinition } from '../../src/common/config/broker-config.js';
import { useCluster } from '../harness/cluster.js';
import { pollUntil } from '../harness/poll.js';
import { uniqueName } from '../harness/processes.js';
import { runBin } from '../harness/run-bin.js';
import { numbered, pushConsumer, sendMessages } from '../harness/sdk.js';

const PROM = {
  metricsExporterType: 'PROM',
  metricsPromExporterHost: '127.0.0.1',
  metricsPromExporterPort: 0,
};
const topic = uniqueName('FiguresTopic');
const group = uniqueName('FiguresGroup');
const cluster = useCluster({ brokerConfig: PROM, topics: [{ name: topic, queues: 2 }] });
let consumer: PushConsumer;
let consumed = 0;

const mqadmin = (...args: string[]) =>
  runBin('mqadmin', [args[0]!, '-n', cluster.namesrvAddr, ...args.slice(1)]);

beforeAll(async () => {
  consumer = pushConsumer(cluster.namesrvAddr, group).subscribe(topic, '*');
  consumer.registerMessageListener((msgs) => {
    consumed += msgs.length;
    return 'CONSUME_SUCCESS';
  });
  await consumer.start();
  await pollUntil(
    () => consumer.assignedQueues.length,
    (n) => n === 2,
    30_000,
  );
  // Sent once the consumer holds its queues, so its pulls are parked and woken by these.
  await sendMessages(cluster.namesrvAddr, numbered(topic, 0, 20));
  await pollUntil(
    () => consumed,
    (n) => n >= 20,
    30_000,
  );
  expect(consumed).toBeGreaterThanOrEqual(20);
});

afterAll(async () => {
  await consumer?.shutdown();
});

/** The numbers after `label` on its line of `text`, or undefined. */
function numberAfter(text: string, label: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(label));
  return line === undefined ? undefined : Number(line.slice(label.length));
}

describe('consumer figures', () => {
  it('consumerProgress shows a consume TPS above zero once the consumer pulled', async () => {
    const progress = await pollUntil(
      () => mqadmin('consumerProgress', '-g', group),
      (r) => (numberAfter(r.stdout, 'Consume TPS:') ?? 0) > 0,
      30_000,
      500,
    );
    expect(progress.stderr).toBe('');
    expect(numberAfter(progress.stdout, 'Consume TPS:')).toBeGreaterThan(0);
    const json = await mqadmin('consumerProgress', '-g', group, '--json');
    expect((JSON.parse(json.stdout) as { consumeTps: number }).consumeTps).toBeGreaterThan(0);
  });

  it("consumerStatus -i prints the client's pull and consume rates for the topic", async () => {
    const list = await mqadmin('consumerStatus', '-g', group, '--json');
    const clientId = (JSON.parse(list.stdout) as { clients: { clientId: string }[] }).clients[0]!
      .clientId;
    const row = (stdout: string) =>
      stdout
        .split('\n')
        .find((l) => l.startsWith(`${topic} `) && l.split(/\s+/).length === 7)
        ?.split(/\s+/);
    const full = await pollUntil(
      () => mqadmin('consumerStatus', '-g', group, '-i', clientId),
      (r) => Number(row(r.stdout)?.[2] ?? 0) > 0,
      30_000,
      500,
    );
    expect(full.stdout).toContain('#Consumer RT&TPS#');
    expect(full.stdout).toMatch(/#Topic\s+#Pull RT\s+#Pull TPS\s+#Consume RT\s+#ConsumeOK TPS/);
    const [, , pullTps, , okTps, failedTps, failedMsgs] = row(full.stdout) ?? [];
    expect(Number(pullTps)).toBeGreaterThan(0);
    expect(Number(okTps)).toBeGreaterThan(0);
    expect(failedTps).toBe('0.00');
    expect(failedMsgs).toBe('0');
    const json = await mqadmin('consumerStatus', '-g', group, '-i', clientId, '--json');
    const status = JSON.parse(json.stdout) as {
      statusTable: Record<string, { pullTPS: number; consumeOKTPS: number }>;
    };
    expect(Object.keys(status.statusTable)).toContain(`%RETRY%${group}`);
    expect(status.statusTable[topic]!.consumeOKTPS).toBeGreaterThan(0);
  });

  it('getBrokerConfig lists every key the schema knows with its effective value', async () => {
    const r = await mqadmin('getBrokerConfig', '-b', cluster.brokerAddr, '--json');
    expect(r.code, r.stderr).toBe(0);
    const config = (JSON.parse(r.stdout) as Record<string, Record<string, string>>)[
      cluster.brokerAddr
    ]!;
    const keys = Object.keys(brokerConfigDefinition().schema);
    expect(Object.keys(config).sort()).toEqual([...keys].sort());
    expect(config.metricsExporterType).toBe('PROM');
    expect(config.longPollingEnable).toBe('true');
    expect(config.brokerName).toBe(cluster.broker.brokerName);
  });

  it('counts the woken long-polled pulls in rocketmq_rpc_latency', async () => {
    const url = await pollUntil(
      () => /"url":"(http:\/\/[^"]+\/metrics)"/.exec(cluster.broker.output())?.[1],
      (u) => u !== undefined,
      30_000,
    );
    expect(url).toBeDefined();
    const longPolled = (text: string) =>
      text
        .split('\n')
        .filter(
          (l) =>
            l.startsWith('rocketmq_rpc_latency_count{') &&
            l.includes('request_code="pull_message"') &&
            l.includes('is_long_polling="true"') &&
            l.includes('response_code="success"'),
        )
        .reduce((n, l) => n + Number(l.slice(l.lastIndexOf('}') + 1)), 0);
    const text = await pollUntil(
      async () => (await fetch(url!)).text(),
      (t) => longPolled(t) > 0,
      30_000,
      200,
    );
    expect(longPolled(text)).toBeGreaterThan(0);
  });
});
