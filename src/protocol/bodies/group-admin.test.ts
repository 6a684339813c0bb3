// Group administration bodies in fastjson's bytes (fields sorted by name, MessageQueue objects in
// key position, doubles with their point), decoded back, and malformed bodies refused.
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../common/errors.js';
import { decodeConsumeStats, encodeConsumeStats } from './consume-stats-list.js';
import {
  decodeConsumerConnection,
  decodeGroupList,
  decodeProducerConnection,
  encodeConsumerConnection,
  encodeGroupList,
  encodeProducerConnection,
} from './group-admin.js';
import {
  decodeSubscriptionGroupConfig,
  encodeSubscriptionGroupConfig,
} from './subscription-group.js';
import { decodeTopicList, encodeTopicList } from './topic-list.js';

const conn = {
  clientId: '10.0.0.1@1',
  clientAddr: '10.0.0.1:5000',
  language: 'JAVA',
  version: 479,
};

describe('group administration bodies', () => {
  it('writes ProducerConnection, GroupList and TopicList as fastjson does', () => {
    const pc =
      '{"connectionSet":[{"clientAddr":"10.0.0.1:5000","clientId":"10.0.0.1@1",' +
      '"language":"JAVA","version":479}]}';
    expect(`${encodeProducerConnection([conn])}`).toBe(pc);
    expect(decodeProducerConnection(Buffer.from(pc))).toEqual([conn]);
    expect(`${encodeGroupList(['A', 'B'])}`).toBe('{"groupList":["A","B"]}');
    expect(decodeGroupList(Buffer.from('{"groupList":["A","B"]}'))).toEqual(['A', 'B']);
    const tl = '{"brokerAddr":"10.0.0.2:10911","topicList":["T1"]}';
    const list = { topicList: ['T1'], brokerAddr: '10.0.0.2:10911' };
    expect(`${encodeTopicList(list)}`).toBe(tl);
    expect(decodeTopicList(Buffer.from(tl))).toEqual(list);
  });

  it('round-trips a ConsumerConnection', () => {
    const cc = {
      connectionSet: [conn],
      subscriptionTable: {
        T1: {
          classFilterMode: false,
          codeSet: [],
          expressionType: 'TAG',
          subString: '*',
          subVersion: 1,
          tagsSet: [],
          topic: 'T1',
        },
      },
      consumeType: 'CONSUME_PASSIVELY',
      messageModel: 'CLUSTERING',
      consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
    };
    const bytes = encodeConsumerConnection(cc);
    expect(`${bytes}`).toMatch(/^\{"connectionSet":.*,"consumeFromWhere":.*"subscriptionTable"/);
    expect(decodeConsumerConnection(bytes)).toEqual(cc);
  });

  it('writes and reads ConsumeStats with MessageQueue keys', () => {
    const golden =
      '{"consumeTps":0.0,"offsetTable":{{"brokerName":"b","queueId":1,"topic":"T"}:' +
      '{"brokerOffset":9,"consumerOffset":4,"lastTimestamp":1700000000000,"pullOffset":5}}}';
    const stats = {
      consumeTps: 0,
      offsetTable: [
        {
          mq: { topic: 'T', brokerName: 'b', queueId: 1 },
          offset: { brokerOffset: 9, consumerOffset: 4, pullOffset: 5, lastTimestamp: 17e11 },
        },
      ],
    };
    expect(`${encodeConsumeStats(stats)}`).toBe(golden);
    expect(decodeConsumeStats(Buffer.from(golden))).toEqual(stats);
    const tps = '{"consumeTps":2.5,"offsetTable":{}}';
    expect(decodeConsumeStats(Buffer.from(tps))).toEqual({ consumeTps: 2.5, offsetTable: [] });
  });

  it('refuses bodies that are not what they claim', () => {
    expect(() => decodeProducerConnection(Buffer.from('{'))).toThrow(ProtocolError);
    expect(() => decodeGroupList(Buffer.from('{"groupList":3}'))).toThrow(ProtocolError);
    expect(() => decodeConsumeStats(Buffer.from('{"consumeTps":1}'))).toThrow(ProtocolError);
    expect(() => decodeConsumeStats(Buffer.from('{"offsetTable":{{"a":1}}}'))).toThrow(
      ProtocolError,
    );
  });
});

describe('SubscriptionGroupConfig', () => {
  it('writes one config with every field and reads it back', () => {
    const bytes = encodeSubscriptionGroupConfig({ groupName: 'G', retryQueueNums: 2 });
    const decoded = decodeSubscriptionGroupConfig(bytes);
    expect(decoded).toMatchObject({ groupName: 'G', retryQueueNums: 2, consumeTimeoutMinute: 15 });
    expect(JSON.parse(`${bytes}`)).toEqual(decoded);
  });

  it('refuses a wrong type, naming the field', () => {
    expect(() => decodeSubscriptionGroupConfig(Buffer.from('{"groupName":1}'))).toThrow(
      /groupName/,
    );
    expect(() =>
      decodeSubscriptionGroupConfig(Buffer.from('{"groupName":"G","consumeEnable":"yes"}')),
    ).toThrow(/consumeEnable must be true or false/);
    const attrs = Buffer.from('{"groupName":"G","attributes":{"a":1}}');
    expect(() => decodeSubscriptionGroupConfig(attrs)).toThrow(/attributes/);
    const policy = Buffer.from('{"groupName":"G","groupRetryPolicy":5}');
    expect(() => decodeSubscriptionGroupConfig(policy)).toThrow(/groupRetryPolicy/);
  });
});
