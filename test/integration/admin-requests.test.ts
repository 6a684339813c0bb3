// Admin requests that real clients and tools send, against a real mqnamesrv + mqbroker:
// GET_ALL_SUBSCRIPTIONGROUP_CONFIG (the Go admin's GetAllSubscriptionGroup), QUERY_MESSAGE by
// unique key with endTimestamp=Long.MAX_VALUE (the Java client's queryMessageByUniqKey and
// viewMessage), the GET_BROKER_RUNTIME_INFO keys Java's clusterList reads, and request-reply
// (SEND_REPLY_MESSAGE_V2 from the replying consumer, PUSH_REPLY_MESSAGE_TO_CLIENT to the requester).
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/common/logger.js';
import { decodeProperties, encodeProperties } from '../../src/message/properties-codec.js';
import { decodeRecords } from '../../src/message/record-codec.js';
import {
  createRequest,
  createResponse,
  type RemotingCommand,
} from '../../src/protocol/remoting-command.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { RemotingClient } from '../../src/remoting/remoting-client.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import type { Ext } from '../harness/raw-protocol.js';
import { sendV2Header } from '../harness/raw-protocol.js';
import { waitFor } from '../harness/topics.js';

const LONG_MAX = '9223372036854775807';

const cluster = useCluster();

async function runtimeInfo(): Promise<Record<string, string>> {
  const r = await cluster.raw.call(RequestCode.GET_BROKER_RUNTIME_INFO, {});
  expect(r.code).toBe(ResponseCode.SUCCESS);
  return (JSON.parse(r.body!.toString('utf8')) as { table: Record<string, string> }).table;
}

async function allGroups(): Promise<{
  subscriptionGroupTable: Record<string, Record<string, unknown>>;
  dataVersion: { timestamp: number; counter: number };
}> {
  const r = await cluster.raw.call(RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG, {});
  expect(r.code, r.remark).toBe(ResponseCode.SUCCESS);
  return JSON.parse(r.body!.toString('utf8'));
}

describe('GET_ALL_SUBSCRIPTIONGROUP_CONFIG', () => {
  it("lists the broker's groups with RocketMQ's fields, and a dataVersion that moves", async () => {
    const topic = uniqueName('SubGroups');
    await cluster.createTopic(topic, 1);
    const group = uniqueName('GroupA');
    const before = await allGroups();
    expect(before.subscriptionGroupTable[group]).toBeUndefined();
    expect(await cluster.raw.heartbeat('client-a', group, [topic])).toMatchObject({ code: 0 });
    const after = await allGroups();
    expect(after.subscriptionGroupTable[group]).toEqual({
      groupName: group,
      consumeEnable: true,
      consumeFromMinEnable: true,
      consumeBroadcastEnable: true,
      consumeMessageOrderly: false,
      retryQueueNums: 1,
      retryMaxTimes: 16,
      groupRetryPolicy: { type: 'CUSTOMIZED' },
      brokerId: 0,
      whichBrokerWhenConsumeSlowly: 1,
      notifyConsumerIdsChangedEnable: true,
      groupSysFlag: 0,
      consumeTimeoutMinute: 15,
      attributes: {},
    });
    expect(after.dataVersion.counter).toBeGreaterThan(before.dataVersion.counter);
    expect(after.dataVersion.timestamp).toBeGreaterThan(0);
  });
});

describe('QUERY_MESSAGE by unique key', () => {
  it('finds the message with endTimestamp=Long.MAX_VALUE, as the Java client asks', async () => {
    const topic = uniqueName('UniqQuery');
    await cluster.createTopic(topic, 1);
    const uniq = `0A0B0C0D${Date.now().toString(16).toUpperCase().padStart(24, '0')}`;
    const sent = await cluster.raw.send(topic, 0, 'by unique key', { UNIQ_KEY: uniq });
    expect(sent.code).toBe(0);
    const q = await cluster.raw.call(RequestCode.QUERY_MESSAGE, {
      topic,
      key: uniq,
      maxNum: 32,
      beginTimestamp: 0,
      endTimestamp: LONG_MAX,
      _UNIQUE_KEY_QUERY: 'true',
    });
    expect(q.code, q.remark).toBe(ResponseCode.SUCCESS);
    const found = decodeRecords(q.body!);
    expect(found.map((m) => m.body.toString())).toEqual(['by unique key']);
    expect(found[0]!.properties.UNIQ_KEY).toBe(uniq);
  });
});

describe('GET_BROKER_RUNTIME_INFO', () => {
  it('fills the keys clusterList reads with real values', async () => {
    const topic = uniqueName('Runtime');
    await cluster.createTopic(topic, 1);
    const first = await runtimeInfo();
    for (const key of [
      'commitLogDiskRatio',
      'earliestMessageTimeStamp',
      'msgPutTotalTodayMorning',
      'msgGetTotalTodayMorning',
      'msgPutTotalYesterdayMorning',
      'msgGetTotalYesterdayMorning',
      'msgPutTotalTodayNow',
      'msgGetTotalTodayNow',
      'putTps',
      'getTransferredTps',
      'pageCacheLockTimeMills',
      'sendThreadPoolQueueHeadWaitTimeMills',
      'pullThreadPoolQueueHeadWaitTimeMills',
      'timerReadBehind',
      'timerCongestNum',
      'brokerVersionDesc',
    ]) {
      expect(first[key], key).toBeDefined();
    }
    const ratio = Number(first.commitLogDiskRatio);
    // The used fraction of the store's partition (-1 would mean it could not be read).
    expect(ratio).toBeGreaterThanOrEqual(0);
    expect(ratio).toBeLessThanOrEqual(1);

    const sends = 3;
    for (let i = 0; i < sends; i++)
      expect((await cluster.raw.send(topic, 0, `m${i}`)).code).toBe(0);
    const pulled = await cluster.raw.pull(topic, uniqueName('RuntimeGroup'), 0, 0, {
      subscription: '*',
    });
    expect(pulled.msgs).toHaveLength(sends);
    const second = await runtimeInfo();
    expect(Number(second.msgPutTotalTodayNow) - Number(first.msgPutTotalTodayNow)).toBe(sends);
    expect(Number(second.msgGetTotalTodayNow) - Number(first.msgGetTotalTodayNow)).toBe(sends);
    // The store's own put counters (StoreStatsService): sizes, failures, latency ranges.
    expect(Number(second.putMessageSizeTotal)).toBeGreaterThan(Number(first.putMessageSizeTotal));
    expect(second.putMessageFailedTimes).toBe(first.putMessageFailedTimes);
    const distributed = (t: Record<string, string>) =>
      [...t.putMessageDistributeTime!.matchAll(/:(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
    expect(distributed(second) - distributed(first)).toBe(sends);
    for (const key of ['getFoundTps', 'getMissTps', 'getTotalTps', 'putTps']) {
      expect(second[key], key).toMatch(/^\d+\.\d\d \d+\.\d\d \d+\.\d\d$/);
    }
    expect(Number(second.putLatency99)).toBeGreaterThanOrEqual(0);
    for (const kind of ['Put', 'Get']) {
      const now = Number(second[`msg${kind}TotalTodayNow`]);
      const today = Number(second[`msg${kind}TotalTodayMorning`]);
      const yesterday = Number(second[`msg${kind}TotalYesterdayMorning`]);
      expect(yesterday).toBeGreaterThanOrEqual(0);
      expect(today).toBeGreaterThanOrEqual(yesterday);
      expect(now).toBeGreaterThanOrEqual(today);
    }

    // The earliest store time is that of the record at the commit log's start.
    const oldest = await cluster.raw.call(RequestCode.VIEW_MESSAGE_BY_ID, {
      offset: second.commitLogMinOffset!,
    });
    expect(oldest.code).toBe(0);
    const earliest = decodeRecords(oldest.body!)[0]!.storeTimestamp;
    expect(Number(second.earliestMessageTimeStamp)).toBe(earliest);
    expect(Number(second.commitLogMaxOffset)).toBeGreaterThan(Number(second.commitLogMinOffset));
  });
});

describe('request-reply', () => {
  it("pushes a consumer's reply to the requesting producer's connection", async () => {
    const pushed: RemotingCommand[] = [];
    const requester = new RemotingClient(silentLogger(), (cmd, conn) => {
      pushed.push(cmd);
      conn.send(createResponse(cmd, ResponseCode.SUCCESS));
    });
    const replier = new RemotingClient(silentLogger());
    try {
      const clientId = uniqueName('requester@127.0.0.1');
      const hb = await requester.invoke(
        cluster.brokerAddr,
        createRequest(
          RequestCode.HEART_BEAT,
          0,
          {},
          Buffer.from(
            JSON.stringify({
              clientID: clientId,
              producerDataSet: [{ groupName: uniqueName('RequestProducers') }],
              consumerDataSet: [],
            }),
          ),
        ),
      );
      expect(hb.code).toBe(0);
      const replyTopic = 'DefaultCluster_REPLY_TOPIC';
      const properties = encodeProperties({
        CORRELATION_ID: 'corr-1',
        REPLY_TO_CLIENT: clientId,
        MSG_TYPE: 'reply',
      });
      const header = sendV2Header(replyTopic, 0, properties, {
        producerGroup: 'ReplyProducers',
        reconsumeTimes: 0,
        unitMode: false,
      });
      const r = await replier.invoke(
        cluster.brokerAddr,
        createRequest(RequestCode.SEND_REPLY_MESSAGE_V2, 0, header, Buffer.from('the answer')),
      );
      expect(r.code, r.remark).toBe(ResponseCode.SUCCESS);
      await waitFor(() => pushed.length > 0, 20_000, 'the pushed reply');
      const push = pushed[0]!;
      expect(push.code).toBe(RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT);
      expect(push.body?.toString()).toBe('the answer');
      expect(push.extFields.topic).toBe(replyTopic);
      expect(decodeProperties(push.extFields.properties!).CORRELATION_ID).toBe('corr-1');
      expect(push.extFields.bornHost).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(push.extFields.storeHost).toBe(cluster.brokerAddr);

      // A reply for a requester that is not connected is refused, naming it.
      const orphan = await replier.invoke(
        cluster.brokerAddr,
        createRequest(
          RequestCode.SEND_REPLY_MESSAGE_V2,
          0,
          sendV2Header(
            replyTopic,
            0,
            encodeProperties({ CORRELATION_ID: 'corr-2', REPLY_TO_CLIENT: 'gone@1' }),
            { producerGroup: 'ReplyProducers', reconsumeTimes: 0, unitMode: false },
          ),
          Buffer.from('nobody listens'),
        ),
      );
      expect(orphan.code).toBe(ResponseCode.SYSTEM_ERROR);
      expect(orphan.remark).toContain('gone@1');
    } finally {
      requester.close();
      replier.close();
    }
  });
});

/** A fastjson map keyed by MessageQueue objects, re-keyed by queue id so JSON.parse reads it. */
function byQueueId<T>(body: Buffer): { offsetTable: Record<string, T> } & Record<string, unknown> {
  const text = body
    .toString('utf8')
    .replace(/\{"brokerName":"[^"]*","queueId":(\d+),"topic":"[^"]*"\}:/g, '"$1":');
  return JSON.parse(text);
}

describe("the Java mqadmin's broker views", () => {
  it('GET_BROKER_CONFIG lists the effective configuration with a version', async () => {
    const r = await cluster.raw.call(RequestCode.GET_BROKER_CONFIG, {});
    expect(r.code).toBe(ResponseCode.SUCCESS);
    const lines = r.body!.toString('utf8').split('\n');
    expect(lines).toContain(`brokerName=${cluster.broker.brokerName}`);
    expect(lines).toContain(`listenPort=${cluster.broker.port}`);
    expect(JSON.parse(r.extFields.version!)).toHaveProperty('counter');
  });

  it('GET_TOPIC_STATS_INFO, GET_CONSUMER_CONNECTION_LIST and GET_CONSUME_STATS follow sends, pulls and commits', async () => {
    const topic = uniqueName('Stats');
    const group = uniqueName('StatsGroup');
    await cluster.createTopic(topic, 2);
    for (let i = 0; i < 3; i++) expect((await cluster.raw.send(topic, 0, `s${i}`)).code).toBe(0);

    const ts = await cluster.raw.call(RequestCode.GET_TOPIC_STATS_INFO, { topic });
    expect(ts.code).toBe(ResponseCode.SUCCESS);
    const stats = byQueueId<{ minOffset: number; maxOffset: number; lastUpdateTimestamp: number }>(
      ts.body!,
    );
    expect(stats.offsetTable['0']).toMatchObject({ minOffset: 0, maxOffset: 3 });
    expect(stats.offsetTable['0']!.lastUpdateTimestamp).toBeGreaterThan(0);
    expect(stats.offsetTable['1']).toEqual({ minOffset: 0, maxOffset: 0, lastUpdateTimestamp: 0 });
    const missing = await cluster.raw.call(RequestCode.GET_TOPIC_STATS_INFO, {
      topic: uniqueName('No'),
    });
    expect(missing.code).toBe(ResponseCode.TOPIC_NOT_EXIST);

    const offline = await cluster.raw.call(RequestCode.GET_CONSUMER_CONNECTION_LIST, {
      consumerGroup: group,
    });
    expect(offline.code).toBe(ResponseCode.CONSUMER_NOT_ONLINE);
    expect((await cluster.raw.heartbeat('stats-client', group, [topic])).code).toBe(0);
    const cc = await cluster.raw.call(RequestCode.GET_CONSUMER_CONNECTION_LIST, {
      consumerGroup: group,
    });
    expect(cc.code).toBe(ResponseCode.SUCCESS);
    const conn = JSON.parse(cc.body!.toString('utf8'));
    expect(conn.connectionSet).toMatchObject([{ clientId: 'stats-client' }]);
    expect(conn.connectionSet[0].clientAddr).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(conn.subscriptionTable[topic]).toMatchObject({ topic, subString: '*' });
    expect(conn).toMatchObject({ messageModel: 'CLUSTERING', consumeType: 'CONSUME_PASSIVELY' });

    const pulled = await cluster.raw.pull(topic, group, 0, 0);
    expect(pulled.msgs).toHaveLength(3);
    const commit = await cluster.raw.call(RequestCode.UPDATE_CONSUMER_OFFSET, {
      consumerGroup: group,
      topic,
      queueId: 0,
      commitOffset: 2,
    });
    expect(commit.code).toBe(0);
    const queries: Ext[] = [{ consumerGroup: group, topic }, { consumerGroup: group }];
    for (const ext of queries) {
      const cs = await cluster.raw.call(RequestCode.GET_CONSUME_STATS, ext);
      expect(cs.code).toBe(ResponseCode.SUCCESS);
      const progress = byQueueId<Record<string, number>>(cs.body!);
      expect(progress.offsetTable['0']).toMatchObject({
        brokerOffset: 3,
        consumerOffset: 2,
        pullOffset: 3,
      });
      expect(progress.offsetTable['0']!.lastTimestamp).toBe(
        decodeRecords(
          (
            await cluster.raw.call(RequestCode.VIEW_MESSAGE_BY_ID, {
              offset: pulled.msgs[1]!.commitLogOffset,
            })
          ).body!,
        )[0]!.storeTimestamp,
      );
      expect(progress.offsetTable['1']).toMatchObject({ brokerOffset: 0, consumerOffset: 0 });
    }
  });
});
