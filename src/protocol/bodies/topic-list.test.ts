import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../common/errors.js';
import { decodeTopicList, encodeTopicList } from './topic-list.js';

describe('TopicList body (fastjson form)', () => {
  it('encodes the bytes fastjson writes: fields in name order, a null brokerAddr left out', () => {
    const system = { topicList: ['DefaultCluster', 'broker-a'], brokerAddr: '127.0.0.1:10911' };
    expect(encodeTopicList(system).toString()).toBe(
      '{"brokerAddr":"127.0.0.1:10911","topicList":["DefaultCluster","broker-a"]}',
    );
    expect(encodeTopicList({ topicList: ['T'] }).toString()).toBe('{"topicList":["T"]}');
  });

  it('decodes what it encodes and what a Java name server writes', () => {
    const t = { topicList: ['a', 'b'], brokerAddr: '10.0.0.1:10911' };
    expect(decodeTopicList(encodeTopicList(t))).toEqual(t);
    expect(decodeTopicList(Buffer.from('{"topicList":[]}'))).toEqual({ topicList: [] });
  });

  it('rejects a body that is not a topic list', () => {
    expect(() => decodeTopicList(Buffer.from('{"topicList":[1]}'))).toThrow(ProtocolError);
    expect(() => decodeTopicList(Buffer.from('nope'))).toThrow(ProtocolError);
    expect(() => decodeTopicList(Buffer.from('null'))).toThrow(ProtocolError);
  });
});
