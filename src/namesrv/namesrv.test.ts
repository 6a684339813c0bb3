import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../common/logger.js';
import { bodyCrc32 } from '../message/record-codec.js';
import { createRequest } from '../protocol/remoting-command.js';
import { RequestCode } from '../protocol/request-code.js';
import { ResponseCode } from '../protocol/response-code.js';
import { RemotingClient } from '../remoting/remoting-client.js';
import { NamesrvController } from './namesrv-controller.js';

const log = silentLogger();
let namesrv: NamesrvController | undefined;
const clients: RemotingClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await namesrv?.shutdown();
});

async function start(now?: () => number): Promise<string> {
  namesrv = new NamesrvController(
    { listenPort: 0, bindAddress: '127.0.0.1', brokerChannelExpiredTime: 120_000 },
    log,
    { now },
  );
  await namesrv.start();
  return `127.0.0.1:${namesrv.port}`;
}

/** One request to the name server at `ns`, answered. */
const ask = (
  c: RemotingClient,
  ns: string,
  code: number,
  fields: Record<string, string | number> = {},
) => c.invoke(ns, createRequest(code, 0, fields));

function client(): RemotingClient {
  const c = new RemotingClient(log);
  clients.push(c);
  return c;
}

function registerBody(topics: string[]): Buffer {
  const table = Object.fromEntries(
    topics.map((t) => [
      t,
      { topicName: t, readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 },
    ]),
  );
  return Buffer.from(
    JSON.stringify({
      filterServerList: [],
      topicConfigSerializeWrapper: {
        dataVersion: { counter: 1, timestamp: 1 },
        topicConfigTable: table,
      },
    }),
  );
}

async function register(
  c: RemotingClient,
  ns: string,
  brokerAddr: string,
  topics: string[],
  crc?: number,
) {
  const body = registerBody(topics);
  return c.invoke(
    ns,
    createRequest(
      RequestCode.REGISTER_BROKER,
      0,
      {
        brokerName: 'broker-a',
        brokerAddr,
        clusterName: 'DefaultCluster',
        haServerAddr: '127.0.0.1:10912',
        brokerId: 0,
        bodyCrc32: crc ?? bodyCrc32(body),
      },
      body,
    ),
  );
}

describe('name server', () => {
  it('registers a broker and serves routes in the form each client version expects', async () => {
    const ns = await start();
    const broker = client();
    expect((await register(broker, ns, '127.0.0.1:10911', ['T1', 'T2'])).code).toBe(0);
    const c = client();
    const old = await c.invoke(ns, {
      ...createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, 0, { topic: 'T1' }),
      version: 121,
    });
    expect(old.code).toBe(0);
    expect(old.body!.toString()).toContain('"brokerAddrs":{0:"127.0.0.1:10911"}');
    const modern = await ask(c, ns, RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T1' });
    expect(JSON.parse(modern.body!.toString()).queueDatas[0]).toMatchObject({
      brokerName: 'broker-a',
      writeQueueNums: 4,
    });
    const missing = await ask(c, ns, RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'Nope' });
    expect(missing.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    expect(missing.remark).toContain('No topic route info in name server for the topic: Nope');
    const list = await ask(c, ns, RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER);
    expect(JSON.parse(list.body!.toString()).topicList).toEqual(['T1', 'T2']);
    const cluster = await ask(c, ns, RequestCode.GET_BROKER_CLUSTER_INFO);
    expect(JSON.parse(cluster.body!.toString()).clusterAddrTable).toEqual({
      DefaultCluster: ['broker-a'],
    });
  });

  it('rejects a body whose crc32 does not match', async () => {
    const ns = await start();
    const r = await register(client(), ns, '127.0.0.1:10911', ['T'], 12345);
    expect(r.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(r.remark).toContain('crc32');
  });

  it('forgets a broker when it unregisters and when its connection closes', async () => {
    const ns = await start();
    const c = client();
    const broker = client();
    await register(broker, ns, '127.0.0.1:10911', ['T']);
    await ask(broker, ns, RequestCode.UNREGISTER_BROKER, {
      brokerName: 'broker-a',
      brokerAddr: '127.0.0.1:10911',
      clusterName: 'DefaultCluster',
      brokerId: 0,
    });
    expect((await ask(c, ns, RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T' })).code).toBe(
      ResponseCode.TOPIC_NOT_EXIST,
    );
    const broker2 = new RemotingClient(log);
    await register(broker2, ns, '127.0.0.1:10911', ['T']);
    expect((await ask(c, ns, RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T' })).code).toBe(0);
    broker2.close();
    // The name server forgets the broker once it has seen the close; poll for that, not a sleep.
    const routeCode = async () =>
      (await ask(c, ns, RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T' })).code;
    const deadline = Date.now() + 15_000;
    let code = await routeCode();
    while (code !== ResponseCode.TOPIC_NOT_EXIST && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      code = await routeCode();
    }
    expect(code).toBe(ResponseCode.TOPIC_NOT_EXIST);
  });

  it('expires a broker silent for longer than 120 s (fake clock)', async () => {
    let now = 1_000_000;
    const ns = await start(() => now);
    await register(client(), ns, '127.0.0.1:10911', ['T']);
    now += 119_000;
    expect(namesrv!.routes.scanNotActiveBroker()).toBe(0);
    now += 2_000;
    expect(namesrv!.routes.scanNotActiveBroker()).toBe(1);
    expect(namesrv!.routes.pickupTopicRouteData('T')).toBeUndefined();
  });

  // Found by test/integration/fuzz-wire.test.ts: answered as 'SyntaxError: …' / 'TypeError: …'.
  it('answers a QUERY_DATA_VERSION body that is no DataVersion with SYSTEM_ERROR and a remark', async () => {
    const ns = await start();
    const c = client();
    for (const body of ['{"cunter"timestamp":1}', 'null', '\u0000\u0001']) {
      const r = await c.invoke(
        ns,
        createRequest(
          RequestCode.QUERY_DATA_VERSION,
          0,
          { brokerAddr: '127.0.0.1:1' },
          Buffer.from(body),
        ),
      );
      expect(r.code, body).toBe(ResponseCode.SYSTEM_ERROR);
      expect(r.remark, body).toMatch(/^DataVersion body is not (JSON|a JSON object)/);
    }
  });

  it('answers unknown codes with REQUEST_CODE_NOT_SUPPORTED and serves KV config', async () => {
    const ns = await start();
    const c = client();
    const r = await ask(c, ns, 217, { topic: 'T' });
    expect(r.code).toBe(ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
    await ask(c, ns, RequestCode.PUT_KV_CONFIG, {
      namespace: 'ORDER_TOPIC_CONFIG',
      key: 'T',
      value: 'broker-a:4',
    });
    const v = await ask(c, ns, RequestCode.GET_KV_CONFIG, {
      namespace: 'ORDER_TOPIC_CONFIG',
      key: 'T',
    });
    expect(v.extFields.value).toBe('broker-a:4');
    const none = await ask(c, ns, RequestCode.GET_KV_CONFIG, { namespace: 'X', key: 'Y' });
    expect(none.code).toBe(ResponseCode.QUERY_NOT_FOUND);
  });
});
