// A master and a SLAVE BrokerController in this process, on free loopback ports, no name server:
// the slave is told its master's address (what the register answer will supply) and its first
// sync rounds bring the master's topics over the VIP port. Proves the composition root's wiring
// and slaveSyncInterval.
import { afterEach, describe, expect, it } from 'vitest';
import { parseBrokerConfig } from '../../common/config/broker-config.js';
import type { ConfigValue } from '../../common/config/schema.js';
import { silentLogger } from '../../common/logger.js';
import { createRequest } from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import { RemotingClient } from '../../remoting/remoting-client.js';
import { TempDirs } from '../../store/store.fixture.js';
import { BrokerController } from '../broker-controller.js';

const dirs = new TempDirs('kitemq-slave-ctl-');
const started: BrokerController[] = [];
const client = new RemotingClient(silentLogger());

afterEach(async () => {
  for (const b of started.splice(0).reverse()) await b.shutdown();
  client.close();
  dirs.removeAll();
});

async function broker(over: Record<string, ConfigValue>): Promise<BrokerController> {
  const { config } = parseBrokerConfig('', 'broker.conf', {
    brokerIP1: '127.0.0.1',
    listenPort: 0,
    namesrvAddr: '',
    brokerName: 'broker-a',
    storePathRootDir: dirs.make(),
    ...over,
  });
  const b = new BrokerController(config, silentLogger());
  await b.start();
  started.push(b);
  return b;
}

async function topicsOf(addr: string): Promise<Record<string, unknown>> {
  const res = await client.invoke(addr, createRequest(RequestCode.GET_ALL_TOPIC_CONFIG, 0));
  return JSON.parse(res.body!.toString()).topicConfigTable;
}

describe('BrokerController as a SLAVE', () => {
  it("syncs the master's topics every slaveSyncInterval once it knows the master", async () => {
    const master = await broker({});
    const slave = await broker({ brokerId: 1, brokerRole: 'SLAVE', slaveSyncInterval: 200 });
    const create = (topic: string) =>
      client.invoke(
        master.brokerAddr,
        createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, 0, {
          topic,
          readQueueNums: 2,
          writeQueueNums: 2,
          perm: 6,
          topicFilterType: 'SINGLE_TAG',
        }),
      );
    expect((await create('First')).code).toBe(0);
    slave.setMasterAddress(master.brokerAddr);
    await untilOnSlave(slave, 'First');
    // A later round, not only the first, brings what the master created since.
    expect((await create('Second')).code).toBe(0);
    await untilOnSlave(slave, 'Second');
    expect((await topicsOf(slave.brokerAddr)).Second).toMatchObject({ readQueueNums: 2 });
  }, 40_000);
});

async function untilOnSlave(slave: BrokerController, topic: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await topicsOf(slave.brokerAddr))[topic]) {
    if (Date.now() > deadline) throw new Error(`the slave never synced ${topic}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
