// Every admin body against its golden bytes (golden/bodies/README.md says how each was derived
// from the Java class): encode(value) is the golden byte for byte, decode(golden) is the value.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../common/errors.js';
import { decodeBrokerStatsData, encodeBrokerStatsData } from './broker-stats-data.js';
import {
  type ConsumeStats,
  decodeConsumeStats,
  decodeConsumeStatsList,
  encodeConsumeStats,
  encodeConsumeStatsList,
} from './consume-stats-list.js';
import { javaDouble } from './fastjson.js';
import {
  decodeConsumerConnection,
  decodeGroupList,
  decodeProducerConnection,
  encodeConsumerConnection,
  encodeGroupList,
  encodeProducerConnection,
} from './group-admin.js';
import { decodeKvTable, encodeKvTable } from './kv-table.js';
import {
  decodeConsumerStatusBody,
  decodeOffsetTable,
  encodeConsumerStatusBody,
  encodeOffsetTable,
} from './offset-table.js';
import { decodeClusterInfo, encodeClusterInfo } from './route-data.js';
import { decodeTopicConfigTable, encodeTopicConfigWrapper } from './topic-config-wrapper.js';
import { decodeTopicList, encodeTopicList } from './topic-list.js';
import { decodeTopicStatsTable, encodeTopicStatsTable } from './topic-stats-table.js';

const golden = (name: string) =>
  readFileSync(join(import.meta.dirname, '..', 'golden', 'bodies', `${name}.txt`));
/** The 4.9.8 form of GET_ALL_TOPIC_CONFIG, kept with the slave's sync goldens. */
const slaveGolden = (name: string) =>
  readFileSync(join(import.meta.dirname, '../../broker/slave/golden', `java-4.9.8-${name}.txt`));
const topicConfig = (topicName: string, queues: number) => ({
  order: false,
  perm: 6,
  readQueueNums: queues,
  topicFilterType: 'SINGLE_TAG',
  topicName,
  topicSysFlag: 0,
  writeQueueNums: queues,
});

const q1 = { topic: 'TopicTest', brokerName: 'broker-a', queueId: 1 };
const q0 = { topic: 'TopicTest', brokerName: 'broker-a', queueId: 0 };
const consumeStats: ConsumeStats = {
  consumeTps: 0,
  offsetTable: [
    { mq: q1, offset: { brokerOffset: 3, consumerOffset: 0, lastTimestamp: 0, pullOffset: 0 } },
    {
      mq: q0,
      offset: {
        brokerOffset: 10,
        consumerOffset: 7,
        lastTimestamp: 1_700_000_000_000,
        pullOffset: 9,
      },
    },
  ],
};
const connection = (port: number, pid: number) => ({
  clientId: `127.0.0.1@${pid}`,
  clientAddr: `127.0.0.1:${port}`,
  language: 'JAVA',
  version: 409,
});

interface Case {
  file: string;
  value: unknown;
  encode: (v: never) => Buffer;
  decode: (b: Buffer) => unknown;
}

const CASES: Case[] = [
  {
    file: 'java-5-topic-stats-table',
    value: {
      offsetTable: [
        { mq: q1, offset: { minOffset: 0, maxOffset: 0, lastUpdateTimestamp: 0 } },
        { mq: q0, offset: { minOffset: 2, maxOffset: 12, lastUpdateTimestamp: 1_700_000_000_123 } },
      ],
      topicPutTps: 0,
    },
    encode: encodeTopicStatsTable,
    decode: decodeTopicStatsTable,
  },
  {
    file: 'java-4.9.8-topic-list',
    value: { topicList: ['TopicB', 'TopicA'] },
    encode: encodeTopicList,
    decode: decodeTopicList,
  },
  {
    file: 'java-4.9.8-topic-list-broker-addr',
    value: { brokerAddr: '127.0.0.1:10911', topicList: ['TopicTest'] },
    encode: encodeTopicList,
    decode: decodeTopicList,
  },
  {
    file: 'java-4.9.8-group-list',
    value: ['GroupA'],
    encode: encodeGroupList,
    decode: decodeGroupList,
  },
  {
    file: 'java-4.9.8-producer-connection',
    value: [connection(52044, 12345)],
    encode: encodeProducerConnection,
    decode: decodeProducerConnection,
  },
  {
    file: 'java-4.9.8-consumer-connection',
    value: {
      connectionSet: [connection(52046, 12346)],
      subscriptionTable: {
        TopicTest: {
          classFilterMode: false,
          codeSet: [2598919],
          expressionType: 'TAG',
          subString: 'TagA',
          subVersion: 1_700_000_000_000,
          tagsSet: ['TagA'],
          topic: 'TopicTest',
        },
      },
      consumeType: 'CONSUME_PASSIVELY',
      messageModel: 'CLUSTERING',
      consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
    },
    encode: encodeConsumerConnection,
    decode: decodeConsumerConnection,
  },
  {
    file: 'java-4.9.8-broker-stats-data',
    value: {
      statsMinute: { sum: 3, tps: 0.05, avgpt: 1 },
      statsHour: { sum: 12, tps: 0.0125, avgpt: 0.5 },
      statsDay: { sum: 12, tps: 1.25e-4, avgpt: 0.5 },
    },
    encode: encodeBrokerStatsData,
    decode: decodeBrokerStatsData,
  },
  {
    file: 'java-5-consume-stats',
    value: consumeStats,
    encode: encodeConsumeStats,
    decode: decodeConsumeStats,
  },
  {
    file: 'java-5-consume-stats-list',
    value: {
      brokerAddr: '127.0.0.1:10911',
      consumeStatsList: [{ GroupA: [consumeStats] }],
      totalDiff: 6,
      totalInflightDiff: 2,
    },
    encode: encodeConsumeStatsList,
    decode: decodeConsumeStatsList,
  },
  {
    file: 'java-4.9.8-kv-table',
    value: { TopicB: 'broker-a:4', TopicA: 'broker-a:8;broker-b:8' },
    encode: encodeKvTable,
    decode: decodeKvTable,
  },
  {
    file: 'java-4.9.8-cluster-info',
    value: {
      brokerAddrTable: {
        'broker-a': {
          brokerAddrs: { 0: '127.0.0.1:10911', 1: '127.0.0.1:10921' },
          brokerName: 'broker-a',
          cluster: 'DefaultCluster',
        },
      },
      clusterAddrTable: { DefaultCluster: ['broker-a'] },
    },
    encode: (v: never) => encodeClusterInfo(v, false),
    decode: decodeClusterInfo,
  },
  {
    file: 'java-4.9.8-reset-offset-body',
    value: [
      { mq: q1, offset: 0 },
      { mq: q0, offset: 12 },
    ],
    encode: encodeOffsetTable,
    decode: decodeOffsetTable,
  },
  {
    file: 'java-4.9.8-get-consumer-status-body',
    value: [
      { mq: q1, offset: 0 },
      { mq: q0, offset: 12 },
    ],
    encode: encodeConsumerStatusBody,
    decode: decodeConsumerStatusBody,
  },
];

describe('admin bodies against their golden bytes', () => {
  it.each(CASES)('$file: encodes to the golden bytes and decodes them back', (c) => {
    const bytes = golden(c.file);
    expect(c.encode(c.value as never).equals(bytes), `${c.encode(c.value as never)}`).toBe(true);
    expect(c.decode(bytes)).toEqual(c.value);
  });

  it.each(CASES)('$file: a truncated or non-object body is a ProtocolError', (c) => {
    const bytes = golden(c.file);
    for (const bad of [bytes.subarray(0, bytes.length - 2), Buffer.from('null')]) {
      expect(() => c.decode(bad)).toThrow(ProtocolError);
    }
  });

  it('refuses what fuzzing found reaching JSON.parse unguarded (a SyntaxError on the wire)', () => {
    const badKey = Buffer.from('{"offsetTable":{{"brokerName":x,"queueId":0,"topic":"T"}:1}}');
    expect(() => decodeOffsetTable(badKey)).toThrow(ProtocolError);
    const noTopic = Buffer.from('{"offsetTable":{{"queueId":0}:1}}');
    expect(() => decodeOffsetTable(noTopic)).toThrow(ProtocolError);
    const control = Buffer.from(
      '{"offsetTable":{{"brokerName":"\u0000b","queueId":1,"topic":"T"}:{}},"topicPutTps":0.0}',
    );
    expect(control.includes(0)).toBe(true);
    expect(() => decodeTopicStatsTable(control)).toThrow(ProtocolError);
    expect(() => decodeConsumeStats(control)).toThrow(ProtocolError);
  });

  it('writes TopicConfigSerializeWrapper in the 5 form and the 4.9.8 form', () => {
    const five = {
      dataVersion: { counter: 3, stateVersion: 0, timestamp: 1_700_000_000_123 },
      topicConfigTable: [
        { ...topicConfig('TopicTest', 4), attributes: { '+message.type': 'NORMAL' } },
      ],
    };
    expect(`${encodeTopicConfigWrapper(five)}`).toBe(`${golden('java-5-topic-config-wrapper')}`);
    expect(decodeTopicConfigTable(golden('java-5-topic-config-wrapper'))).toEqual({
      TopicTest: five.topicConfigTable[0],
    });
    const retry = '%RETRY%please_rename_unique_group_name_4';
    const old = {
      dataVersion: { counter: 3, timestamp: 1_700_000_000_123 },
      topicConfigTable: [topicConfig('TopicTest', 4), topicConfig(retry, 1)],
    };
    const bytes = slaveGolden('get-all-topic-config');
    expect(`${encodeTopicConfigWrapper(old)}`).toBe(`${bytes}`);
    expect(Object.keys(decodeTopicConfigTable(bytes))).toEqual(['TopicTest', retry]);
    expect(() => decodeTopicConfigTable(Buffer.from('{"topicConfigTable":{"T":{}}}'))).toThrow(
      ProtocolError,
    );
  });

  it('writes doubles as Double.toString does', () => {
    const cases: [number, string][] = [
      [0, '0.0'],
      [2.5, '2.5'],
      [1e-3, '0.001'],
      [1.25e-4, '1.25E-4'],
      [1e7, '1.0E7'],
      [12_345_678.9, '1.23456789E7'],
      [Number.NaN, 'null'],
    ];
    for (const [n, text] of cases) expect(javaDouble(n)).toBe(text);
  });
});
