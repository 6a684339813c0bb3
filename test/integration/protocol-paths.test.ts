// Request codes no other test drives, over raw frames against a real broker: SEND_MESSAGE v1
// (code 10, Java field names), LITE_PULL_MESSAGE (361), GET_ALL_TOPIC_CONFIG (21) and
// GET_EARLIEST_MSG_STORETIME (32).
import { describe, expect, it } from 'vitest';
import { decodeOffsetMsgId } from '../../src/message/message-id.js';
import { encodeProperties } from '../../src/message/properties-codec.js';
import { decodeRecords } from '../../src/message/record-codec.js';
import { encodeSendHeader } from '../../src/protocol/headers/send.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import { pullHeader, sendHeaderOf } from '../harness/raw-protocol.js';

const cluster = useCluster();

/** SendMessageRequestHeader as Java's SEND_MESSAGE (10) carries it: full field names. */
function v1Header(topic: string, queueId: number, tags: string) {
  const properties = encodeProperties({ TAGS: tags, KEYS: 'k1', WAIT: 'true' });
  const more = { producerGroup: 'PG_V1', flag: 7, reconsumeTimes: 0, unitMode: false };
  return encodeSendHeader(sendHeaderOf(topic, queueId, properties, more), { v2: false });
}

describe('SEND_MESSAGE v1 (code 10)', () => {
  it('stores a message sent with the long header names, properties and flag intact', async () => {
    const topic = uniqueName('SendV1');
    await cluster.createTopic(topic, 2);
    const r = await cluster.raw.call(
      RequestCode.SEND_MESSAGE,
      v1Header(topic, 1, 'TagV1'),
      Buffer.from('v1-body'),
    );
    expect(r.code, r.remark).toBe(ResponseCode.SUCCESS);
    expect(r.extFields.queueId).toBe('1');
    expect(r.extFields.queueOffset).toBe('0');
    const id = decodeOffsetMsgId(r.extFields.msgId ?? '');
    expect(id.storeHost).toBe(cluster.brokerAddr);

    const pulled = await cluster.raw.pull(topic, uniqueName('G'), 1, 0, { subscription: '*' });
    expect(pulled.code).toBe(ResponseCode.SUCCESS);
    expect(pulled.msgs).toHaveLength(1);
    const m = pulled.msgs[0]!;
    expect(m.body.toString()).toBe('v1-body');
    expect(m.flag).toBe(7);
    expect(m.properties.TAGS).toBe('TagV1');
    expect(m.properties.KEYS).toBe('k1');
    expect(m.commitLogOffset).toBe(id.commitLogOffset);
  });

  it('reads the v1 names, not the v2 letters: a v1 frame without `topic` is rejected', async () => {
    const topic = uniqueName('SendV1Bad');
    await cluster.createTopic(topic, 2);
    const { topic: _omit, ...withoutTopic } = v1Header(topic, 0, 'T');
    const r = await cluster.raw.call(
      RequestCode.SEND_MESSAGE,
      { ...withoutTopic, b: topic },
      Buffer.from('x'),
    );
    expect(r.code).not.toBe(ResponseCode.SUCCESS);
    expect(r.remark ?? '').toMatch(/topic/);
  });
});

describe('LITE_PULL_MESSAGE (361)', () => {
  it('returns stored messages filtered by the posted subscription, for a group that never heartbeated', async () => {
    const topic = uniqueName('LitePull');
    await cluster.createTopic(topic, 1);
    for (const [i, tag] of ['A', 'B', 'A', 'C', 'A'].entries()) {
      const r = await cluster.raw.send(topic, 0, `lite-${i}`, { TAGS: tag });
      expect(r.code).toBe(0);
    }
    const group = uniqueName('LiteGroup');
    // Subscription posted; no suspend, no commit.
    const lite = await cluster.raw.call(
      RequestCode.LITE_PULL_MESSAGE,
      pullHeader(group, topic, 0, 0, { subscription: 'A' }),
    );
    expect(lite.code, lite.remark).toBe(ResponseCode.SUCCESS);
    const msgs = decodeRecords(lite.body ?? Buffer.alloc(0));
    expect(msgs.map((m) => m.body.toString())).toEqual(['lite-0', 'lite-2', 'lite-4']);
    expect(lite.extFields.nextBeginOffset).toBe('5');
    expect(lite.extFields.maxOffset).toBe('5');
    expect(lite.extFields.minOffset).toBe('0');

    // Past the end without suspending: PULL_NOT_FOUND at once, the next offset unchanged.
    const empty = await cluster.raw.call(
      RequestCode.LITE_PULL_MESSAGE,
      pullHeader(group, topic, 0, 5),
    );
    expect(empty.code).toBe(ResponseCode.PULL_NOT_FOUND);
    expect(empty.extFields.nextBeginOffset).toBe('5');
  });
});

describe('GET_ALL_TOPIC_CONFIG (21)', () => {
  it('lists every topic with its queue numbers, perm and a data version', async () => {
    const topic = uniqueName('AllTopics');
    await cluster.createTopic(topic, 3);
    const r = await cluster.raw.call(RequestCode.GET_ALL_TOPIC_CONFIG, {});
    expect(r.code).toBe(ResponseCode.SUCCESS);
    const body = JSON.parse((r.body ?? Buffer.alloc(0)).toString()) as {
      dataVersion: { timestamp: number; counter: number };
      topicConfigTable: Record<
        string,
        { topicName: string; readQueueNums: number; writeQueueNums: number; perm: number }
      >;
    };
    expect(body.topicConfigTable[topic]).toMatchObject({
      topicName: topic,
      readQueueNums: 3,
      writeQueueNums: 3,
      perm: 6,
    });
    expect(body.topicConfigTable.TBW102).toBeDefined();
    expect(typeof body.dataVersion.counter).toBe('number');

    // A new topic bumps the data version the name server compares on registration.
    await cluster.createTopic(uniqueName('AllTopics2'), 1);
    const again = await cluster.raw.call(RequestCode.GET_ALL_TOPIC_CONFIG, {});
    const body2 = JSON.parse((again.body ?? Buffer.alloc(0)).toString()) as typeof body;
    expect(body2.dataVersion.counter).toBeGreaterThan(body.dataVersion.counter);
    expect(Object.keys(body2.topicConfigTable).length).toBe(
      Object.keys(body.topicConfigTable).length + 1,
    );
  });
});

describe('GET_EARLIEST_MSG_STORETIME (32)', () => {
  it("answers the store time of the queue's first message, -1 for an empty queue", async () => {
    const topic = uniqueName('Earliest');
    await cluster.createTopic(topic, 2);
    const before = await cluster.raw.call(RequestCode.GET_EARLIEST_MSG_STORETIME, {
      topic,
      queueId: 0,
    });
    expect(before.code).toBe(ResponseCode.SUCCESS);
    expect(Number(before.extFields.timestamp)).toBe(-1);

    await cluster.raw.send(topic, 0, 'first');
    const first = await cluster.raw.pull(topic, uniqueName('G'), 0, 0, { subscription: '*' });
    await cluster.raw.send(topic, 0, 'second');
    const r = await cluster.raw.call(RequestCode.GET_EARLIEST_MSG_STORETIME, { topic, queueId: 0 });
    expect(r.code).toBe(ResponseCode.SUCCESS);
    const ts = Number(r.extFields.timestamp);
    expect(ts).toBe(first.msgs[0]!.storeTimestamp);
    // Queue 1 got nothing.
    const other = await cluster.raw.call(RequestCode.GET_EARLIEST_MSG_STORETIME, {
      topic,
      queueId: 1,
    });
    expect(Number(other.extFields.timestamp)).toBe(-1);
  });
});
