// ROCKETMQ binary headers (spec part 1 §1.5): frames laid out as Java's RocketMQSerializable
// writes them decode to the command and encode back to the same bytes, through the production
// path (encodeCommand with serializeType ROCKETMQ); malformed headers are a ProtocolError.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../common/errors.js';
import { FrameDecoder } from './frame.js';
import {
  createRequest,
  createResponse,
  createResponseWithFields,
  decodeCommand,
  encodeCommand,
  encodeCommandParts,
  type RemotingCommand,
  SerializeType,
} from './remoting-command.js';

interface BinaryGolden {
  hex: string;
  expect: {
    code: number;
    language: string;
    version: number;
    opaque: number;
    flag: number;
    remark?: string;
    extFields: Record<string, string>;
    bodyUtf8?: string;
  };
}

const GOLDENS = [
  'spec-1.5-rocketmq-binary.json',
  'java-binary-send-message-v2.json',
  'java-binary-send-response.json',
  'java-binary-error-remark.json',
  'go-binary-heart-beat-oneway.json',
];

function golden(name: string): BinaryGolden {
  return JSON.parse(readFileSync(new URL(`./golden/${name}`, import.meta.url), 'utf8'));
}

function decodeWhole(bytes: Buffer): RemotingCommand {
  const frames = new FrameDecoder().push(bytes);
  expect(frames).toHaveLength(1);
  return decodeCommand(frames[0]!);
}

describe('ROCKETMQ binary goldens', () => {
  it.each(GOLDENS)('%s decodes to the fields it was laid out with', (name) => {
    const g = golden(name);
    const cmd = decodeWhole(Buffer.from(g.hex, 'hex'));
    expect(cmd).toEqual({
      code: g.expect.code,
      language: g.expect.language,
      version: g.expect.version,
      opaque: g.expect.opaque,
      flag: g.expect.flag,
      remark: g.expect.remark,
      extFields: g.expect.extFields,
      body: g.expect.bodyUtf8 === undefined ? undefined : Buffer.from(g.expect.bodyUtf8),
      serializeType: SerializeType.ROCKETMQ,
    });
    expect(Object.getPrototypeOf(cmd.extFields)).toBe(Object.prototype);
  });

  it.each(GOLDENS)('%s: a command built from its fields encodes to the same bytes', (name) => {
    const g = golden(name);
    const cmd: RemotingCommand = {
      ...g.expect,
      body: g.expect.bodyUtf8 === undefined ? undefined : Buffer.from(g.expect.bodyUtf8),
      serializeType: SerializeType.ROCKETMQ,
    };
    expect(encodeCommand(cmd).toString('hex')).toBe(g.hex);
  });

  it('leaves the body out of the header buffer, uncopied, as the JSON path does', () => {
    const body = Buffer.from('payload');
    const cmd = {
      ...createRequest(310, 9, { a: 'x' }, body),
      serializeType: SerializeType.ROCKETMQ,
    };
    const [head, out] = encodeCommandParts(cmd);
    expect(out).toBe(body);
    expect(head.readInt32BE(0)).toBe(head.length - 4 + body.length);
    expect(head.readUInt8(4)).toBe(SerializeType.ROCKETMQ);
  });
});

describe('ROCKETMQ binary encoding choices', () => {
  it('sends a code past int16 (5.x POP codes) as JSON, since binary cannot carry it', () => {
    const cmd = { ...createRequest(200050, 3, { a: '1' }), serializeType: SerializeType.ROCKETMQ };
    const frame = encodeCommand(cmd);
    expect(frame.readUInt8(4)).toBe(SerializeType.JSON);
    expect(decodeCommand(frame.subarray(4)).code).toBe(200050);
  });

  it('round-trips long and non-ASCII keys, values and remarks', () => {
    const long = `${'x'.repeat(70)}é`;
    const cmd: RemotingCommand = {
      code: 1,
      language: 'JAVA',
      version: 479,
      opaque: 5,
      flag: 1,
      remark: `订单 ${'r'.repeat(100)}`,
      extFields: { [long]: '订单'.repeat(40), ключ: 'значение', k: long, e: '😀' },
      serializeType: SerializeType.ROCKETMQ,
    };
    expect(decodeCommand(encodeCommand(cmd).subarray(4))).toEqual({ ...cmd, body: undefined });
  });

  it('encodes a header larger than its scratch buffer, and a small one after it', () => {
    const big = {
      ...createRequest(310, 1, { big: '订'.repeat(40_000), k: 'v' }),
      serializeType: 1 as const,
    };
    expect(decodeCommand(encodeCommand(big).subarray(4)).extFields).toEqual(big.extFields);
    const small = { ...createRequest(310, 2, { a: 'b' }), serializeType: 1 as const };
    expect(decodeCommand(encodeCommand(small).subarray(4)).extFields).toEqual({ a: 'b' });
  });

  it('decodes many distinct short strings right, whatever the string cache holds', () => {
    const fields: Record<string, string> = {};
    for (let i = 0; i < 3000; i++) fields[`k${i}`] = `v${i % 7}${i}`;
    const cmd = { ...createRequest(10, 1, fields), serializeType: 1 as const };
    for (let round = 0; round < 2; round++) {
      expect(decodeCommand(encodeCommand(cmd).subarray(4)).extFields).toEqual(fields);
    }
  });

  it('writes an unknown language as OTHER and reads a byte past the table as OTHER', () => {
    const cmd = {
      ...createRequest(10, 1),
      language: 'COBOL',
      serializeType: SerializeType.ROCKETMQ,
    };
    const frame = encodeCommand(cmd);
    expect(frame[8 + 2]).toBe(7);
    frame[8 + 2] = 99;
    expect(decodeCommand(frame.subarray(4)).language).toBe('OTHER');
  });

  it('drops entries with an empty key or value (5.x reads them as null), keeps the rest', () => {
    // Java 4.x writes an empty value with length 0.
    const hex =
      '0001' +
      '00' +
      '0191' +
      '00000001' +
      '00000000' +
      '00000000' +
      '00000016' +
      '000161' +
      '00000000' + // a -> ""
      '0000' +
      '00000001' +
      '78' + // "" -> x
      '000162' +
      '00000001' +
      '79'; // b -> y
    const cmd = decodeCommand(frameOf(Buffer.from(hex, 'hex')));
    expect(cmd.extFields).toEqual({ b: 'y' });
  });
});

describe('responses answer in their request serialization', () => {
  it('createResponse and createResponseWithFields copy the request type', () => {
    const binary = decodeCommand(
      encodeCommand({ ...createRequest(10, 4), serializeType: SerializeType.ROCKETMQ }).subarray(4),
    );
    const json = decodeCommand(encodeCommand(createRequest(10, 4)).subarray(4));
    expect(binary.serializeType).toBe(SerializeType.ROCKETMQ);
    expect(json.serializeType).toBeUndefined();
    for (const [req, type] of [
      [binary, SerializeType.ROCKETMQ],
      [json, SerializeType.JSON],
    ] as const) {
      expect(encodeCommand(createResponse(req, 0, 'ok')).readUInt8(4)).toBe(type);
      expect(encodeCommand(createResponseWithFields(req, 0, undefined, {})).readUInt8(4)).toBe(
        type,
      );
    }
  });
});

/** A frame (without its length prefix) around header bytes. */
function frameOf(header: Buffer): Buffer {
  const out = Buffer.alloc(4 + header.length);
  out.writeInt32BE((SerializeType.ROCKETMQ << 24) | header.length, 0);
  header.copy(out, 4);
  return out;
}

describe('malformed ROCKETMQ binary headers', () => {
  // code 1, JAVA, version 401, opaque 1, flag 0: the 13 bytes before the remark length.
  const head = '0001' + '00' + '0191' + '00000001' + '00000000';
  const cases: [string, string][] = [
    ['shorter than the fixed 21 bytes', head + '000000'],
    ['a negative remark length', head + 'ffffffff' + '00000000'],
    ['a remark length past the end', head + '00000010' + '6162' + '00000000'],
    ['a remark length of 2^31-1', head + '7fffffff' + '00000000'],
    ['a remark that leaves no room for the extFields length', head + '00000002' + '6162' + '0000'],
    ['a negative extFields length', head + '00000000' + '80000000'],
    ['an extFields length past the end', head + '00000000' + '00000010' + '000161'],
    ['an extFields length of 2^31-1', head + '00000000' + '7fffffff'],
    ['one stray byte where a key length should be', head + '00000000' + '00000001' + '00'],
    ['a negative key length', head + '00000000' + '00000006' + 'ffff' + '00000000'],
    ['a key length past the entries', head + '00000000' + '00000007' + '0010' + '61' + '00000000'],
    ['a key with no value length after it', head + '00000000' + '00000004' + '0001' + '6100'],
    ['a negative value length', head + '00000000' + '00000007' + '0001' + '61' + 'ffffffff'],
    [
      'a value length past the entries',
      head + '00000000' + '00000008' + '0001' + '61' + '00000002' + '62',
    ],
    [
      'a value length of 2^31-1',
      head + '00000000' + '00000008' + '0001' + '61' + '7fffffff' + '62',
    ],
    [
      'an entry running past the extFields length into the body',
      `${head}00000000000000070001610000000162`,
    ],
  ];
  it.each(cases)('%s is a ProtocolError', (_what, hex) => {
    const header = Buffer.from(hex, 'hex');
    expect(() => decodeCommand(frameOf(header))).toThrow(ProtocolError);
  });

  it('a header length past the frame is a ProtocolError before the header is read', () => {
    const frame = Buffer.alloc(8);
    frame.writeInt32BE((SerializeType.ROCKETMQ << 24) | 0xffffff, 0);
    expect(() => decodeCommand(frame)).toThrow(ProtocolError);
  });

  it('every truncation of every golden header is a ProtocolError', () => {
    for (const name of GOLDENS) {
      const frame = Buffer.from(golden(name).hex, 'hex').subarray(4);
      const headerLength = frame.readInt32BE(0) & 0xffffff;
      for (let cut = 0; cut < headerLength; cut++) {
        // The extFields length comes last and counts every entry, so any cut leaves a length
        // pointing past the end.
        expect(() => decodeCommand(frameOf(frame.subarray(4, 4 + cut)))).toThrow(ProtocolError);
      }
    }
  });
});
