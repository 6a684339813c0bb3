// Every Java long field of every request header the broker parses, at Long.MIN_VALUE and
// Long.MAX_VALUE (RocketMQ's *RequestHeader classes declare these as long/Long). The Java client
// really sends such values: endTimestamp=Long.MAX_VALUE in a lookup by unique key. Each is
// accepted; beyond ±2^53 the decoded number saturates (fields.ts says why that is exact enough).
import { describe, expect, it } from 'vitest';
import type { ExtFields } from '../protocol/remoting-command.js';
import { createRequest } from '../protocol/remoting-command.js';
import { RequestCode } from '../protocol/request-code.js';
import { parseSearchOffsetHeader } from './processors/admin.js';
import { parseUpdateConsumerOffsetHeader } from './processors/consumer-manage.js';
import { parsePullHeader } from './processors/pull-message.js';
import { parseQueryMessageHeader, parseViewMessageHeader } from './processors/query-message.js';
import { parseResetOffsetHeader } from './processors/reset-offset.js';
import { parseSendHeader } from './processors/send-message.js';
import { parseSendBackHeader } from './processors/send-message-back.js';

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
const viaRequest = (code: number, parse: (r: ReturnType<typeof createRequest>) => unknown) => {
  return (e: ExtFields) => parse(createRequest(code, 0, e));
};

/** [request header, wire key, decoder, decoded property, the other required fields]. */
type LongField = [string, string, (e: ExtFields) => unknown, string, ExtFields];
const LONG_FIELDS: LongField[] = [
  [
    'SendMessageRequestHeader',
    'bornTimestamp',
    (e) => parseSendHeader(RequestCode.SEND_MESSAGE, e),
    'bornTimestamp',
    { producerGroup: 'PG', topic: 'T', queueId: '0' },
  ],
  [
    'SendMessageRequestHeaderV2',
    'g',
    (e) => parseSendHeader(RequestCode.SEND_MESSAGE_V2, e),
    'bornTimestamp',
    send,
  ],
  [
    'SendMessageRequestHeaderV2 (batch)',
    'g',
    (e) => parseSendHeader(RequestCode.SEND_BATCH_MESSAGE, e),
    'bornTimestamp',
    send,
  ],
  ...['queueOffset', 'commitOffset', 'suspendTimeoutMillis', 'subVersion'].map(
    (k): LongField => [
      'PullMessageRequestHeader',
      k,
      viaRequest(RequestCode.PULL_MESSAGE, parsePullHeader),
      k,
      pull,
    ],
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
    parseUpdateConsumerOffsetHeader,
    'offset',
    { consumerGroup: 'G', topic: 'T', queueId: '0' },
  ],
  [
    'ConsumerSendMsgBackRequestHeader',
    'offset',
    viaRequest(RequestCode.CONSUMER_SEND_MSG_BACK, parseSendBackHeader),
    'offset',
    { group: 'G', delayLevel: '0' },
  ],
  [
    'SearchOffsetRequestHeader',
    'timestamp',
    parseSearchOffsetHeader,
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
