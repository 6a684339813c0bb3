// Every Java long field of every request header the broker parses, at Long.MIN_VALUE and
// Long.MAX_VALUE (RocketMQ's *RequestHeader classes declare these as long/Long). The Java client
// really sends such values: endTimestamp=Long.MAX_VALUE in a lookup by unique key. Each is
// accepted; beyond ±2^53 the decoded number saturates (fields.ts says why that is exact enough).
import { describe, expect, it } from 'vitest';
import { decodeSendMsgBackHeader } from '../protocol/headers/consumer-send-msg-back.js';
import {
  decodeSearchOffsetHeader,
  decodeUpdateConsumerOffsetHeader,
} from '../protocol/headers/offsets.js';
import { decodePullHeader } from '../protocol/headers/pull.js';
import { decodeSendHeader } from '../protocol/headers/send.js';
import type { ExtFields } from '../protocol/remoting-command.js';
import { RequestCode } from '../protocol/request-code.js';
import { parseQueryMessageHeader, parseViewMessageHeader } from './processors/query-message.js';
import { parseResetOffsetHeader } from './processors/reset-offset.js';

const LONG_MAX = '9223372036854775807';
const LONG_MIN = '-9223372036854775808';

const send = { a: 'PG', b: 'T', e: '0' };
const pull = {
  consumerGroup: 'G',
  topic: 'T',
  queueId: '0',
  queueOffset: '0',
  maxMsgNums: '32',
  sysFlag: '0',
};

/** [request header, wire key, decoder, decoded property, the other required fields]. */
type LongField = [string, string, (e: ExtFields) => unknown, string, ExtFields];
const LONG_FIELDS: LongField[] = [
  [
    'SendMessageRequestHeader',
    'bornTimestamp',
    (e) => decodeSendHeader(RequestCode.SEND_MESSAGE, e),
    'bornTimestamp',
    { producerGroup: 'PG', topic: 'T', queueId: '0' },
  ],
  [
    'SendMessageRequestHeaderV2',
    'g',
    (e) => decodeSendHeader(RequestCode.SEND_MESSAGE_V2, e),
    'bornTimestamp',
    send,
  ],
  [
    'SendMessageRequestHeaderV2 (batch)',
    'g',
    (e) => decodeSendHeader(RequestCode.SEND_BATCH_MESSAGE, e),
    'bornTimestamp',
    send,
  ],
  ...['queueOffset', 'commitOffset', 'suspendTimeoutMillis', 'subVersion'].map(
    (k): LongField => ['PullMessageRequestHeader', k, decodePullHeader, k, pull],
  ),
  ...['beginTimestamp', 'endTimestamp'].map(
    (k): LongField => [
      'QueryMessageRequestHeader',
      k,
      parseQueryMessageHeader,
      k,
      { topic: 'T', key: 'K' },
    ],
  ),
  ['ViewMessageRequestHeader', 'offset', parseViewMessageHeader, 'offset', {}],
  [
    'UpdateConsumerOffsetRequestHeader',
    'commitOffset',
    decodeUpdateConsumerOffsetHeader,
    'commitOffset',
    { consumerGroup: 'G', topic: 'T', queueId: '0' },
  ],
  [
    'ConsumerSendMsgBackRequestHeader',
    'offset',
    decodeSendMsgBackHeader,
    'offset',
    { group: 'G', delayLevel: '0' },
  ],
  [
    'SearchOffsetRequestHeader',
    'timestamp',
    decodeSearchOffsetHeader,
    'timestamp',
    { topic: 'T', queueId: '0' },
  ],
  [
    'ResetOffsetRequestHeader',
    'timestamp',
    parseResetOffsetHeader,
    'timestamp',
    { topic: 'T', group: 'G' },
  ],
  [
    'ResetOffsetRequestHeader',
    'offset',
    parseResetOffsetHeader,
    'explicit',
    { topic: 'T', group: 'G', timestamp: '0' },
  ],
];

describe('Java long request header fields (broker)', () => {
  it.each(LONG_FIELDS)(
    '%s.%s accepts Long.MIN_VALUE and Long.MAX_VALUE',
    (_h, key, decode, prop, rest) => {
      const at = (v: string) =>
        (decode({ timestamp: '0', ...rest, [key]: v }) as Record<string, unknown>)[prop];
      expect(at(LONG_MAX)).toBe(Number.MAX_SAFE_INTEGER);
      expect(at(LONG_MIN)).toBe(-Number.MAX_SAFE_INTEGER);
      expect(at('1700000000123')).toBe(1700000000123);
    },
  );

  it.each(LONG_FIELDS)(
    '%s.%s still refuses a value past the Java long range',
    (_h, key, decode, _p, rest) => {
      expect(() => decode({ timestamp: '0', ...rest, [key]: '9223372036854775808' })).toThrow(
        /must be a Java long/,
      );
    },
  );
});
