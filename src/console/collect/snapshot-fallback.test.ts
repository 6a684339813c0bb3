// collectSnapshot over two in-process brokers, one of which plays an Apache RocketMQ broker: it
// answers KITEMQ_GET_BROKER_CONSOLE_SNAPSHOT with REQUEST_CODE_NOT_SUPPORTED, as a broker without
// the processor does. The name server's two answers are encoded with our codecs; every broker
// request reaches the broker's real processors. The KiteMQ master's summary gives every group
// and topic; the other falls back to a connection list per watched group, a max offset per DLQ
// topic and its consume stats' offsets, and the snapshot notes it without an error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type InProcessBroker,
  openInProcessBroker,
} from '../../broker/in-process-broker.fixture.js';
import { newSubscriptionGroupConfig } from '../../broker/managers/subscription-group-manager.js';
import type { AdminClient } from '../../client/admin.js';
import { encodeClusterInfo } from '../../protocol/bodies/route-data.js';
import { encodeTopicList } from '../../protocol/bodies/topic-list.js';
import { createResponse, type RemotingCommand } from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { collectSnapshot } from './snapshot.js';

const NAMESRV = '127.0.0.1:9876';
const KITE = '127.0.0.1:10911';
const APACHE = '127.0.0.1:10921';
let kite: InProcessBroker;
let apache: InProcessBroker;
const asked: { addr: string; code: number }[] = [];

function heartbeat(h: InProcessBroker, group: string, clientID: string) {
  const body = {
    clientID,
    producerDataSet: [],
    consumerDataSet: [
      {
        groupName: group,
        consumeType: 'CONSUME_PASSIVELY',
        messageModel: 'CLUSTERING',
        consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
        subscriptionDataSet: [{ topic: 'T', subString: '*', subVersion: 1 }],
      },
    ],
  };
  return h.request(RequestCode.HEART_BEAT, {}, Buffer.from(JSON.stringify(body)), h.connect());
}

function namesrvAnswer(req: RemotingCommand): RemotingCommand {
  const body =
    req.code === RequestCode.GET_BROKER_CLUSTER_INFO
      ? encodeClusterInfo(
          {
            brokerAddrTable: {
              'broker-k': { brokerName: 'broker-k', cluster: 'C', brokerAddrs: { 0: KITE } },
              'broker-r': { brokerName: 'broker-r', cluster: 'C', brokerAddrs: { 0: APACHE } },
            },
            clusterAddrTable: { C: ['broker-k', 'broker-r'] },
          },
          true,
        )
      : encodeTopicList({ topicList: ['T', 'U', '%DLQ%G'] });
  return createResponse(req, ResponseCode.SUCCESS, undefined, {}, body);
}

/** The admin's transport: the name server's two answers, and each broker's own processors. */
const admin = {
  instance: {
    remoting: {
      async invoke(addr: string, req: RemotingCommand): Promise<RemotingCommand> {
        asked.push({ addr, code: req.code });
        if (addr === NAMESRV) return namesrvAnswer(req);
        const h = addr === KITE ? kite : apache;
        if (h === apache && req.code === RequestCode.KITEMQ_GET_BROKER_CONSOLE_SNAPSHOT)
          return createResponse(req, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, 'not supported');
        return h.request(req.code, req.extFields, req.body);
      },
    },
  },
} as unknown as AdminClient;

beforeAll(async () => {
  kite = await openInProcessBroker({ brokerName: 'broker-k' });
  apache = await openInProcessBroker({ brokerName: 'broker-r' });
  for (const h of [kite, apache]) {
    h.createTopic('T', 2);
    h.createTopic('U', 2);
    h.createTopic('%DLQ%G', 1);
    await h.send('T', ['a', 'b']);
    await h.send('U', ['x', 'y', 'z']);
    await h.send('%DLQ%G', ['dead']);
    await heartbeat(h, 'G', 'client-1');
    h.ctx.offsets.commitOffset('G', 'T', 0, 1);
  }
  // Only the Apache-like broker knows Other; nobody watches it.
  apache.ctx.groups.upsert(newSubscriptionGroupConfig('Other'));
});

afterAll(async () => {
  await kite?.close();
  await apache?.close();
});

describe('collectSnapshot with an Apache RocketMQ master', () => {
  it('falls back there for watched groups, DLQ and topic offsets, and notes it calmly', async () => {
    const s = await collectSnapshot(admin, NAMESRV, { watchGroups: ['G'] });
    const per = (addr: string, code: number) =>
      asked.filter((a) => a.addr === addr && a.code === code).length;
    expect(per(APACHE, RequestCode.GET_CONSUMER_CONNECTION_LIST)).toBe(1);
    expect(per(APACHE, RequestCode.GET_MAX_OFFSET)).toBe(1);
    expect(per(KITE, RequestCode.GET_CONSUMER_CONNECTION_LIST)).toBe(0);
    expect(per(KITE, RequestCode.GET_MAX_OFFSET)).toBe(0);
    // 2 name server, 2 runtime info, 2 consume stats, 2 summaries, 1 watched group, 1 DLQ topic
    expect(s.calls).toBe(10);
    expect(s.errors).toEqual([]);
    expect(s.notes).toHaveLength(1);
    expect(s.notes![0]).toContain(APACHE);
    const online = Object.fromEntries(s.groups.map((g) => [g.group, g.onlineClients]));
    expect(online.G).toBe(1);
    expect(online.Other).toBeNull();
    // T: both brokers (the Apache one through G's offsets); U: only KiteMQ's summary has it.
    const topics = Object.fromEntries(s.topics.map((t) => [t.topic, t]));
    expect(topics.T).toMatchObject({ maxOffset: 4, reportedBy: 2 });
    expect(topics.U).toMatchObject({ maxOffset: 3, reportedBy: 1 });
    expect(s.dlq).toEqual([{ group: 'G', topic: '%DLQ%G', maxOffset: 2 }]);
  });
});
