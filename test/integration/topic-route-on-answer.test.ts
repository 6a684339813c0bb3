// A topic change is in every name server's routes by the time the broker answers it (RocketMQ
// registers first, then answers: AdminBrokerProcessor#updateAndCreateTopic), so
// `mqadmin updateTopic … && start-producer` works. One broker, two name servers.
import { beforeAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../../src/client/admin.js';
import { Producer } from '../../src/client/producer.js';
import { silentLogger } from '../../src/common/logger.js';
import { decodeTopicRouteData } from '../../src/protocol/bodies/route-data.js';
import { createRequest, type RemotingCommand } from '../../src/protocol/remoting-command.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { useCluster } from '../harness/cluster.js';
import { type NamesrvHandle, uniqueName } from '../harness/processes.js';
import { waitForAsync } from '../harness/topics.js';

const ROUNDS = 50;

const cluster = useCluster({ namesrvs: 2 });
let ns1: NamesrvHandle;
let ns2: NamesrvHandle;

beforeAll(async () => {
  [ns1, ns2] = cluster.namesrvs as [NamesrvHandle, NamesrvHandle];
  // The broker's first registration reaches both before the tests start.
  for (const ns of [ns1, ns2]) {
    await waitForAsync(
      async () => (await route(ns.addr, 'TBW102')).code === ResponseCode.SUCCESS,
      30_000,
      `the broker registered with ${ns.addr}`,
    );
  }
});

function route(namesrvAddr: string, topic: string): Promise<RemotingCommand> {
  return cluster.client.invoke(
    namesrvAddr,
    createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, 0, { topic }),
  );
}

function createTopicRaw(topic: string, perm = 6, timeoutMs = 10_000): Promise<RemotingCommand> {
  return cluster.raw.call(
    RequestCode.UPDATE_AND_CREATE_TOPIC,
    {
      topic,
      defaultTopic: 'TBW102',
      readQueueNums: 2,
      writeQueueNums: 2,
      perm,
      topicFilterType: 'SINGLE_TAG',
      topicSysFlag: 0,
      order: false,
    },
    undefined,
    timeoutMs,
  );
}

describe('a topic change is routable once the broker answers it', () => {
  it(`createTopic then send at once: ${ROUNDS} new topics in a row, every send succeeds`, async () => {
    const admin = new AdminClient({
      namesrvAddr: cluster.namesrvAddr,
      logger: silentLogger(),
    });
    // One producer per name-server order, so both name servers answer route lookups.
    const producers = [cluster.namesrvAddr, `${ns2.addr};${ns1.addr}`].map(
      (namesrvAddr) =>
        new Producer({
          namesrvAddr,
          producerGroup: uniqueName('RoutePG'),
          logger: silentLogger(),
        }),
    );
    try {
      for (const p of producers) await p.start();
      const failures: string[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const topic = uniqueName('RouteNow');
        await admin.createTopic({
          topic,
          brokerAddr: cluster.brokerAddr,
          readQueueNums: 2,
          writeQueueNums: 2,
        });
        try {
          const r = await producers[i % 2]!.send({ topic, body: `m${i}` });
          if (r.sendStatus !== 'SEND_OK') failures.push(`${topic}: ${r.sendStatus}`);
        } catch (err) {
          failures.push(`${topic}: ${(err as Error).message}`);
        }
      }
      expect(failures).toEqual([]);
    } finally {
      for (const p of producers) await p.shutdown();
      admin.close();
    }
  });

  it("a heartbeat's %RETRY%<group> is in both name servers' routes once the heartbeat is answered", async () => {
    const missing: string[] = [];
    for (let i = 0; i < 10; i++) {
      const group = uniqueName('RouteCG');
      const hb = await cluster.raw.heartbeat(uniqueName('client'), group, ['TBW102']);
      expect(hb.code).toBe(ResponseCode.SUCCESS);
      for (const ns of [ns1, ns2]) {
        const r = await route(ns.addr, `%RETRY%${group}`);
        if (r.code !== ResponseCode.SUCCESS) missing.push(`%RETRY%${group} on ${ns.addr}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('a perm change and a deletion are in both name servers once answered', async () => {
    const stale: string[] = [];
    for (let i = 0; i < 10; i++) {
      const topic = uniqueName('RouteChange');
      expect((await createTopicRaw(topic)).code).toBe(ResponseCode.SUCCESS);
      expect((await createTopicRaw(topic, 4)).code).toBe(ResponseCode.SUCCESS); // read-only
      for (const ns of [ns1, ns2]) {
        const r = await route(ns.addr, topic);
        const perm = r.body ? decodeTopicRouteData(r.body).queueDatas[0]?.perm : undefined;
        if (perm !== 4) stale.push(`${topic} on ${ns.addr}: perm ${perm} (code ${r.code})`);
      }
      const del = await cluster.raw.call(RequestCode.DELETE_TOPIC_IN_BROKER, { topic });
      expect(del.code).toBe(ResponseCode.SUCCESS);
      for (const ns of [ns1, ns2]) {
        const r = await route(ns.addr, topic);
        if (r.code !== ResponseCode.TOPIC_NOT_EXIST)
          stale.push(`${topic} on ${ns.addr}: still routed`);
      }
    }
    expect(stale).toEqual([]);
  });

  it('a send auto-creating its topic, and a send-back creating %DLQ%<group>, are routed once answered', async () => {
    const missing: string[] = [];
    for (let i = 0; i < 5; i++) {
      const topic = uniqueName('RouteAuto');
      expect((await cluster.raw.send(topic, 0, `auto${i}`)).code).toBe(ResponseCode.SUCCESS);
      for (const ns of [ns1, ns2]) {
        if ((await route(ns.addr, topic)).code !== ResponseCode.SUCCESS)
          missing.push(`${topic} on ${ns.addr}`);
      }
      const group = uniqueName('RouteDlqCG');
      const pulled = await cluster.raw.pull(topic, group, 0, 0, { subscription: '*' });
      const m = pulled.msgs[0];
      if (!m) throw new Error(`no message pulled from ${topic} (code ${pulled.code})`);
      const back = await cluster.raw.call(RequestCode.CONSUMER_SEND_MSG_BACK, {
        offset: m.commitLogOffset,
        group,
        delayLevel: -1, // straight to the dead-letter queue
        originMsgId: m.offsetMsgId,
        originTopic: topic,
        unitMode: false,
      });
      expect(back.code).toBe(ResponseCode.SUCCESS);
      for (const ns of [ns1, ns2]) {
        if ((await route(ns.addr, `%DLQ%${group}`)).code !== ResponseCode.SUCCESS)
          missing.push(`%DLQ%${group} on ${ns.addr}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

// Last: these stop and pause name servers.
describe('a name server that misses the update', () => {
  it('stopped: creation answers SUCCESS naming it, and the topic routes through the live one', async () => {
    await ns2.stop();
    const topic = uniqueName('RouteHalf');
    // A refused connection is a miss at once; the bound on a silent one is the next test's.
    const res = await createTopicRaw(topic, 6, 10_000);
    expect(res.code).toBe(ResponseCode.SUCCESS);
    expect(res.remark ?? '').toContain(ns2.addr);
    expect(res.remark ?? '').not.toContain(ns1.addr);
    expect((await route(ns1.addr, topic)).code).toBe(ResponseCode.SUCCESS);
    const producer = new Producer({
      namesrvAddr: ns1.addr,
      producerGroup: uniqueName('RoutePG'),
      logger: silentLogger(),
    });
    try {
      await producer.start();
      const r = await producer.send({ topic, body: 'half' });
      expect(r.sendStatus).toBe('SEND_OK');
    } finally {
      await producer.shutdown();
    }
    // The SDK (and mqadmin updateTopic, which prints it) hands the broker's remark on.
    const admin = new AdminClient({ namesrvAddr: ns1.addr, logger: silentLogger() });
    try {
      const created = await admin.createTopic({
        topic: uniqueName('RouteHalfSdk'),
        brokerAddr: cluster.brokerAddr,
      });
      expect(created.map((c) => c.brokerAddr)).toEqual([cluster.brokerAddr]);
      expect(created[0]?.warning ?? '').toContain(ns2.addr);
    } finally {
      admin.close();
    }
  });

  it('hung (SIGSTOP): creation still answers within a client timeout, naming it', async () => {
    ns1.proc.kill('SIGSTOP');
    try {
      const topic = uniqueName('RouteHung');
      // Without a bound on the wait the broker would hold the answer for the register timeout.
      const res = await createTopicRaw(topic, 6, 10_000);
      expect(res.code).toBe(ResponseCode.SUCCESS);
      expect(res.remark ?? '').toContain(ns1.addr);
    } finally {
      ns1.proc.kill('SIGCONT');
    }
  });
});
