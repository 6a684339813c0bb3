import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../common/errors.js';
import { decodeTopicStatsTable, encodeTopicStatsTable } from './topic-stats-table.js';

// GET_TOPIC_STATS_INFO's body for a topic with two queues in the layout fastjson gives RocketMQ's
// TopicStatsTable (MessageQueue in key position, fields in name order); written from that layout,
// not captured from a Java broker.
const JAVA_BODY =
  '{"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"TopicTest"}:' +
  '{"lastUpdateTimestamp":1733100000000,"maxOffset":12,"minOffset":0},' +
  '{"brokerName":"broker-a","queueId":1,"topic":"TopicTest"}:' +
  '{"lastUpdateTimestamp":0,"maxOffset":0,"minOffset":0}},"topicPutTps":0.0}';

describe('TopicStatsTable body (fastjson form)', () => {
  it('decodes the Java bytes and re-encodes them byte for byte', () => {
    const t = decodeTopicStatsTable(Buffer.from(JAVA_BODY));
    expect(t.offsetTable).toEqual([
      {
        mq: { topic: 'TopicTest', brokerName: 'broker-a', queueId: 0 },
        offset: { minOffset: 0, maxOffset: 12, lastUpdateTimestamp: 1733100000000 },
      },
      {
        mq: { topic: 'TopicTest', brokerName: 'broker-a', queueId: 1 },
        offset: { minOffset: 0, maxOffset: 0, lastUpdateTimestamp: 0 },
      },
    ]);
    expect(t.topicPutTps).toBe(0);
    expect(encodeTopicStatsTable(t).toString('utf8')).toBe(JAVA_BODY);
  });

  it('reads a topic name with a brace or a quote in it and an empty table', () => {
    const t = {
      offsetTable: [
        {
          mq: { topic: 'a}"b', brokerName: 'b{', queueId: 3 },
          offset: { minOffset: 1, maxOffset: 2, lastUpdateTimestamp: 3 },
        },
      ],
      topicPutTps: 1.5,
    };
    expect(decodeTopicStatsTable(encodeTopicStatsTable(t))).toEqual(t);
    expect(decodeTopicStatsTable(Buffer.from('{"offsetTable":{},"topicPutTps":0.0}'))).toEqual({
      offsetTable: [],
      topicPutTps: 0,
    });
  });

  it('rejects a body that is not a TopicStatsTable', () => {
    // fastjson reads a missing map as empty, and so do we; what is there must have its shape.
    expect(decodeTopicStatsTable(Buffer.from('{}')).offsetTable).toEqual([]);
    expect(() => decodeTopicStatsTable(Buffer.from('{"offsetTable":{1:2}}'))).toThrow(
      ProtocolError,
    );
    expect(() => decodeTopicStatsTable(Buffer.from('{"offsetTable":{{"a":1}'))).toThrow(
      ProtocolError,
    );
  });
});
