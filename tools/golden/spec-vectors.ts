// Vectors from the remoting spec's worked examples and documented Java layouts: the ROCKETMQ
// binary header, frame prefix, Java and C++ JSON headers, CRC-32, offset msgId, String#hashCode,
// and a SEND_BATCH_MESSAGE body assembled by hand (not by batch-codec.ts).
import { write } from './out.js';

const BATCH_DESCRIPTION =
  'SEND_BATCH_MESSAGE body with two inner messages, assembled byte by byte from ' +
  'MessageDecoder#encodeMessage layout (totalSize, magic 0, bodyCRC 0, flag, bodyLen, body, ' +
  'propsLen, props)';

export function captureSpecVectors(): void {
  captureFrameVectors();
  captureValueVectors();
}

function captureFrameVectors(): void {
  write('spec-1.5-rocketmq-binary.json', {
    description:
      'ROCKETMQ (type 1) binary header worked example: SEND_MESSAGE_V2, JAVA, version 479, opaque 7, extFields {a:"G"}, body "hi"',
    source:
      'remoting-protocol-1.md §1.5 (matches rocketmq-client-go codec.go and RocketMQSerializable)',
    hex:
      '00000023' +
      '0100001d' +
      '0136' +
      '00' +
      '01df' +
      '00000007' +
      '00000000' +
      '00000000' +
      '00000008' +
      '000161' +
      '00000001' +
      '47' +
      '6869',
    expect: {
      code: 310,
      language: 'JAVA',
      version: 479,
      opaque: 7,
      flag: 0,
      extFields: { a: 'G' },
      bodyUtf8: 'hi',
    },
  });
  write('spec-1.2-frame-prefix.json', {
    description:
      'First 8 bytes of the ali-ons SEND_MESSAGE_V2 worked example: L = 4 + 200 + 5, type 0, header 200',
    source: 'remoting-protocol-1.md §1.2',
    hex: '000000d1000000c8',
    expect: { length: 209, serializeType: 0, headerLength: 200, bodyLength: 5 },
  });
  write('spec-1.4-java-json-header.json', {
    description:
      'A JSON header as fastjson writes it for a Java client (keys sorted, serializeTypeCurrentRPC, string extFields)',
    source: 'remoting-protocol-1.md §1.4 example, framed by hand',
    hex: frameJson(
      '{"code":310,"extFields":{"a":"pg","b":"TopicTest"},"flag":0,"language":"JAVA","opaque":42,"serializeTypeCurrentRPC":"JSON","version":479}',
    ),
    expect: {
      code: 310,
      language: 'JAVA',
      version: 479,
      opaque: 42,
      flag: 0,
      extFields: { a: 'pg', b: 'TopicTest' },
    },
  });
  write('spec-1.4-cpp-json-header.json', {
    description:
      'A C++ client JSON header: JsonCpp FastWriter output with "remark":"" and a trailing newline, empty ACL keys',
    source: 'remoting-protocol-1.md §1.4 and §7 trap 22, framed by hand',
    hex: frameJson(
      '{"code":105,"extFields":{"AccessKey":"","Signature":"","topic":"TopicTest"},"flag":0,"language":"CPP","opaque":9,"remark":"","version":400}\n',
    ),
    expect: {
      code: 105,
      language: 'CPP',
      opaque: 9,
      flag: 0,
      extFields: { AccessKey: '', Signature: '', topic: 'TopicTest' },
    },
  });
}

function captureValueVectors(): void {
  write('spec-5.5-crc32.json', {
    description: 'bodyCRC check value: CRC-32 of "a" masked with 0x7fffffff',
    source: 'remoting-protocol-1.md §5.5 (UtilAll#crc32)',
    bodyHex: '61',
    crc32: 0xe8b7be43,
    stored: 1756872259,
  });
  write('spec-6.1-offset-msgid.json', {
    description: 'Offset message id: storeHost 10.0.0.1:10911, commit-log offset 123456',
    source: 'remoting-protocol-1.md §6.1 (MessageDecoder#createMessageId)',
    msgId: '0A00000100002A9F000000000001E240',
    storeHost: '10.0.0.1:10911',
    commitLogOffset: 123456,
  });
  write('spec-2.8-string-hashcode.json', {
    description: 'Java String#hashCode golden values used for tagsCode and codeSet',
    source: 'remoting-protocol-2.md §2.8',
    values: {
      '': 0,
      a: 97,
      '*': 42,
      TagA: 2598919,
      TagB: 2598920,
      'tag-1': 110118590,
      订单: 1129459,
      '😀': 1772899,
      'TopicTest#key1': -1655984460,
    },
  });
  write('batch-two-items.json', {
    description: BATCH_DESCRIPTION,
    source:
      'remoting-protocol-1.md §4.6; bytes built by hand in tools/capture-golden.ts, not by batch-codec.ts',
    hex: handBatch([
      { flag: 0, body: 'hello', props: 'TAGS\u0001TagA\u0002UNIQ_KEY\u0001AAAA\u0002' },
      { flag: 3, body: '订单', props: 'KEYS\u0001k\u0002' },
    ]),
    expect: [
      { flag: 0, bodyUtf8: 'hello', properties: { TAGS: 'TagA', UNIQ_KEY: 'AAAA' } },
      { flag: 3, bodyUtf8: '订单', properties: { KEYS: 'k' } },
    ],
  });
}

function frameJson(json: string): string {
  const header = Buffer.from(json, 'utf8');
  const prefix = Buffer.alloc(8);
  prefix.writeInt32BE(4 + header.length, 0);
  prefix.writeInt32BE(header.length, 4);
  return Buffer.concat([prefix, header]).toString('hex');
}

function handBatch(items: { flag: number; body: string; props: string }[]): string {
  let hex = '';
  for (const it of items) {
    const body = Buffer.from(it.body, 'utf8');
    const props = Buffer.from(it.props, 'utf8');
    const int = (n: number, bytes: number) => n.toString(16).padStart(bytes * 2, '0');
    hex += int(22 + body.length + props.length, 4) + int(0, 4) + int(0, 4) + int(it.flag, 4);
    hex +=
      int(body.length, 4) + body.toString('hex') + int(props.length, 2) + props.toString('hex');
  }
  return hex;
}
