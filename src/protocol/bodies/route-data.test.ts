import { createRequire } from 'node:module';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../common/errors.js';
import {
  decodeRegisterBrokerBody,
  decodeTopicRouteData,
  encodeTopicRouteData,
  readJson,
  type TopicRouteData,
  writeJson,
} from './route-data.js';

const require = createRequire(import.meta.url);
const JSON2 = require('JSON2') as { parse(s: string): unknown };

const route: TopicRouteData = {
  brokerDatas: [
    {
      brokerAddrs: { '0': '10.0.0.1:10911', '1': '10.0.0.2:10911' },
      brokerName: 'broker-a',
      cluster: 'C',
    },
  ],
  filterServerTable: {},
  queueDatas: [
    { brokerName: 'broker-a', perm: 6, readQueueNums: 4, topicSysFlag: 0, writeQueueNums: 4 },
  ],
};

describe('route bodies', () => {
  it('writes fastjson form (unquoted brokerAddrs keys) for old clients and standard JSON for new', () => {
    const old = encodeTopicRouteData(route, false).toString();
    expect(old).toBe(
      '{"brokerDatas":[{"brokerAddrs":{0:"10.0.0.1:10911",1:"10.0.0.2:10911"},"brokerName":"broker-a","cluster":"C"}],' +
        '"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}',
    );
    expect(() => JSON.parse(old)).toThrow();
    const std = encodeTopicRouteData(route, true).toString();
    expect(JSON.parse(std)).toEqual(route);
    expect(std).not.toContain('orderTopicConf');
  });

  it('writes orderTopicConf between filterServerTable and queueDatas when set', () => {
    const ordered: TopicRouteData = { ...route, orderTopicConf: 'broker-a:4;broker-b:4' };
    const old = encodeTopicRouteData(ordered, false).toString();
    expect(old).toBe(
      '{"brokerDatas":[{"brokerAddrs":{0:"10.0.0.1:10911",1:"10.0.0.2:10911"},"brokerName":"broker-a","cluster":"C"}],' +
        '"filterServerTable":{},"orderTopicConf":"broker-a:4;broker-b:4",' +
        '"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}',
    );
    expect((JSON2.parse(old) as TopicRouteData).orderTopicConf).toBe('broker-a:4;broker-b:4');
    const std = encodeTopicRouteData(ordered, true);
    expect(JSON.parse(std.toString())).toEqual(ordered);
    expect(decodeTopicRouteData(std)).toEqual(ordered);
    expect(decodeTopicRouteData(Buffer.from(old))).toEqual(ordered);
    // undefined (orderMessageEnable off, or no KV value) is left out, never written as null.
    expect(encodeTopicRouteData({ ...route, orderTopicConf: undefined }, true).toString()).toBe(
      encodeTopicRouteData(route, true).toString(),
    );
  });

  it('is read by ali-ons (JSON2) in the old form and by our reader in both forms', () => {
    const old = encodeTopicRouteData(route, false).toString();
    const parsed = JSON2.parse(old) as TopicRouteData;
    expect(parsed.brokerDatas[0]!.brokerAddrs['0']).toBe('10.0.0.1:10911');
    expect(decodeTopicRouteData(Buffer.from(old))).toEqual(route);
    expect(decodeTopicRouteData(encodeTopicRouteData(route, true))).toEqual(route);
  });

  it('reads unquoted numeric keys but leaves digits inside strings alone', () => {
    expect(readJson('{"a":{0:"x, 1:y",12 : 3}}')).toEqual({ a: { '0': 'x, 1:y', '12': 3 } });
    expect(writeJson({ b: 1, a: [{ d: undefined, c: 'é' }] })).toBe('{"a":[{"c":"é"}],"b":1}');
  });

  it('decodes plain and zlib-compressed REGISTER_BROKER bodies', () => {
    const plain = decodeRegisterBrokerBody(
      Buffer.from(
        JSON.stringify({
          filterServerList: [],
          topicConfigSerializeWrapper: {
            dataVersion: { counter: 3, timestamp: 5 },
            topicConfigTable: {
              T: { topicName: 'T', readQueueNums: 2, writeQueueNums: 2, perm: 6 },
            },
          },
        }),
      ),
      false,
    );
    expect(plain.dataVersion.counter).toBe(3);
    expect(plain.topicConfigTable.T!.readQueueNums).toBe(2);
    const str = (s: string) => {
      const b = Buffer.from(s);
      const len = Buffer.alloc(4);
      len.writeInt32BE(b.length);
      return Buffer.concat([len, b]);
    };
    const count = Buffer.alloc(4);
    count.writeInt32BE(1);
    const raw = Buffer.concat([
      str('{"counter":7,"timestamp":9}'),
      count,
      str('T2 3 3 6 SINGLE_TAG'),
      str('[]'),
    ]);
    const z = decodeRegisterBrokerBody(deflateSync(raw), true);
    expect(z.dataVersion.counter).toBe(7);
    expect(z.topicConfigTable.T2).toMatchObject({ readQueueNums: 3, writeQueueNums: 3, perm: 6 });
  });

  // The cases below were found by src/protocol/fuzz.test.ts.
  const str = (s: string, n = Buffer.byteLength(s)) => {
    const len = Buffer.alloc(4);
    len.writeInt32BE(n);
    return Buffer.concat([len, Buffer.from(s)]);
  };
  const int = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    return b;
  };

  it('rejects a zlib register body whose lengths lie, at once (a negative one looped for minutes)', () => {
    const lying = [
      Buffer.concat([str('{}'), int(0x7fffffff), int(-4)]), // stepped back to reread -4 forever
      Buffer.concat([str('{}'), int(1), str('T 1 1 6', 1000)]),
      Buffer.concat([str('{}', -1)]),
      Buffer.concat([str('{}'), int(-1)]),
      Buffer.concat([str('{}'), int(0)]), // no filterServerList
    ];
    for (const raw of lying) {
      expect(() => decodeRegisterBrokerBody(deflateSync(raw), true)).toThrow(ProtocolError);
    }
  });

  it('refuses to inflate a zlib register body past its bound', () => {
    const bomb = deflateSync(Buffer.alloc(65 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(128 * 1024);
    expect(() => decodeRegisterBrokerBody(bomb, true)).toThrow(
      /Cannot create a Buffer|larger than/,
    );
  });

  it('rejects register bodies of the wrong shape before any route changes', () => {
    const bad = [
      'null',
      '5',
      '{"topicConfigSerializeWrapper":5}',
      '{"topicConfigSerializeWrapper":{"topicConfigTable":"abc"}}',
      '{"topicConfigSerializeWrapper":{"topicConfigTable":{"T":null}}}',
      '{"topicConfigSerializeWrapper":{"topicConfigTable":{"T":{"perm":"6"}}}}',
      '{"filterServerList":[1]}',
    ];
    for (const text of bad) {
      expect(() => decodeRegisterBrokerBody(Buffer.from(text), false), text).toThrow(ProtocolError);
    }
    const ok = decodeRegisterBrokerBody(
      Buffer.from('{"topicConfigTable":{"__proto__":{"perm":4},"T":{}}}'),
      false,
    );
    expect(Object.keys(ok.topicConfigTable).sort()).toEqual(['T', '__proto__']);
    expect(ok.topicConfigTable.T).toMatchObject({ topicName: 'T', readQueueNums: 16, perm: 6 });
  });

  it('rejects route bodies that are not JSON objects with a ProtocolError', () => {
    for (const text of ['null', '[]', '7']) {
      expect(() => decodeTopicRouteData(Buffer.from(text))).toThrow(ProtocolError);
    }
  });
});
