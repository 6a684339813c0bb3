// Header serialization against real processes: the broker and the name server answer each
// request in the serialization it came in (checked on the raw bytes, a parked pull included),
// and our SDK sends and consumes in both modes, ROCKETMQ binary by default.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageExt } from '../../src/message/message.js';
import { encodeProperties } from '../../src/message/properties-codec.js';
import { buildPullSysFlag } from '../../src/protocol/headers/pull.js';
import { createRequest, SerializeType } from '../../src/protocol/remoting-command.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import { pullHeader, sendV2Header } from '../harness/raw-protocol.js';
import { RawSocket, RecordingProxy } from '../harness/raw-socket.js';
import { pushConsumer, startProducer } from '../harness/sdk.js';
import { waitFor } from '../harness/topics.js';

const topic = uniqueName('SerTopic');
const cluster = useCluster({ topics: [{ name: topic, queues: 2 }] });

const TYPES = [
  ['ROCKETMQ', SerializeType.ROCKETMQ],
  ['JSON', SerializeType.JSON],
] as const;

const sendRequest = (queueId: number, body: string) =>
  createRequest(
    RequestCode.SEND_MESSAGE_V2,
    0,
    sendV2Header(topic, queueId, encodeProperties({ TAGS: 'T' }), {
      reconsumeTimes: 0,
      unitMode: false,
    }),
    Buffer.from(body),
  );

describe('the servers answer in the request serialization', () => {
  let broker: RawSocket;
  let namesrv: RawSocket;
  beforeAll(async () => {
    broker = await RawSocket.open(cluster.brokerAddr);
    namesrv = await RawSocket.open(cluster.namesrv.addr);
  });
  afterAll(() => {
    broker?.close();
    namesrv?.close();
  });

  it.each(TYPES)('%s: a send, an unknown code and a route lookup', async (_name, type) => {
    const sent = await broker.exchange(sendRequest(0, `raw ${type}`), type);
    expect([sent.type, sent.cmd.code]).toEqual([type, ResponseCode.SUCCESS]);
    expect(sent.cmd.extFields.msgId).toMatch(/^[0-9A-F]{32}$/);
    expect(Number(sent.cmd.extFields.queueOffset)).toBeGreaterThanOrEqual(0);

    const unknown = await broker.exchange(createRequest(9999, 0), type);
    expect([unknown.type, unknown.cmd.code]).toEqual([
      type,
      ResponseCode.REQUEST_CODE_NOT_SUPPORTED,
    ]);
    expect(unknown.cmd.remark).toMatch(/not supported/);

    const route = await namesrv.exchange(
      createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, 0, { topic }),
      type,
    );
    expect([route.type, route.cmd.code]).toEqual([type, ResponseCode.SUCCESS]);
    expect(JSON.parse(route.cmd.body!.toString()).queueDatas).toHaveLength(1);
  });

  it.each(TYPES)('%s: a pull parked until a message arrives', async (_name, type) => {
    const queueId = 1;
    const before = await broker.exchange(
      createRequest(RequestCode.GET_MAX_OFFSET, 0, { topic, queueId }),
      type,
    );
    expect(before.type).toBe(type);
    const offset = Number(before.cmd.extFields.offset);
    const sysFlag = buildPullSysFlag({ commitOffset: false, suspend: true, subscription: true });
    const parked = broker.exchange(
      createRequest(
        RequestCode.PULL_MESSAGE,
        0,
        pullHeader(uniqueName('GPULL'), topic, queueId, offset, {
          sysFlag,
          suspendTimeoutMillis: 30_000,
          subscription: '*',
        }),
      ),
      type,
    );
    // The other serialization for the send, so the pull's answer cannot borrow its type.
    const other = type === SerializeType.ROCKETMQ ? SerializeType.JSON : SerializeType.ROCKETMQ;
    const sender = await RawSocket.open(cluster.brokerAddr);
    try {
      let pulled: Awaited<typeof parked> | undefined;
      void parked.then((p) => {
        pulled = p;
      });
      // A send that lands before the pull is parked is found by the pull at once; either way the
      // pull is answered with that message.
      const sent = await sender.exchange(sendRequest(queueId, `parked ${type}`), other);
      expect([sent.type, sent.cmd.code]).toEqual([other, ResponseCode.SUCCESS]);
      await waitFor(() => pulled !== undefined, 30_000, 'the parked pull answered');
      expect([pulled!.type, pulled!.cmd.code]).toEqual([type, ResponseCode.SUCCESS]);
      expect(pulled!.cmd.body!.length).toBeGreaterThan(0);
    } finally {
      sender.close();
    }
  });
});

describe('the SDK in each serialization', () => {
  it.each([
    ['ROCKETMQ', SerializeType.ROCKETMQ],
    ['JSON', SerializeType.JSON],
    ['default', SerializeType.ROCKETMQ],
  ] as const)('%s: sends and consumes, speaking it to the name server', async (name, type) => {
    const proxy = await RecordingProxy.start(cluster.namesrv.addr);
    const opts = name === 'default' ? {} : { serializeType: name };
    const t = uniqueName(`Ser${name}`);
    try {
      await cluster.createTopic(t, 2);
      const producer = await startProducer(proxy.addr, opts);
      const N = 30;
      for (let i = 0; i < N; i++) {
        const r = await producer.send({ topic: t, body: `${name} ${i}`, keys: [`k${i}`] });
        expect(r.sendStatus).toBe('SEND_OK');
      }
      await producer.shutdown();
      const got = new Map<string, MessageExt>();
      const consumer = pushConsumer(proxy.addr, uniqueName('GSER'), {
        ...opts,
        consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      });
      consumer.subscribe(t, '*').registerMessageListener((msgs) => {
        for (const m of msgs) got.set(m.body.toString(), m);
        return 'CONSUME_SUCCESS';
      });
      await consumer.start();
      await waitFor(() => got.size >= N, 60_000, `${N} messages consumed`);
      await consumer.shutdown();
      expect(got.size).toBe(N);
      expect(got.get(`${name} 7`)!.properties.KEYS).toBe('k7');
      expect(proxy.sent.length).toBeGreaterThan(0);
      expect(new Set(proxy.sent)).toEqual(new Set([type]));
      expect(new Set(proxy.received)).toEqual(new Set([type]));
    } finally {
      await proxy.close();
    }
  });
});
