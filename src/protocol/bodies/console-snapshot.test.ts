// KITEMQ_GET_BROKER_CONSOLE_SNAPSHOT's body against its golden bytes (KiteMQ's own layout, so the
// golden is the documented form in docs/request-codes.md, not a capture).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../common/errors.js';
import {
  type BrokerConsoleSnapshot,
  decodeBrokerConsoleSnapshot,
  encodeBrokerConsoleSnapshot,
} from './console-snapshot.js';

const golden = readFileSync(
  join(import.meta.dirname, '..', 'golden', 'bodies', 'kitemq-console-snapshot.txt'),
);
const value: BrokerConsoleSnapshot = {
  brokerAddr: '127.0.0.1:10911',
  brokerName: 'broker-a',
  groupTable: {
    GID_ORDERS: { consumeType: 'CONSUME_PASSIVELY', messageModel: 'CLUSTERING', onlineClients: 2 },
    GID_IDLE: { onlineClients: 0 },
  },
  topicTable: {
    TopicTest: { maxOffset: 1250, queueNums: 8 },
    TopicIdle: { maxOffset: 0, queueNums: 4 },
  },
};

describe('BrokerConsoleSnapshot body', () => {
  it('encodes to the golden bytes and decodes them back', () => {
    expect(encodeBrokerConsoleSnapshot(value).equals(golden)).toBe(true);
    expect(decodeBrokerConsoleSnapshot(golden)).toEqual(value);
  });

  it('keeps a row named like an Object.prototype key as a row', () => {
    const odd = { ...value, groupTable: JSON.parse('{"__proto__":{"onlineClients":1}}') };
    const back = decodeBrokerConsoleSnapshot(encodeBrokerConsoleSnapshot(odd));
    expect(Object.keys(back.groupTable)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(back.groupTable)).toBe(Object.prototype);
  });

  it('reads absent tables as empty, and refuses rows that are not counts', () => {
    expect(decodeBrokerConsoleSnapshot(Buffer.from('{}'))).toEqual({
      brokerAddr: '',
      brokerName: '',
      groupTable: {},
      topicTable: {},
    });
    const bad = [
      'nope',
      '[]',
      '{"groupTable":[]}',
      '{"groupTable":{"G":1}}',
      '{"groupTable":{"G":{"onlineClients":-1}}}',
      '{"groupTable":{"G":{"onlineClients":"2"}}}',
      '{"groupTable":{"G":{"onlineClients":1,"messageModel":7}}}',
      '{"topicTable":{"T":{"maxOffset":1.5,"queueNums":1}}}',
      '{"topicTable":{"T":null}}',
      '{"brokerAddr":7}',
    ];
    for (const b of bad)
      expect(() => decodeBrokerConsoleSnapshot(Buffer.from(b)), b).toThrow(ProtocolError);
  });
});
