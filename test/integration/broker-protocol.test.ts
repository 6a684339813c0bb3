// The broker over the wire, with raw RemotingCommands: send validation codes, long polling woken
// by arrival, offsets, and the consumer-list/heartbeat flow. Real mqnamesrv + mqbroker processes.
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/common/logger.js';
import { decodeOffsetMsgId } from '../../src/message/message-id.js';
import { encodeProperties } from '../../src/message/properties-codec.js';
import { decodeRecords } from '../../src/message/record-codec.js';
import { buildPullSysFlag } from '../../src/protocol/headers/pull.js';
import { createRequest, type RemotingCommand } from '../../src/protocol/remoting-command.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { RemotingClient } from '../../src/remoting/remoting-client.js';
import { useCluster } from '../harness/cluster.js';
import { pollUntil } from '../harness/poll.js';
import { uniqueName } from '../harness/processes.js';
import { pullHeader as postedPull, sendV2Header } from '../harness/raw-protocol.js';

const cluster = useCluster({
  brokerConfig: { maxMessageSize: 1024, autoCreateTopicEnable: false },
});
const client = new RemotingClient(silentLogger());

const call = (
  code: number,
  ext: Record<string, string | number | boolean>,
  body?: Buffer,
  timeoutMs = 5_000,
) => client.invoke(cluster.brokerAddr, createRequest(code, 0, ext, body), timeoutMs);

function sendHeader(
  topic: string,
  queueId: number,
  tags = 'TagA',
  extra: Record<string, string> = {},
) {
  const properties = encodeProperties({ TAGS: tags, ...extra });
  return sendV2Header(topic, queueId, properties, { reconsumeTimes: 0, unitMode: false });
}

const createTopic = (topic: string, queues = 4) => cluster.createTopic(topic, queues);

function pullHeader(
  topic: string,
  group: string,
  queueId: number,
  offset: number,
  sub = '*',
  suspendMs = 20_000,
) {
  return postedPull(group, topic, queueId, offset, {
    sysFlag: buildPullSysFlag({ commitOffset: false, suspend: true, subscription: true }),
    suspendTimeoutMillis: suspendMs,
    subscription: sub,
    subVersion: Date.now(),
  });
}

afterAll(() => client.close());

describe('send validation', () => {
  it('answers MESSAGE_ILLEGAL for a body over maxMessageSize and stores nothing', async () => {
    const topic = uniqueName('Big');
    await createTopic(topic, 1);
    const r = await call(RequestCode.SEND_MESSAGE_V2, sendHeader(topic, 0), Buffer.alloc(2048, 1));
    expect(r.code).toBe(ResponseCode.MESSAGE_ILLEGAL);
    expect(r.remark).toMatch(/maxMessageSize|illegal/i);
    const max = await call(RequestCode.GET_MAX_OFFSET, { topic, queueId: 0 });
    expect(max.extFields.offset).toBe('0');
  });

  it('answers INVALID_PARAMETER for an illegal topic name, naming the allowed characters', async () => {
    const r = await call(
      RequestCode.SEND_MESSAGE_V2,
      sendHeader('bad topic!', 0),
      Buffer.from('x'),
    );
    expect(r.code).toBe(ResponseCode.INVALID_PARAMETER);
    expect(r.remark).toContain('a-zA-Z0-9');
    expect(r.extFields.MSG_REGION).toBe('DefaultRegion');
  });

  it('answers TOPIC_NOT_EXIST when auto-creation is off, saying how to create it', async () => {
    const r = await call(
      RequestCode.SEND_MESSAGE_V2,
      sendHeader(uniqueName('Nope'), 0),
      Buffer.from('x'),
    );
    expect(r.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    expect(r.remark).toContain('updateTopic');
  });

  it('answers INVALID_PARAMETER for a queueId beyond the topic', async () => {
    const topic = uniqueName('Q');
    await createTopic(topic, 2);
    const r = await call(RequestCode.SEND_MESSAGE_V2, sendHeader(topic, 7), Buffer.from('x'));
    expect(r.code).toBe(ResponseCode.INVALID_PARAMETER);
  });

  it('answers REQUEST_CODE_NOT_SUPPORTED for an unknown code and keeps serving', async () => {
    const r = await call(9999, {});
    expect(r.code).toBe(ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
    expect(r.remark).toContain('9999');
    const again = await call(RequestCode.GET_MAX_OFFSET, { topic: 'TBW102', queueId: 0 });
    expect(again.code).toBe(0);
  });

  it('names a missing required header field', async () => {
    const r = await call(RequestCode.PULL_MESSAGE, { topic: 'x' });
    expect(r.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(r.remark).toContain('consumerGroup');
  });
});

describe('send, pull and long polling', () => {
  it('stores a message and serves it back byte for byte with correct offsets', async () => {
    const topic = uniqueName('RoundTrip');
    await createTopic(topic, 1);
    const body = Buffer.from('你好 KiteMQ', 'utf8');
    const s = await call(
      RequestCode.SEND_MESSAGE_V2,
      sendHeader(topic, 0, 'TagA', { KEYS: 'k1' }),
      body,
    );
    expect(s.code).toBe(0);
    expect(s.extFields.queueOffset).toBe('0');
    expect(s.extFields.msgId).toMatch(/^[0-9A-F]{32}$/);
    const p = await call(RequestCode.PULL_MESSAGE, pullHeader(topic, uniqueName('G'), 0, 0));
    expect(p.code).toBe(0);
    expect(p.extFields).toMatchObject({ nextBeginOffset: '1', minOffset: '0', maxOffset: '1' });
    const [m] = decodeRecords(p.body!);
    expect(m!.body.toString('utf8')).toBe('你好 KiteMQ');
    expect(m!.properties).toMatchObject({ TAGS: 'TagA', KEYS: 'k1', CLUSTER: 'DefaultCluster' });
    expect(m!.properties.UNIQ_KEY).toMatch(/^[0-9A-F]{32}$/);
    expect(m!.offsetMsgId).toBe(s.extFields.msgId);
  });

  it('parks an empty pull and answers it when a matching message arrives, before the timeout', async () => {
    const topic = uniqueName('LongPoll');
    await createTopic(topic, 1);
    const group = uniqueName('G');
    // A 20 s suspend: if arrival did not wake it, the answer would be PULL_NOT_FOUND after 20 s.
    const parked = call(
      RequestCode.PULL_MESSAGE,
      pullHeader(topic, group, 0, 0, 'TagB'),
      undefined,
      25_000,
    );
    await new Promise((r) => setTimeout(r, 300));
    // A non-matching tag must not answer the parked pull.
    await call(RequestCode.SEND_MESSAGE_V2, sendHeader(topic, 0, 'TagA'), Buffer.from('a'));
    await call(RequestCode.SEND_MESSAGE_V2, sendHeader(topic, 0, 'TagB'), Buffer.from('b'));
    const res: RemotingCommand = await parked;
    expect(res.code).toBe(0);
    const msgs = decodeRecords(res.body!);
    expect(msgs.map((m) => m.body.toString())).toEqual(['b']);
    expect(res.extFields.nextBeginOffset).toBe('2');
  });

  it('answers PULL_NOT_FOUND after a short suspend, and OFFSET_MOVED for an offset past the end', async () => {
    const topic = uniqueName('Empty');
    await createTopic(topic, 1);
    const group = uniqueName('G');
    const r = await call(RequestCode.PULL_MESSAGE, pullHeader(topic, group, 0, 0, '*', 200));
    expect(r.code).toBe(ResponseCode.PULL_NOT_FOUND);
    await call(RequestCode.SEND_MESSAGE_V2, sendHeader(topic, 0), Buffer.from('x'));
    const moved = await call(RequestCode.PULL_MESSAGE, pullHeader(topic, group, 0, 5, '*', 200));
    expect(moved.code).toBe(ResponseCode.PULL_OFFSET_MOVED);
    expect(moved.extFields.nextBeginOffset).toBe('1');
  });

  it('commits, queries and searches offsets', async () => {
    const topic = uniqueName('Off');
    await createTopic(topic, 1);
    const group = uniqueName('G');
    const before = Date.now();
    for (let i = 0; i < 3; i++)
      await call(RequestCode.SEND_MESSAGE_V2, sendHeader(topic, 0), Buffer.from(`m${i}`));
    const fresh = await call(RequestCode.QUERY_CONSUMER_OFFSET, {
      consumerGroup: group,
      topic,
      queueId: 0,
    });
    expect(fresh.code).toBe(0); // a new group on a hot queue starting at 0 starts from 0
    expect(fresh.extFields.offset).toBe('0');
    const u = await call(RequestCode.UPDATE_CONSUMER_OFFSET, {
      consumerGroup: group,
      topic,
      queueId: 0,
      commitOffset: 2,
    });
    expect(u.code).toBe(0);
    const q = await call(RequestCode.QUERY_CONSUMER_OFFSET, {
      consumerGroup: group,
      topic,
      queueId: 0,
    });
    expect(q.extFields.offset).toBe('2');
    const max = await call(RequestCode.GET_MAX_OFFSET, { topic, queueId: 0 });
    expect(max.extFields.offset).toBe('3');
    const min = await call(RequestCode.GET_MIN_OFFSET, { topic, queueId: 0 });
    expect(min.extFields.offset).toBe('0');
    const byTime = await call(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, {
      topic,
      queueId: 0,
      timestamp: before - 60_000,
    });
    expect(byTime.extFields.offset).toBe('0');
    const future = await call(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, {
      topic,
      queueId: 0,
      timestamp: Date.now() + 60_000,
    });
    expect(future.extFields.offset).toBe('3');
  });
});

describe('message queries', () => {
  it('finds a message by key (QUERY_MESSAGE) and by its offset msgId (VIEW_MESSAGE_BY_ID)', async () => {
    const topic = uniqueName('Query');
    await createTopic(topic, 2);
    const sent = await call(
      RequestCode.SEND_MESSAGE_V2,
      sendHeader(topic, 1, 'TagQ', { KEYS: 'order-1 user-9' }),
      Buffer.from('find me'),
    );
    expect(sent.code).toBe(0);
    await call(
      RequestCode.SEND_MESSAGE_V2,
      sendHeader(topic, 0, 'TagQ', { KEYS: 'order-2' }),
      Buffer.from('not me'),
    );
    const q = await call(RequestCode.QUERY_MESSAGE, {
      topic,
      key: 'user-9',
      maxNum: 32,
      beginTimestamp: 0,
      endTimestamp: Date.now() + 60_000,
    });
    expect(q.code).toBe(0);
    expect(decodeRecords(q.body!).map((m) => m.body.toString())).toEqual(['find me']);
    expect(Number(q.extFields.indexLastUpdatePhyoffset)).toBeGreaterThan(0);
    const none = await call(RequestCode.QUERY_MESSAGE, {
      topic,
      key: 'nobody',
      maxNum: 32,
      beginTimestamp: 0,
      endTimestamp: Date.now() + 60_000,
    });
    expect(none.code).toBe(ResponseCode.QUERY_NOT_FOUND);
    const { commitLogOffset } = decodeOffsetMsgId(sent.extFields.msgId!);
    const v = await call(RequestCode.VIEW_MESSAGE_BY_ID, { offset: commitLogOffset });
    expect(v.code).toBe(0);
    expect(decodeRecords(v.body!)[0]!.body.toString()).toBe('find me');
  });
});

describe('consumer membership', () => {
  // Found by test/integration/fuzz-wire.test.ts: these threw TypeErrors (remark "TypeError: …"),
  // some after registering the groups listed before the bad entry.
  it('answers heartbeat and client-config bodies of the wrong shape with a remark, registering nothing', async () => {
    const group = uniqueName('BadHb');
    const topicsBefore = await call(RequestCode.GET_ALL_TOPIC_CONFIG, {});
    const bad = [
      'null',
      '{"consumerDataSet":5}',
      `{"consumerDataSet":[{"groupName":"${group}"},null]}`,
      `{"consumerDataSet":[{"groupName":"${group}","subscriptionDataSet":[{"topic":5}]}]}`,
      '{"producerDataSet":[null]}',
      '{"clientID":{}}',
    ];
    for (const body of bad) {
      const r = await call(RequestCode.HEART_BEAT, {}, Buffer.from(body));
      expect(r.code, body).toBe(ResponseCode.SYSTEM_ERROR);
      expect(r.remark, body).toMatch(
        /^HeartbeatData .*(not a JSON object|not a list of objects|not a string)/,
      );
    }
    for (const body of ['null', '{"subscriptionData":{"expressionType":"SQL92","subString":{}}}']) {
      const r = await call(RequestCode.CHECK_CLIENT_CONFIG, {}, Buffer.from(body));
      expect(r.code, body).toBe(ResponseCode.SYSTEM_ERROR);
      expect(r.remark, body).toMatch(/^CheckClientRequestBody /);
    }
    const topicsAfter = await call(RequestCode.GET_ALL_TOPIC_CONFIG, {});
    const names = (c: RemotingCommand) =>
      Object.keys(
        (JSON.parse(c.body!.toString()) as { topicConfigTable: object }).topicConfigTable,
      );
    expect(names(topicsAfter)).toEqual(names(topicsBefore)); // no %RETRY% topic for the group
  });

  it('registers consumers from heartbeats and forgets them when their connection closes', async () => {
    const topic = uniqueName('Members');
    await createTopic(topic, 2);
    const group = uniqueName('G');
    const other = new RemotingClient(silentLogger());
    const heartbeat = (clientID: string) =>
      Buffer.from(
        JSON.stringify({
          clientID,
          producerDataSet: [],
          consumerDataSet: [
            {
              groupName: group,
              consumeType: 'CONSUME_PASSIVELY',
              messageModel: 'CLUSTERING',
              consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
              unitMode: false,
              subscriptionDataSet: [
                {
                  topic,
                  subString: '*',
                  tagsSet: [],
                  codeSet: [],
                  subVersion: 1,
                  classFilterMode: false,
                },
              ],
            },
          ],
        }),
      );
    expect((await call(RequestCode.HEART_BEAT, {}, heartbeat('c1'))).code).toBe(0);
    // c2 listens for broker-initiated requests; after it has joined, c3 joining must notify it.
    let joined = false;
    let onNotify: (cmd: RemotingCommand) => void = () => {};
    const notified = new Promise<RemotingCommand>((resolve) => {
      onNotify = resolve;
    });
    const c2 = new RemotingClient(silentLogger(), (cmd) => {
      if (joined) onNotify(cmd);
    });
    await c2.invoke(
      cluster.brokerAddr,
      createRequest(RequestCode.HEART_BEAT, 0, {}, heartbeat('c2')),
    );
    joined = true;
    await other.invoke(
      cluster.brokerAddr,
      createRequest(RequestCode.HEART_BEAT, 0, {}, heartbeat('c3')),
    );
    const list = async () => {
      const r = await call(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup: group });
      return r.code === 0 ? (JSON.parse(r.body!.toString()).consumerIdList as string[]).sort() : [];
    };
    const n = await notified; // c2 hears about c3 joining
    expect(n.code).toBe(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED);
    expect(n.extFields.consumerGroup).toBe(group);
    expect(await list()).toEqual(['c1', 'c2', 'c3']);
    other.close();
    // c3's connection closing removes it once the broker has seen the close: poll for that.
    expect(await pollUntil(list, (ids) => ids.length < 3, 30_000)).toEqual(['c1', 'c2']);
    c2.close();
    // The retry topic was created and registered with the name server.
    const route = await client.invoke(
      cluster.namesrvAddr,
      createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, 0, { topic: `%RETRY%${group}` }),
    );
    expect(route.code).toBe(0);
  });
});
