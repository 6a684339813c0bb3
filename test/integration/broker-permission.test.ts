// brokerPermission changes on a running broker (UPDATE_BROKER_CONFIG): the broker re-registers
// before it answers, so routes show the new perm at once and new producers go to the other
// broker; the broker itself refuses sends (16) while not writable and pulls while not readable.
// A brokerPermission update also rewrites a name server's wipeWritePerm, as in RocketMQ 4.9: it
// bumps the topic DataVersion, the one thing that makes a name server replace queue data.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../../src/client/admin.js';
import { silentLogger } from '../../src/common/logger.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import { runBin } from '../harness/run-bin.js';
import { startProducer } from '../harness/sdk.js';

const topic = uniqueName('BrokerPerm');
const cluster = useCluster({ brokers: 2, topics: [{ name: topic, queues: 2 }] });
let admin: AdminClient;
beforeAll(() => {
  admin = new AdminClient({ namesrvAddr: cluster.namesrvAddr, logger: silentLogger() });
});
afterAll(() => admin.close());

const mqadmin = (...args: string[]) => runBin('mqadmin', [...args, '-n', cluster.namesrvAddr]);

async function setPerm(perm: number): Promise<void> {
  const addr = cluster.brokers[0]!.addr;
  const r = await mqadmin(
    'updateBrokerConfig',
    '-b',
    addr,
    '-k',
    'brokerPermission',
    '-v',
    `${perm}`,
  );
  expect(r.stderr).toBe('');
  expect(r.stdout.trim()).toBe(`update broker config success, ${addr}`);
}

async function routePerms(): Promise<Record<string, number>> {
  const route = await admin.getTopicRoute(topic);
  return Object.fromEntries(route.queueDatas.map((q) => [q.brokerName, q.perm]));
}

/** Brokers a fresh producer's sends land on (it reads the route the name server has now). */
async function sendTargets(n: number): Promise<Set<string>> {
  const p = await startProducer(cluster.namesrvAddr);
  try {
    const names = new Set<string>();
    for (let i = 0; i < n; i++)
      names.add((await p.send({ topic, body: `m${i}` })).messageQueue.brokerName);
    return names;
  } finally {
    await p.shutdown();
  }
}

describe('brokerPermission at run time', () => {
  it('read-only: routed as 4, sends refused with 16, pulls served; then back to 6', async () => {
    const raw = cluster.rawTo(0);
    expect((await raw.send(topic, 0, 'before')).code).toBe(ResponseCode.SUCCESS);
    await setPerm(4);
    expect(await routePerms()).toEqual({ 'broker-a': 4, 'broker-b': 6 });
    expect(await sendTargets(8)).toEqual(new Set(['broker-b']));
    const refused = await raw.send(topic, 0, 'during');
    expect(refused.code).toBe(ResponseCode.NO_PERMISSION);
    expect(refused.remark).toContain('the broker[127.0.0.1] sending message is forbidden');
    const read = await raw.pull(topic, uniqueName('PermGroup'), 0, 0, { subscription: '*' });
    expect(read.code).toBe(ResponseCode.SUCCESS);
    expect(read.msgs.map((m) => m.body.toString())).toContain('before');
    expect(readFileSync(cluster.brokers[0]!.confPath, 'utf8')).toMatch(/^brokerPermission=4$/m);
    await setPerm(6);
    expect(await routePerms()).toEqual({ 'broker-a': 6, 'broker-b': 6 });
    expect((await raw.send(topic, 0, 'after')).code).toBe(ResponseCode.SUCCESS);
  });

  it('write-only refuses pulls; a brokerPermission update rewrites a wipeWritePerm', async () => {
    const raw = cluster.rawTo(0);
    await setPerm(2);
    expect((await routePerms())['broker-a']).toBe(2);
    const pull = await raw.pull(topic, uniqueName('PermGroup'), 0, 0, { subscription: '*' });
    expect(pull.code).toBe(ResponseCode.NO_PERMISSION);
    await setPerm(6);
    expect((await mqadmin('wipeWritePerm', '-b', 'broker-a')).code).toBe(0);
    expect((await routePerms())['broker-a']).toBe(4);
    await setPerm(6);
    expect((await routePerms())['broker-a']).toBe(6);
  });
});
