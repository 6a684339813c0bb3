// ali-ons answers none of the requests a broker sends its clients. mqadmin consumerStatus -i on an
// ali-ons consumer must therefore end in one clear error, CONSUME_MSG_TIMEOUT (207) naming the
// client, not a hang and not an empty success.
import { afterAll, describe, expect, it } from 'vitest';
import { type AliConsumer, type AliMessage, aliConsumer } from '../harness/ali-ons.js';
import { useCluster } from '../harness/cluster.js';
import { pollUntil } from '../harness/poll.js';
import { uniqueName } from '../harness/processes.js';
import { runBin } from '../harness/run-bin.js';

const topic = uniqueName('AliRunningInfo');
const group = uniqueName('AliRunningInfoGroup');
const cluster = useCluster({ topics: [{ name: topic, queues: 1 }] });
let consumer: AliConsumer | undefined;

afterAll(async () => {
  await consumer?.close();
});

const mqadmin = (...args: string[]) =>
  runBin('mqadmin', [args[0]!, '-n', cluster.namesrvAddr, ...args.slice(1)]);

describe('GET_CONSUMER_RUNNING_INFO to an ali-ons consumer', () => {
  it('comes back as CONSUME_MSG_TIMEOUT naming the client', async () => {
    consumer = aliConsumer(cluster.namesrvAddr, { consumerGroup: group });
    consumer.subscribe(topic, '*', async (_m: AliMessage) => {});
    await consumer.ready();
    const connections = await pollUntil(
      () => mqadmin('consumerConnection', '-g', group, '--json'),
      (r) => r.code === 0,
      30_000,
      500,
    );
    expect(connections.code, connections.stderr).toBe(0);
    const clientId = (JSON.parse(connections.stdout) as { connectionSet: { clientId: string }[] })
      .connectionSet[0]!.clientId;
    const r = await mqadmin('consumerStatus', '-g', group, '-i', clientId);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('CODE: 207');
    expect(r.stderr).toContain(clientId);
    expect(r.stderr).toContain('ali-ons never does');
  });
});
