// The name server's KV config and run-time config survive a restart: updateOrderConf lands in
// kvConfigPath (RocketMQ's {"configTable":…} file) and, with orderMessageEnable set through
// updateNamesrvConfig (written into the -c file), topicRoute carries orderTopicConf; after a
// restart both are read back and the route shows it again once the broker re-registers.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCluster } from '../harness/cluster.js';
import { pollUntil } from '../harness/poll.js';
import { uniqueName } from '../harness/processes.js';
import { runBin } from '../harness/run-bin.js';

const topic = uniqueName('OrderConf');
// The shortest registration period, so a restarted name server gets its routes back soon.
const cluster = useCluster({
  brokerConfig: { registerNameServerPeriod: 10_000 },
  topics: [{ name: topic, queues: 2 }],
});
const ROUTE_BACK_MS = 90_000;

const mqadmin = (...args: string[]) => runBin('mqadmin', [...args, '-n', cluster.namesrvAddr]);

async function ok(...args: string[]): Promise<string> {
  const r = await mqadmin(...args);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

/** topicRoute --json, or undefined while the name server has no route for the topic. */
async function route(): Promise<{ orderTopicConf?: string; queueDatas: unknown[] } | undefined> {
  const r = await mqadmin('topicRoute', '-t', topic, '--json');
  return r.code === 0 ? JSON.parse(r.stdout) : undefined;
}

describe('name server persistence', () => {
  it('updateOrderConf shows in topicRoute with orderMessageEnable, and both survive a restart', async () => {
    const ns = cluster.namesrv;
    await ok('updateOrderConf', '-t', topic, '-m', 'put', '-v', 'broker-a:2');
    // RocketMQ's default: the KV value is kept but routes leave it out.
    expect(await route()).not.toHaveProperty('orderTopicConf');
    await ok('updateNamesrvConfig', '-k', 'orderMessageEnable', '-v', 'true');
    expect(readFileSync(ns.confPath, 'utf8')).toMatch(/^orderMessageEnable=true$/m);
    expect((await route())?.orderTopicConf).toBe('broker-a:2');
    expect(JSON.parse(readFileSync(ns.kvConfigPath, 'utf8'))).toEqual({
      configTable: { ORDER_TOPIC_CONFIG: { [topic]: 'broker-a:2' } },
    });
    // The harness's kvConfigPath, not the process's $HOME/namesrv/kvConfig.json.
    expect(existsSync(join(ns.storeDir, 'namesrv'))).toBe(false);

    await ns.restart();
    expect(await ok('updateOrderConf', '-t', topic, '-m', 'get')).toBe(
      `get orderConf success. topic=[${topic}], orderConf=[broker-a:2]\n`,
    );
    const cfg = JSON.parse(await ok('getNamesrvConfig', '--json')) as Record<
      string,
      Record<string, string>
    >;
    expect(cfg[ns.addr]!.orderMessageEnable).toBe('true');
    const back = await pollUntil(route, (r) => r !== undefined, ROUTE_BACK_MS, 500);
    expect(back?.orderTopicConf).toBe('broker-a:2');

    await ok('updateOrderConf', '-t', topic, '-m', 'delete');
    await ns.restart();
    const gone = await mqadmin('updateOrderConf', '-t', topic, '-m', 'get');
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(`no orderConf for topic ${topic}`);
  });
});
