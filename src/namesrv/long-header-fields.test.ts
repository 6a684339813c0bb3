// The Java long fields of the request headers the name server parses (RegisterBrokerRequestHeader
// brokerId and heartbeatTimeoutMillis, UnRegisterBrokerRequestHeader brokerId), at
// Long.MIN_VALUE and Long.MAX_VALUE: accepted, saturating beyond ±2^53 as in the broker.
import { describe, expect, it } from 'vitest';
import type { ExtFields } from '../protocol/remoting-command.js';
import {
  parseRegisterBrokerHeader,
  parseUnregisterBrokerHeader,
} from './processors/default-request-processor.js';

const broker = { clusterName: 'C', brokerAddr: '127.0.0.1:10911', brokerName: 'B', brokerId: '0' };

const LONG_FIELDS: [string, string, (e: ExtFields) => Record<string, unknown>][] = [
  ['RegisterBrokerRequestHeader', 'brokerId', parseRegisterBrokerHeader],
  ['RegisterBrokerRequestHeader', 'heartbeatTimeoutMillis', parseRegisterBrokerHeader],
  ['UnRegisterBrokerRequestHeader', 'brokerId', parseUnregisterBrokerHeader],
];

describe('Java long request header fields (name server)', () => {
  it.each(LONG_FIELDS)('%s.%s accepts Long.MIN_VALUE and Long.MAX_VALUE', (_h, key, decode) => {
    expect(decode({ ...broker, [key]: '9223372036854775807' })[key]).toBe(Number.MAX_SAFE_INTEGER);
    expect(decode({ ...broker, [key]: '-9223372036854775808' })[key]).toBe(
      -Number.MAX_SAFE_INTEGER,
    );
    expect(decode({ ...broker, [key]: '30000' })[key]).toBe(30000);
  });

  it.each(LONG_FIELDS)('%s.%s refuses a value past the Java long range', (_h, key, decode) => {
    expect(() => decode({ ...broker, [key]: '9223372036854775808' })).toThrow(
      /must be a Java long/,
    );
  });
});
