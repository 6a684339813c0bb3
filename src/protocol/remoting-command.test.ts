// RemotingCommand codec against golden frames: ali-ons' encoder and wire bytes, the spec's ROCKETMQ
// binary example, Java and C++ JSON headers. Then our encoding as ali-ons decodes it, malformed
// headers, and a property-based round trip (spec part 1 §1.2–§1.9).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../common/errors.js';
import { KITEMQ_REMOTING_VERSION } from '../common/limits.js';
import { FrameDecoder } from './frame.js';
import {
  createRequest,
  createResponse,
  decodeCommand,
  encodeBinaryCommand,
  encodeCommand,
  encodeCommandParts,
  FLAG_ONEWAY,
  FLAG_RESPONSE,
  isOneway,
  isResponse,
  type RemotingCommand,
  SerializeType,
  stringifyFields,
} from './remoting-command.js';

const require = createRequire(import.meta.url);
const AliRemotingCommand = require('ali-ons/lib/protocol/command/remoting_command') as {
  decode(packet: Buffer): {
    code: number;
    opaque: number;
    flag: number;
    remark?: string;
    extFields: Record<string, unknown>;
    body?: Buffer;
    isResponseType: boolean;
  };
};

interface GoldenFrame {
  description: string;
  hex: string;
  expect: {
    code: number;
    flag?: number;
    opaque?: number;
    language?: string;
    version?: number;
    remark?: string;
    extFields?: Record<string, string>;
    bodyUtf8?: string;
    bodyJson?: unknown;
    topic?: string;
    producerGroup?: string;
    tag?: string;
    key?: string;
  };
}

function golden(name: string): GoldenFrame {
  return JSON.parse(readFileSync(new URL(`./golden/${name}`, import.meta.url), 'utf8'));
}

/** Decodes a whole frame (length prefix included) the way the server does. */
function decodeWhole(bytes: Buffer): RemotingCommand {
  const frames = new FrameDecoder().push(bytes);
  expect(frames).toHaveLength(1);
  return decodeCommand(frames[0]!);
}

function headerJson(frame: Buffer): Record<string, unknown> {
  const headerLength = frame.readInt32BE(4) & 0xffffff;
  return JSON.parse(frame.toString('utf8', 8, 8 + headerLength));
}

/** A frame payload (no length prefix) with a JSON header given as text. */
function jsonFrame(header: string, type = 0): Buffer {
  const h = Buffer.from(header, 'utf8');
  const mark = Buffer.alloc(4);
  mark.writeUInt32BE(((type << 24) | h.length) >>> 0, 0);
  return Buffer.concat([mark, h]);
}

/** A binary (type 1) frame payload from raw header bytes. */
function binaryFrame(header: Buffer, body = Buffer.alloc(0)): Buffer {
  const mark = Buffer.alloc(4);
  mark.writeInt32BE((1 << 24) | header.length, 0);
  return Buffer.concat([mark, header, body]);
}

/** code, language, version, opaque, flag (13 bytes), then the given remark and ext sections. */
function binaryHeader(rest: Buffer): Buffer {
  const fixed = Buffer.alloc(13);
  fixed.writeInt16BE(310, 0);
  fixed.writeInt8(0, 2);
  fixed.writeInt16BE(479, 3);
  fixed.writeInt32BE(7, 5);
  fixed.writeInt32BE(0, 9);
  return Buffer.concat([fixed, rest]);
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n, 0);
  return b;
}

function int16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n, 0);
  return b;
}

const ALI_ONS_ENCODED = [
  'ali-ons-send-message-v2.json',
  'ali-ons-send-message-v2-no-tag.json',
  'ali-ons-send-message-v2-signed.json',
  'ali-ons-heart-beat.json',
  'ali-ons-pull-message.json',
  'ali-ons-get-route.json',
  'ali-ons-response.json',
];

describe('decoding ali-ons frames (golden, from its own encoder)', () => {
  it.each(ALI_ONS_ENCODED)('%s', (name) => {
    const g = golden(name);
    const cmd = decodeWhole(Buffer.from(g.hex, 'hex'));
    const e = g.expect;
    expect(cmd.code).toBe(e.code);
    if (e.flag !== undefined) expect(cmd.flag).toBe(e.flag);
    if (e.opaque !== undefined) expect(cmd.opaque).toBe(e.opaque);
    expect(cmd.language).toBe('JAVA');
    expect(cmd.version).toBe(121);
    if (e.remark !== undefined) expect(cmd.remark).toBe(e.remark);
    expect(cmd.extFields).toMatchObject(e.extFields ?? {});
    for (const v of Object.values(cmd.extFields)) expect(typeof v).toBe('string');
    if (e.bodyUtf8 !== undefined) expect(cmd.body?.toString('utf8')).toBe(e.bodyUtf8);
    if (e.bodyJson !== undefined)
      expect(JSON.parse(cmd.body!.toString('utf8'))).toEqual(e.bodyJson);
  });

  it('decodes the whole SEND_MESSAGE_V2 header exactly, undefined keys absent', () => {
    const g = golden('ali-ons-send-message-v2.json');
    const cmd = decodeWhole(Buffer.from(g.hex, 'hex'));
    expect(cmd.extFields).toEqual(g.expect.extFields);
    expect('l' in cmd.extFields).toBe(false);
  });

  it('coerces the JSON numbers and booleans ali-ons sends into strings', () => {
    const bytes = Buffer.from(golden('ali-ons-send-message-v2.json').hex, 'hex');
    const raw = headerJson(bytes).extFields as Record<string, unknown>;
    // The fixture really carries non-strings: that is what makes this test meaningful.
    expect(raw.d).toBe(4);
    expect(raw.g).toBe(1700000000000);
    expect(raw.k).toBe(false);
    const cmd = decodeWhole(bytes);
    expect(cmd.extFields.d).toBe('4');
    expect(cmd.extFields.g).toBe('1700000000000');
    expect(cmd.extFields.k).toBe('false');
  });

  it('keeps the ACL keys of a signed ali-ons request as plain strings', () => {
    const g = golden('ali-ons-send-message-v2-signed.json');
    const cmd = decodeWhole(Buffer.from(g.hex, 'hex'));
    expect(cmd.extFields.AccessKey).toBe('golden-ak');
    expect(cmd.extFields.OnsChannel).toBe('ALIYUN');
    expect(cmd.extFields.Signature).toMatch(/^[A-Za-z0-9+/]+=*$/);
  });
});

describe('re-encoding golden frames', () => {
  const all = [
    ...ALI_ONS_ENCODED,
    'ali-ons-wire-get-route.json',
    'ali-ons-wire-heart-beat.json',
    'ali-ons-wire-send-message-v2.json',
    'ali-ons-wire-pull-message.json',
    'ali-ons-wire-update-consumer-offset.json',
    'ali-ons-wire-unregister-client.json',
    'spec-1.4-java-json-header.json',
    'spec-1.4-cpp-json-header.json',
    'spec-1.5-rocketmq-binary.json',
  ];
  it.each(all)('%s: decode(encode(decode(bytes))) equals decode(bytes)', (name) => {
    const cmd = decodeWhole(Buffer.from(golden(name).hex, 'hex'));
    expect(decodeWhole(encodeCommand(cmd))).toEqual(cmd);
  });
});

describe('decoding ali-ons frames (golden, recorded from a real client socket)', () => {
  it.each([
    ['ali-ons-wire-get-route.json', 105],
    ['ali-ons-wire-heart-beat.json', 34],
    ['ali-ons-wire-send-message-v2.json', 310],
    ['ali-ons-wire-pull-message.json', 11],
    ['ali-ons-wire-update-consumer-offset.json', 15],
    ['ali-ons-wire-unregister-client.json', 35],
  ])('%s decodes to request code %i with string extFields', (name, code) => {
    const g = golden(name);
    const cmd = decodeWhole(Buffer.from(g.hex, 'hex'));
    expect(cmd.code).toBe(code);
    expect(isResponse(cmd)).toBe(false);
    expect(cmd.opaque).toBeGreaterThan(0);
    for (const v of Object.values(cmd.extFields)) expect(typeof v).toBe('string');
  });

  it('reads the recorded SEND_MESSAGE_V2 fields the producer was given', () => {
    const g = golden('ali-ons-wire-send-message-v2.json');
    const cmd = decodeWhole(Buffer.from(g.hex, 'hex'));
    expect(cmd.extFields).toMatchObject({
      a: g.expect.producerGroup,
      b: g.expect.topic,
      c: 'TBW102',
      d: '4',
      k: 'false',
      i: `TAGS\u0001${g.expect.tag}\u0002KEYS\u0001${g.expect.key}\u0002`,
    });
    expect(cmd.extFields.g).toMatch(/^\d{13}$/);
    expect(cmd.body?.toString('utf8')).toBe(g.expect.bodyUtf8);
  });

  it('sees the flag ali-ons puts on its "oneway" UPDATE_CONSUMER_OFFSET: 0, not 2', () => {
    // ali-ons' Channel#invokeOneway never calls markOnewayRPC, so the broker answers and ali-ons
    // drops the reply. Pinned here because a broker must not rely on the oneway bit from ali-ons.
    const cmd = decodeWhole(
      Buffer.from(golden('ali-ons-wire-update-consumer-offset.json').hex, 'hex'),
    );
    expect(cmd.flag).toBe(0);
    expect(cmd.extFields).toMatchObject({
      queueId: '0',
      commitOffset: expect.stringMatching(/^\d+$/),
    });
  });
});

describe('decoding Java, C++ and spec vectors', () => {
  it('decodes the ROCKETMQ binary header worked example of spec §1.5', () => {
    const g = golden('spec-1.5-rocketmq-binary.json');
    const bytes = Buffer.from(g.hex, 'hex');
    expect(bytes.length).toBe(39);
    expect(bytes.readInt32BE(4) >>> 24).toBe(SerializeType.ROCKETMQ);
    const cmd = decodeWhole(bytes);
    expect(cmd).toEqual({
      code: 310,
      language: 'JAVA',
      version: 479,
      opaque: 7,
      flag: 0,
      remark: undefined,
      extFields: { a: 'G' },
      body: Buffer.from('hi'),
      serializeType: SerializeType.ROCKETMQ,
    });
  });

  it('encodes the §1.5 command back to the same bytes with encodeBinaryCommand', () => {
    const bytes = Buffer.from(golden('spec-1.5-rocketmq-binary.json').hex, 'hex');
    expect(encodeBinaryCommand(decodeWhole(bytes))).toEqual(bytes);
  });

  it('follows the frame arithmetic of the spec §1.2 worked example: L = 4 + H + B', () => {
    const prefix = Buffer.from(golden('spec-1.2-frame-prefix.json').hex, 'hex');
    expect(prefix.readInt32BE(0)).toBe(4 + 200 + 5);
    expect(prefix.readInt32BE(4)).toBe(200);
    const frame = encodeCommand(createRequest(310, 1, { a: 'pg' }, Buffer.from('hello')));
    expect(frame.readInt32BE(0)).toBe(4 + frame.readInt32BE(4) + 5);
  });

  it('decodes a Java (fastjson) JSON header and ignores serializeTypeCurrentRPC', () => {
    const cmd = decodeWhole(Buffer.from(golden('spec-1.4-java-json-header.json').hex, 'hex'));
    expect(cmd).toEqual({
      code: 310,
      language: 'JAVA',
      version: 479,
      opaque: 42,
      flag: 0,
      remark: undefined,
      extFields: { a: 'pg', b: 'TopicTest' },
      body: undefined,
    });
  });

  it('tolerates the C++ client trailing newline, empty remark and empty ACL keys', () => {
    const g = golden('spec-1.4-cpp-json-header.json');
    const bytes = Buffer.from(g.hex, 'hex');
    expect(bytes[bytes.length - 1]).toBe(0x0a);
    const cmd = decodeWhole(bytes);
    expect(cmd.code).toBe(105);
    expect(cmd.language).toBe('CPP');
    expect(cmd.remark).toBeUndefined();
    expect(cmd.extFields).toEqual(g.expect.extFields);
  });

  it('tolerates other whitespace around a JSON header', () => {
    const cmd = decodeCommand(jsonFrame('\r\n {"code":1,"opaque":5}\t\n'));
    expect(cmd.code).toBe(1);
    expect(cmd.opaque).toBe(5);
  });

  it('defaults absent optional fields: opaque, flag, version 0, language OTHER, extFields {}', () => {
    expect(decodeCommand(jsonFrame('{"code":17}'))).toEqual({
      code: 17,
      language: 'OTHER',
      version: 0,
      opaque: 0,
      flag: 0,
      remark: undefined,
      extFields: {},
      body: undefined,
    });
  });

  it('accepts negative and zero opaques verbatim', () => {
    expect(decodeCommand(jsonFrame('{"code":1,"opaque":-5}')).opaque).toBe(-5);
    expect(decodeCommand(jsonFrame('{"code":1,"opaque":0}')).opaque).toBe(0);
  });

  it('reads the body as everything after the header', () => {
    const cmd = decodeCommand(Buffer.concat([jsonFrame('{"code":1}'), Buffer.from('订单')]));
    expect(cmd.body?.toString('utf8')).toBe('订单');
  });

  it('copies the body so the command does not pin the network chunk', () => {
    const frame = Buffer.concat([jsonFrame('{"code":1}'), Buffer.from('xyz')]);
    const cmd = decodeCommand(frame);
    frame.fill(0);
    expect(cmd.body?.toString()).toBe('xyz');
  });
});

describe('extFields coercion on input', () => {
  it('turns numbers and booleans into strings, drops nulls, keeps strings', () => {
    const cmd = decodeCommand(
      jsonFrame(
        '{"code":310,"extFields":{"n":3,"neg":-1,"big":1700000000000,"f":1.5,"t":true,"b":false,"z":null,"s":"x","e":""}}',
      ),
    );
    expect(cmd.extFields).toEqual({
      n: '3',
      neg: '-1',
      big: '1700000000000',
      f: '1.5',
      t: 'true',
      b: 'false',
      s: 'x',
      e: '',
    });
  });

  it('keeps JSON escapes of the properties separators and \\uXXXX text', () => {
    const cmd = decodeCommand(
      jsonFrame('{"code":310,"extFields":{"i":"TAGS\\u0001\\u8ba2\\u5355\\u0002"}}'),
    );
    expect(cmd.extFields.i).toBe('TAGS\u0001订单\u0002');
  });

  it('stringifies a nested object value as JSON rather than failing', () => {
    const cmd = decodeCommand(jsonFrame('{"code":1,"extFields":{"o":{"a":1},"l":[1,2]}}'));
    expect(cmd.extFields).toEqual({ o: '{"a":1}', l: '[1,2]' });
  });
});

describe('our encoding', () => {
  it('writes a JSON header (type 0) whose second int32 is the plain header length', () => {
    const frame = encodeCommand(createRequest(310, 9, { a: 'pg' }, Buffer.from('body')));
    const headerLength = frame.readInt32BE(4);
    expect(headerLength >>> 24).toBe(SerializeType.JSON);
    expect(frame.readInt32BE(0)).toBe(frame.length - 4);
    expect(frame.subarray(8 + headerLength).toString()).toBe('body');
  });

  it('emits every extFields value as a JSON string', () => {
    const frame = encodeCommand(
      createResponse({ opaque: 3 }, 0, undefined, {
        queueId: 3,
        queueOffset: 10n,
        ok: true,
        gone: undefined,
        nil: null,
        msgId: '0A00000100002A9F000000000001E240',
      }),
    );
    const ext = headerJson(frame).extFields as Record<string, unknown>;
    expect(ext).toEqual({
      queueId: '3',
      queueOffset: '10',
      ok: 'true',
      msgId: '0A00000100002A9F000000000001E240',
    });
  });

  it('writes code, flag, opaque, language JAVA and our version; omits a missing remark', () => {
    const header = headerJson(encodeCommand(createResponse({ opaque: -7 }, 17)));
    expect(header).toEqual({
      code: 17,
      extFields: {},
      flag: FLAG_RESPONSE,
      language: 'JAVA',
      opaque: -7,
      serializeTypeCurrentRPC: 'JSON',
      version: KITEMQ_REMOTING_VERSION,
    });
  });

  it('marks requests, oneway requests and responses with the right flag bits', () => {
    const req = createRequest(34, 1);
    const oneway = createRequest(15, 2, {}, undefined, true);
    const res = createResponse(req, 0, 'ok');
    expect([req.flag, oneway.flag, res.flag]).toEqual([0, FLAG_ONEWAY, FLAG_RESPONSE]);
    expect([isResponse(req), isOneway(req)]).toEqual([false, false]);
    expect([isResponse(oneway), isOneway(oneway)]).toEqual([false, true]);
    expect([isResponse(res), isOneway(res)]).toEqual([true, false]);
    expect(res.opaque).toBe(1);
  });

  it('escapes the U+0001/U+0002 separators and keeps non-ASCII as UTF-8', () => {
    const frame = encodeCommand(createRequest(310, 1, { i: 'TAGS\u0001订单\u0002' }));
    const text = frame.toString('utf8', 8);
    expect(text).toContain('"i":"TAGS\\u0001订单\\u0002"');
  });

  it('stringifyFields drops null and undefined and stringifies the rest', () => {
    expect(stringifyFields({ a: 1, b: false, c: null, d: undefined, e: 2n, f: '' })).toEqual({
      a: '1',
      b: 'false',
      e: '2',
      f: '',
    });
  });
});

describe('ali-ons decodes what we encode', () => {
  it('reads a send response: opaque, response flag, string extFields, remark', () => {
    const req = decodeWhole(Buffer.from(golden('ali-ons-send-message-v2.json').hex, 'hex'));
    const res = createResponse(req, 0, undefined, {
      msgId: '0A00000100002A9F000000000001E240',
      queueId: 3,
      queueOffset: 12,
      MSG_REGION: 'DefaultRegion',
      TRACE_ON: 'true',
    });
    const ali = AliRemotingCommand.decode(encodeCommand(res));
    expect(ali.isResponseType).toBe(true);
    expect(ali.opaque).toBe(42);
    expect(ali.code).toBe(0);
    expect(ali.extFields).toEqual({
      msgId: '0A00000100002A9F000000000001E240',
      queueId: '3',
      queueOffset: '12',
      MSG_REGION: 'DefaultRegion',
      TRACE_ON: 'true',
    });
  });

  it('reads an error response with remark and a body with Chinese text', () => {
    const res = createResponse(
      { opaque: 5 },
      17,
      '主题不存在 topic not exist',
      {},
      Buffer.from('正文'),
    );
    const ali = AliRemotingCommand.decode(encodeCommand(res));
    expect(ali.code).toBe(17);
    expect(ali.remark).toBe('主题不存在 topic not exist');
    expect(ali.body?.toString('utf8')).toBe('正文');
  });

  it('reads a server-initiated request as a request', () => {
    const req = createRequest(40, 1, { consumerGroup: 'CID' });
    const ali = AliRemotingCommand.decode(encodeCommand(req));
    expect(ali.isResponseType).toBe(false);
    expect(ali.code).toBe(40);
    expect(ali.body).toBeUndefined();
  });
});

describe('malformed frames raise ProtocolError', () => {
  const cases: [string, Buffer][] = [
    ['a frame shorter than the header-length word', Buffer.from([0, 0, 1])],
    ['a header length past the frame end', Buffer.concat([int32(50), Buffer.from('{}')])],
    ['serialize type 2', jsonFrame('{"code":1}', 2)],
    ['serialize type 0x7f', jsonFrame('{"code":1}', 0x7f)],
    ['JSON that does not parse', jsonFrame('{"code":1')],
    ['a JSON array', jsonFrame('[1,2]')],
    ['JSON null', jsonFrame('null')],
    ['a JSON string', jsonFrame('"code"')],
    ['an empty header', jsonFrame('')],
    ['a missing code', jsonFrame('{"opaque":1}')],
    ['a fractional code', jsonFrame('{"code":1.5}')],
    ['a non-numeric code', jsonFrame('{"code":"abc"}')],
    ['a boolean opaque', jsonFrame('{"code":1,"opaque":true}')],
    ['a non-integer flag', jsonFrame('{"code":1,"flag":"x"}')],
    ['extFields as an array', jsonFrame('{"code":1,"extFields":["a"]}')],
    ['extFields as a string', jsonFrame('{"code":1,"extFields":"a=b"}')],
    ['a binary header shorter than 21 bytes', binaryFrame(Buffer.alloc(20))],
    [
      'a binary remark past the header',
      binaryFrame(binaryHeader(Buffer.concat([int32(10), int32(0)]))),
    ],
    [
      'a binary extFields length past the header',
      binaryFrame(binaryHeader(Buffer.concat([int32(0), int32(9)]))),
    ],
    [
      'a binary entry value past extFields',
      binaryFrame(
        binaryHeader(Buffer.concat([int32(0), int32(7), int16(1), Buffer.from('a'), int32(5)])),
      ),
    ],
    [
      'a binary entry key past extFields',
      binaryFrame(binaryHeader(Buffer.concat([int32(0), int32(4), int16(9), Buffer.from('ab')]))),
    ],
    [
      'a negative binary remark length',
      binaryFrame(binaryHeader(Buffer.concat([int32(-17), int32(0)]))),
    ],
    [
      'a negative binary extFields length',
      binaryFrame(binaryHeader(Buffer.concat([int32(0), int32(-4)]))),
    ],
    [
      'a negative binary value length',
      binaryFrame(
        binaryHeader(
          Buffer.concat([int32(0), int32(11), int16(1), Buffer.from('a'), int32(-4), int32(0)]),
        ),
      ),
    ],
  ];
  it.each(cases)('%s', (_name, frame) => {
    expect(() => decodeCommand(frame)).toThrow(ProtocolError);
  });

  it('rejects a negative binary key length that would loop back over an earlier entry', () => {
    // Entry "a" -> four zero bytes, then a key length of -6: stepping back six bytes lands on the
    // zero value, read as a value length of 0, and the decoder would revisit the same position
    // forever (a one-frame denial of service) unless negative lengths are refused.
    const ext = Buffer.concat([int16(1), Buffer.from('a'), int32(4), int32(0), int16(-6)]);
    const frame = binaryFrame(binaryHeader(Buffer.concat([int32(0), int32(ext.length), ext])));
    expect(() => decodeCommand(frame)).toThrow(ProtocolError);
  });

  it('treats zero-length binary keys and values as absent, as Java does', () => {
    const ext = Buffer.concat([
      int16(1),
      Buffer.from('a'),
      int32(0),
      int16(0),
      int32(1),
      Buffer.from('v'),
      int16(1),
      Buffer.from('b'),
      int32(1),
      Buffer.from('B'),
    ]);
    const cmd = decodeCommand(
      binaryFrame(binaryHeader(Buffer.concat([int32(0), int32(ext.length), ext]))),
    );
    expect(cmd.extFields).toEqual({ b: 'B' });
  });

  it('maps an unknown binary language code to OTHER', () => {
    const header = binaryHeader(Buffer.concat([int32(0), int32(0)]));
    header.writeInt8(99, 2);
    expect(decodeCommand(binaryFrame(header)).language).toBe('OTHER');
    header.writeInt8(-1, 2);
    expect(decodeCommand(binaryFrame(header)).language).toBe('OTHER');
  });
});

describe('extFields named __proto__', () => {
  it('stay plain fields, never a prototype, on the fast, coercing and binary paths', () => {
    for (const ext of ['{"__proto__":"x","a":"1"}', '{"__proto__":"x","a":1}']) {
      const header = Buffer.from(`{"code":10,"flag":0,"opaque":1,"extFields":${ext}}`);
      const frame = Buffer.alloc(4 + header.length);
      frame.writeInt32BE(header.length, 0);
      header.copy(frame, 4);
      const cmd = decodeCommand(frame);
      expect(Object.getPrototypeOf(cmd.extFields)).toBe(Object.prototype);
      expect(Object.getOwnPropertyDescriptor(cmd.extFields, '__proto__')?.value).toBe('x');
      expect(cmd.extFields.a).toBe('1');
    }
    // Found by src/protocol/fuzz.test.ts: the binary header dropped the field.
    const binary = decodeCommand(
      encodeBinaryCommand(
        createRequest(10, 1, JSON.parse('{"__proto__":"x","a":"1"}') as Record<string, string>),
      ).subarray(4),
    );
    expect(Object.getPrototypeOf(binary.extFields)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(binary.extFields, '__proto__')?.value).toBe('x');
    expect(binary.extFields.a).toBe('1');
    const out = createRequest(10, 1, JSON.parse('{"__proto__":"y"}') as Record<string, string>);
    expect(Object.getOwnPropertyDescriptor(out.extFields, '__proto__')?.value).toBe('y');
    expect(Object.getPrototypeOf(out.extFields)).toBe(Object.prototype);
  });
});

// ---- property-based round trips ----

const key = fc.string({ minLength: 1, maxLength: 12 }).filter((k) => k !== '__proto__');
const value = fc.string({ maxLength: 40, unit: 'binary' });
const command = (codeMin: number, codeMax: number, valueArb: fc.Arbitrary<string>) =>
  fc.record({
    code: fc.integer({ min: codeMin, max: codeMax }),
    language: fc.constantFrom('JAVA', 'CPP', 'GO', 'NODE_JS'),
    version: fc.integer({ min: 0, max: 32767 }),
    opaque: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
    flag: fc.integer({ min: 0, max: 3 }),
    remark: fc.option(fc.string({ minLength: 1, maxLength: 60, unit: 'binary' }), {
      nil: undefined,
    }),
    extFields: fc.dictionary(key, valueArb, { maxKeys: 8 }),
    body: fc.option(
      fc.uint8Array({ minLength: 1, maxLength: 200 }).map((a) => Buffer.from(a)),
      { nil: undefined },
    ),
  });

describe('round trip (fast-check)', () => {
  it('JSON: decode(encode(cmd)) equals cmd, whatever the split of the stream', () => {
    fc.assert(
      fc.property(command(-0x80000000, 0x7fffffff, value), fc.nat(), (cmd, cut) => {
        const bytes = encodeCommand(cmd);
        const at = cut % (bytes.length + 1);
        const d = new FrameDecoder();
        const frames = [...d.push(bytes.subarray(0, at)), ...d.push(bytes.subarray(at))];
        expect(frames).toHaveLength(1);
        expect(decodeCommand(frames[0]!)).toEqual(cmd);
      }),
    );
  });

  it('JSON: the header is byte for byte what JSON.stringify makes of it (key order too)', () => {
    fc.assert(
      fc.property(command(-0x80000000, 0x7fffffff, value), (cmd) => {
        const [head] = encodeCommandParts(cmd);
        const expected = JSON.stringify({
          code: cmd.code,
          extFields: cmd.extFields,
          flag: cmd.flag,
          language: cmd.language,
          opaque: cmd.opaque,
          remark: cmd.remark,
          serializeTypeCurrentRPC: 'JSON',
          version: cmd.version,
        });
        expect(head.subarray(8).toString('utf8')).toBe(expected);
      }),
    );
  });

  it('ROCKETMQ binary: decode(encodeBinary(cmd)) equals cmd for int16 codes and non-empty values', () => {
    const nonEmpty = fc.string({ minLength: 1, maxLength: 40, unit: 'binary' });
    fc.assert(
      fc.property(command(-32768, 32767, nonEmpty), (cmd) => {
        const bytes = encodeBinaryCommand(cmd);
        expect(decodeCommand(bytes.subarray(4))).toEqual({ ...cmd, serializeType: 1 });
      }),
    );
  });

  it('ali-ons decodes any command we encode to the same code, opaque, flag and fields', () => {
    // ali-ons replaces a falsy opaque with its own counter, so 0 is excluded here.
    const nonZeroOpaque = command(0, 0x7fff, value).filter((c) => c.opaque !== 0);
    fc.assert(
      fc.property(nonZeroOpaque, (cmd) => {
        const ali = AliRemotingCommand.decode(encodeCommand(cmd));
        expect([ali.code, ali.opaque, ali.flag]).toEqual([cmd.code, cmd.opaque, cmd.flag]);
        expect(ali.extFields).toEqual(cmd.extFields);
        expect(ali.body).toEqual(cmd.body);
      }),
      { numRuns: 50 },
    );
  });

  it('never throws anything but ProtocolError on random bytes, and always terminates', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.constantFrom(0, 1), (bytes, type) => {
        const payload = Buffer.from(bytes);
        const frame = Buffer.concat([int32((type << 24) | payload.length), payload]);
        try {
          decodeCommand(frame);
        } catch (err) {
          expect(err).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
