// encodeSendRequestHead writes the bytes of the general path (send header codec, RemotingCommand,
// encodeCommandHead) for the same send, in both header types, and the Java 5.3.3 binary golden.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KITEMQ_REMOTING_VERSION } from '../common/limits.js';
import { encodeCommandHead, SerializeType, type SerializeTypeValue } from './remoting-command.js';
import {
  encodeSendRequestHead,
  type SendRequestFields,
  sendRequestCommand,
} from './send-request-frame.js';

const BASE: SendRequestFields = {
  code: 310,
  producerGroup: 'ProducerGroupA',
  topic: 'TopicTest',
  queueId: 3,
  sysFlag: 0,
  bornTimestamp: 1_700_000_000_000,
  propertiesHead: 'TAGS\u0001TagA\u0002UNIQ_KEY\u0001',
  uniqKey: 'AC11000100002A9F0000000000000001',
  propertiesTail: '\u0002',
  batch: false,
  body: Buffer.from('hello'),
};

function generalPath(
  f: SendRequestFields,
  opaque: number,
  type: SerializeTypeValue | undefined,
  inline: number,
): Buffer {
  return encodeCommandHead(sendRequestCommand(f, opaque, type), inline);
}

describe('encodeSendRequestHead', () => {
  it('writes the Java binary SEND_MESSAGE_V2 golden', () => {
    const url = new URL('./golden/java-binary-send-message-v2.json', import.meta.url);
    const g = JSON.parse(readFileSync(url, 'utf8')) as { hex: string; expect: { version: number } };
    // The golden is a Java 5.3.3 client's (version 479), which is the version KiteMQ sends.
    expect(KITEMQ_REMOTING_VERSION).toBe(g.expect.version);
    const frame = encodeSendRequestHead(BASE, 1234, SerializeType.ROCKETMQ, 1024);
    expect(frame.toString('hex')).toBe(g.hex);
  });

  const cases: [string, Partial<SendRequestFields>][] = [
    ['the golden send', {}],
    ['a batch, compressed flag', { code: 320, batch: true, sysFlag: 1, queueId: 0 }],
    ['negative and large numbers', { queueId: -1, sysFlag: 2 ** 31 - 1, bornTimestamp: 1e15 + 7 }],
    ['a non-integer number', { bornTimestamp: 1.5 }],
    [
      'properties in one piece',
      { propertiesHead: 'WAIT\u0001true\u0002', uniqKey: '', propertiesTail: '' },
    ],
    [
      'UTF-8 names and properties',
      { topic: '订单', propertiesTail: '\u0002KEYS\u0001键 k2\u0002' },
    ],
    [
      'a long ASCII properties string',
      { propertiesTail: `\u0002KEYS\u0001${'k'.repeat(300)}\u0002` },
    ],
    ['an empty body', { body: Buffer.alloc(0) }],
  ];
  for (const type of [SerializeType.ROCKETMQ, SerializeType.JSON, undefined]) {
    it.each(cases)(`gives the general path's bytes for %s (type ${type})`, (_name, over) => {
      const f = { ...BASE, ...over };
      for (const inline of [0, 1024]) {
        const got = encodeSendRequestHead(f, 99, type, inline);
        expect(got.toString('hex')).toBe(generalPath(f, 99, type, inline).toString('hex'));
      }
    });
  }

  it('leaves a body longer than the inline bound out of the frame', () => {
    const f = { ...BASE, body: Buffer.alloc(2000, 1) };
    const head = encodeSendRequestHead(f, 1, SerializeType.ROCKETMQ, 1024);
    expect(head.readInt32BE(0)).toBe(head.length - 4 + 2000);
  });
});
