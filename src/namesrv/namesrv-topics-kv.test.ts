// Name-server topic lists and KV config at processor level, read back through the body codecs:
// GET_ALL_TOPIC_LIST_FROM_NAMESERVER (206) and GET_TOPICS_BY_CLUSTER (224) TopicList,
// DELETE_TOPIC_IN_NAMESRV (216) with and without a cluster, DELETE_KV_CONFIG (102) and
// GET_KVLIST_BY_NAMESPACE (219) KVTable, and GET_BROKER_CLUSTER_INFO (106) ClusterInfo.
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../common/logger.js';
import { bodyCrc32 } from '../message/record-codec.js';
import { decodeKvTable } from '../protocol/bodies/kv-table.js';
import { decodeClusterInfo } from '../protocol/bodies/route-data.js';
import { decodeTopicList } from '../protocol/bodies/topic-list.js';
import { createRequest } from '../protocol/remoting-command.js';
import { RequestCode } from '../protocol/request-code.js';
import { ResponseCode } from '../protocol/response-code.js';
import { RemotingClient } from '../remoting/remoting-client.js';
import { NamesrvController } from './namesrv-controller.js';

const log = silentLogger();
let namesrv: NamesrvController | undefined;
let c: RemotingClient | undefined;

afterEach(async () => {
  c?.close();
  await namesrv?.shutdown();
});

async function start(): Promise<string> {
  namesrv = new NamesrvController(
    { listenPort: 0, bindAddress: '127.0.0.1', brokerChannelExpiredTime: 120_000 },
    log,
  );
  await namesrv.start();
  c = new RemotingClient(log);
  return `127.0.0.1:${namesrv.port}`;
}

const ask = (ns: string, code: number, fields: Record<string, string> = {}, body?: Buffer) =>
  c!.invoke(ns, createRequest(code, 0, fields, body));

async function register(ns: string, cluster: string, brokerName: string, topics: string[]) {
  const topicConfigTable = Object.fromEntries(
    topics.map((t) => [t, { topicName: t, readQueueNums: 2, writeQueueNums: 2, perm: 6 }]),
  );
  const body = Buffer.from(
    JSON.stringify({
      filterServerList: [],
      topicConfigSerializeWrapper: { dataVersion: { counter: 1, timestamp: 1 }, topicConfigTable },
    }),
  );
  const res = await ask(
    ns,
    RequestCode.REGISTER_BROKER,
    {
      brokerName,
      brokerAddr: `127.0.0.1:${brokerName.length + 10_000}`,
      clusterName: cluster,
      haServerAddr: '',
      brokerId: '0',
      bodyCrc32: String(bodyCrc32(body)),
    },
    body,
  );
  expect(res.code).toBe(ResponseCode.SUCCESS);
}

const topicsOf = async (ns: string, cluster?: string) => {
  const res =
    cluster === undefined
      ? await ask(ns, RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER)
      : await ask(ns, RequestCode.GET_TOPICS_BY_CLUSTER, { cluster });
  expect(res.code).toBe(ResponseCode.SUCCESS);
  return decodeTopicList(res.body);
};

describe('name server topic lists', () => {
  it('lists every topic, and those of one cluster, as a TopicList without brokerAddr', async () => {
    const ns = await start();
    await register(ns, 'ClusterA', 'broker-a', ['Shared', 'OnlyA']);
    await register(ns, 'ClusterB', 'broker-bb', ['Shared', 'OnlyB']);
    expect(await topicsOf(ns)).toEqual({ topicList: ['OnlyA', 'OnlyB', 'Shared'] });
    expect(await topicsOf(ns, 'ClusterB')).toEqual({ topicList: ['OnlyB', 'Shared'] });
    expect(await topicsOf(ns, 'NoSuchCluster')).toEqual({ topicList: [] });
    const bare = await ask(ns, RequestCode.GET_TOPICS_BY_CLUSTER);
    expect(bare.code).not.toBe(ResponseCode.SUCCESS);
    expect(bare.remark).toMatch(/cluster/);
  });

  it('deletes a topic from one cluster or from all, and the cluster info keeps the brokers', async () => {
    const ns = await start();
    await register(ns, 'ClusterA', 'broker-a', ['Shared', 'OnlyA']);
    await register(ns, 'ClusterB', 'broker-bb', ['Shared']);
    const one = await ask(ns, RequestCode.DELETE_TOPIC_IN_NAMESRV, {
      topic: 'Shared',
      clusterName: 'ClusterA',
    });
    expect(one.code).toBe(ResponseCode.SUCCESS);
    expect(await topicsOf(ns, 'ClusterA')).toEqual({ topicList: ['OnlyA'] });
    expect(await topicsOf(ns, 'ClusterB')).toEqual({ topicList: ['Shared'] });
    await ask(ns, RequestCode.DELETE_TOPIC_IN_NAMESRV, { topic: 'Shared' });
    expect(await topicsOf(ns)).toEqual({ topicList: ['OnlyA'] });
    const info = decodeClusterInfo((await ask(ns, RequestCode.GET_BROKER_CLUSTER_INFO)).body!);
    expect(info.clusterAddrTable).toEqual({ ClusterA: ['broker-a'], ClusterB: ['broker-bb'] });
  });
});

describe('name server KV config', () => {
  it('lists a namespace as a KVTable, and forgets a deleted key', async () => {
    const ns = await start();
    for (const [key, value] of [
      ['TopicA', 'broker-a:8'],
      ['TopicB', 'broker-a:4'],
    ]) {
      const put = await ask(ns, RequestCode.PUT_KV_CONFIG, {
        namespace: 'ORDER_TOPIC_CONFIG',
        key: key!,
        value: value!,
      });
      expect(put.code).toBe(ResponseCode.SUCCESS);
    }
    const list = async () =>
      ask(ns, RequestCode.GET_KVLIST_BY_NAMESPACE, { namespace: 'ORDER_TOPIC_CONFIG' });
    expect(decodeKvTable((await list()).body)).toEqual({
      TopicA: 'broker-a:8',
      TopicB: 'broker-a:4',
    });
    const del = await ask(ns, RequestCode.DELETE_KV_CONFIG, {
      namespace: 'ORDER_TOPIC_CONFIG',
      key: 'TopicA',
    });
    expect(del.code).toBe(ResponseCode.SUCCESS);
    expect(decodeKvTable((await list()).body)).toEqual({ TopicB: 'broker-a:4' });
    const gone = await ask(ns, RequestCode.GET_KV_CONFIG, {
      namespace: 'ORDER_TOPIC_CONFIG',
      key: 'TopicA',
    });
    expect(gone.code).toBe(ResponseCode.QUERY_NOT_FOUND);
  });

  it('answers QUERY_NOT_FOUND for an unknown namespace, SUCCESS for deleting an unknown key', async () => {
    const ns = await start();
    const none = await ask(ns, RequestCode.GET_KVLIST_BY_NAMESPACE, { namespace: 'Nothing' });
    expect(none.code).toBe(ResponseCode.QUERY_NOT_FOUND);
    expect(none.remark).toBe('No config item, Namespace: Nothing');
    const del = await ask(ns, RequestCode.DELETE_KV_CONFIG, { namespace: 'Nothing', key: 'k' });
    expect(del.code).toBe(ResponseCode.SUCCESS);
    const bare = await ask(ns, RequestCode.DELETE_KV_CONFIG, { namespace: 'Nothing' });
    expect(bare.code).not.toBe(ResponseCode.SUCCESS);
    expect(bare.remark).toMatch(/key/);
  });
});
