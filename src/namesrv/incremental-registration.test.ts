// REGISTER_BROKER bodies that hold some of a broker's topics: an incremental one (the topics just
// created, a new DataVersion) adds or updates those and keeps the rest; only a registration the
// broker marks completeTopicTable=true drops the topics missing from it, whatever its version.
// Compressed bodies (RocketMQ's zlib line form) and the batches of a split registration decode
// and merge the same way.
import { deflateSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../common/logger.js';
import { bodyCrc32 } from '../message/record-codec.js';
import {
  encodeCompressedRegisterLayout,
  encodeRegisterBrokerBody,
} from '../protocol/bodies/register-broker-body.js';
import { decodeRegisterBrokerBody } from '../protocol/bodies/route-data.js';
import { decodeTopicList } from '../protocol/bodies/topic-list.js';
import { createRequest } from '../protocol/remoting-command.js';
import { RequestCode } from '../protocol/request-code.js';
import { ResponseCode } from '../protocol/response-code.js';
import { RemotingClient } from '../remoting/remoting-client.js';
import { NamesrvController } from './namesrv-controller.js';

const log = silentLogger();
let namesrv: NamesrvController | undefined;
let client: RemotingClient | undefined;

afterEach(async () => {
  client?.close();
  await namesrv?.shutdown();
});

async function start(): Promise<string> {
  namesrv = new NamesrvController(
    { listenPort: 0, bindAddress: '127.0.0.1', brokerChannelExpiredTime: 120_000 },
    log,
  );
  await namesrv.start();
  client = new RemotingClient(log);
  return `127.0.0.1:${namesrv.port}`;
}

const topic = (name: string, queues = 4) => ({
  topicName: name,
  readQueueNums: queues,
  writeQueueNums: queues,
  perm: 6,
  topicSysFlag: 0,
});

interface Reg {
  topics: string[];
  counter: number;
  complete?: boolean;
  compressed?: boolean;
  queues?: number;
}

async function register(ns: string, r: Reg): Promise<void> {
  const input = {
    dataVersion: { counter: r.counter, timestamp: 1, stateVersion: 0 },
    topics: r.topics.map((t) => topic(t, r.queues)),
  };
  const body = r.compressed
    ? deflateSync(encodeCompressedRegisterLayout(input))
    : encodeRegisterBrokerBody(input);
  const header: Record<string, string | number | boolean> = {
    brokerName: 'broker-a',
    brokerAddr: '127.0.0.1:10911',
    clusterName: 'DefaultCluster',
    haServerAddr: '127.0.0.1:10912',
    brokerId: 0,
    compressed: r.compressed ?? false,
    bodyCrc32: bodyCrc32(body),
  };
  if (r.complete) header.completeTopicTable = true;
  const res = await client!.invoke(ns, createRequest(RequestCode.REGISTER_BROKER, 0, header, body));
  expect(res.code, res.remark).toBe(ResponseCode.SUCCESS);
}

async function topics(ns: string): Promise<string[]> {
  const res = await client!.invoke(
    ns,
    createRequest(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, 0),
  );
  return decodeTopicList(res.body!).topicList;
}

async function writeQueues(ns: string, t: string): Promise<number | undefined> {
  const res = await client!.invoke(
    ns,
    createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, 0, { topic: t }),
  );
  if (res.code !== ResponseCode.SUCCESS) return undefined;
  return (JSON.parse(res.body!.toString()) as { queueDatas: { writeQueueNums: number }[] })
    .queueDatas[0]?.writeQueueNums;
}

describe('name server: partial and complete registrations', () => {
  it('an incremental registration adds and updates its topics and keeps the others', async () => {
    const ns = await start();
    await register(ns, { topics: ['A', 'B', 'C'], counter: 1, complete: true });
    await register(ns, { topics: ['D', 'E'], counter: 2 });
    await register(ns, { topics: ['B'], counter: 3, queues: 16 });
    expect(await topics(ns)).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(await writeQueues(ns, 'B')).toBe(16);
    expect(await writeQueues(ns, 'A')).toBe(4);
  });

  it('a complete registration drops the topics missing from it, even with an unchanged version', async () => {
    const ns = await start();
    await register(ns, { topics: ['A', 'B', 'C'], counter: 1, complete: true });
    await register(ns, { topics: ['A', 'C'], counter: 2, complete: true });
    expect(await topics(ns)).toEqual(['A', 'C']);
    // The delete's own registration missed; the periodic round (same version) still drops it.
    await register(ns, { topics: ['A', 'C', 'D'], counter: 3 });
    await register(ns, { topics: ['A', 'D'], counter: 3, complete: true });
    expect(await topics(ns)).toEqual(['A', 'D']);
  });

  it('a compressed body and the batches of a split registration merge the same way', async () => {
    const ns = await start();
    await register(ns, { topics: ['A', 'B'], counter: 1, complete: true, compressed: true });
    await register(ns, { topics: ['C'], counter: 2, compressed: true });
    await register(ns, { topics: ['D'], counter: 2, compressed: true }); // second batch
    expect(await topics(ns)).toEqual(['A', 'B', 'C', 'D']);
    await register(ns, { topics: ['A', 'C', 'D'], counter: 3, complete: true, compressed: true });
    expect(await topics(ns)).toEqual(['A', 'C', 'D']);
  });
});

describe('compressed REGISTER_BROKER layout (RegisterBrokerBody#encode with compress)', () => {
  it('matches the documented bytes and decodes back', () => {
    const input = {
      dataVersion: { counter: 7, timestamp: 9, stateVersion: 0 },
      topics: [topic('T1', 8), { ...topic('T2', 2), perm: 4, topicFilterType: 'MULTI_TAG' }],
    };
    const golden = Buffer.concat([
      Buffer.from('0000002c', 'hex'),
      Buffer.from('{"counter":7,"stateVersion":0,"timestamp":9}'),
      Buffer.from('00000002', 'hex'),
      Buffer.from('00000013', 'hex'),
      Buffer.from('T1 8 8 6 SINGLE_TAG'),
      Buffer.from('00000012', 'hex'),
      Buffer.from('T2 2 2 4 MULTI_TAG'),
      Buffer.from('00000002', 'hex'),
      Buffer.from('[]'),
      Buffer.from('00000000', 'hex'), // topicQueueMappingInfoMap: none
    ]);
    const layout = encodeCompressedRegisterLayout(input);
    expect(layout.toString('hex')).toBe(golden.toString('hex'));
    const body = decodeRegisterBrokerBody(deflateSync(layout), true);
    expect(body.dataVersion).toEqual(input.dataVersion);
    expect(body.topicConfigTable.T2).toMatchObject({
      readQueueNums: 2,
      perm: 4,
      topicFilterType: 'MULTI_TAG',
    });
    expect(Object.keys(body.topicConfigTable)).toEqual(['T1', 'T2']);
  });
});
