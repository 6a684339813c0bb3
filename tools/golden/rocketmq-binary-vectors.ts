// ROCKETMQ binary (serialize type 1) frames laid out field by field as Java's
// RocketMQSerializable#rocketMQProtocolEncode writes them: short code, byte language, short
// version, int opaque, int flag, int remark length + UTF-8 remark (0 and nothing when the remark
// is null or empty), int extFields length + per entry short key length, key, int value length,
// value. Built here with plain int writers, not with src/protocol/rocketmq-header.ts, so a test
// comparing our encoder's bytes against them compares two independent derivations. Entries are
// in the order listed (a Java HashMap's order is arbitrary; receivers never depend on it).
import { write } from './out.js';

const SOURCE =
  'apache/rocketmq remoting RocketMQSerializable#rocketMQProtocolEncode / mapSerialize layout, ' +
  'assembled field by field in tools/golden/rocketmq-binary-vectors.ts';

interface BinaryCase {
  code: number;
  language: number;
  version: number;
  opaque: number;
  flag: number;
  remark?: string;
  extFields: [string, string][];
  body?: Buffer;
}

const int16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
};
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};

function frame(c: BinaryCase): string {
  const remark = Buffer.from(c.remark ?? '', 'utf8');
  const ext = Buffer.concat(
    c.extFields.flatMap(([k, v]) => {
      const kb = Buffer.from(k, 'utf8');
      const vb = Buffer.from(v, 'utf8');
      return [int16(kb.length), kb, int32(vb.length), vb];
    }),
  );
  const header = Buffer.concat([
    int16(c.code),
    Buffer.from([c.language]),
    int16(c.version),
    int32(c.opaque),
    int32(c.flag),
    int32(remark.length),
    remark,
    int32(ext.length),
    ext,
  ]);
  const body = c.body ?? Buffer.alloc(0);
  const mark = int32(header.length);
  mark[0] = 1; // serialize type ROCKETMQ in the high byte
  return Buffer.concat([int32(4 + header.length + body.length), mark, header, body]).toString(
    'hex',
  );
}

function vector(name: string, description: string, c: BinaryCase, language: string): void {
  write(name, {
    description,
    source: SOURCE,
    hex: frame(c),
    expect: {
      code: c.code,
      language,
      version: c.version,
      opaque: c.opaque,
      flag: c.flag,
      ...(c.remark ? { remark: c.remark } : {}),
      extFields: Object.fromEntries(c.extFields),
      ...(c.body ? { bodyUtf8: c.body.toString('utf8') } : {}),
    },
  });
}

export function captureRocketMQBinaryVectors(): void {
  vector(
    'java-binary-send-message-v2.json',
    'SEND_MESSAGE_V2 from a Java 5.3.3 producer with rocketmq.serialize.type=ROCKETMQ: ' +
      'SendMessageRequestHeaderV2 short names, properties with \\u0001/\\u0002, body "hello"',
    {
      code: 310,
      language: 0,
      version: 479,
      opaque: 1234,
      flag: 0,
      extFields: [
        ['a', 'ProducerGroupA'],
        ['b', 'TopicTest'],
        ['c', 'TBW102'],
        ['d', '4'],
        ['e', '3'],
        ['f', '0'],
        ['g', '1700000000000'],
        ['h', '0'],
        ['i', 'TAGS\u0001TagA\u0002UNIQ_KEY\u0001AC11000100002A9F0000000000000001\u0002'],
        ['j', '0'],
        ['k', 'false'],
        ['m', 'false'],
      ],
      body: Buffer.from('hello'),
    },
    'JAVA',
  );
  vector(
    'java-binary-send-response.json',
    'SEND_MESSAGE_V2 response SUCCESS as a Java broker with serializeTypeConfigInThisServer=ROCKETMQ ' +
      'writes it: flag 1, SendMessageResponseHeader fields, no remark, no body',
    {
      code: 0,
      language: 0,
      version: 479,
      opaque: 1234,
      flag: 1,
      extFields: [
        ['msgId', '7F00000100002A9F0000000000001F40'],
        ['queueId', '3'],
        ['queueOffset', '42'],
        ['MSG_REGION', 'DefaultRegion'],
        ['TRACE_ON', 'true'],
      ],
    },
    'JAVA',
  );
  vector(
    'java-binary-error-remark.json',
    'An error response with a UTF-8 remark (TOPIC_NOT_EXIST, multi-byte characters) and no ' +
      'extFields: remark length counts bytes, extFields length 0',
    {
      code: 17,
      language: 0,
      version: 479,
      opaque: -7,
      flag: 1,
      remark: 'topic[订单] not exist, apply first please!',
      extFields: [],
    },
    'JAVA',
  );
  vector(
    'go-binary-heart-beat-oneway.json',
    'A oneway request (flag 2) from a GO client (language byte 9, version 317) with a JSON body ' +
      'and an empty extFields map',
    {
      code: 34,
      language: 9,
      version: 317,
      opaque: 2,
      flag: 2,
      extFields: [],
      body: Buffer.from('{"clientID":"c1"}'),
    },
    'GO',
  );
}
