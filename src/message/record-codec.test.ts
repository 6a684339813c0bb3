// Stored record layout (spec part 1 §5.1): golden bytes, the documented offsets read by hand,
// IPv6 hosts and the v2 long-topic form, torn and flipped bytes caught by checkRecord, and
// ali-ons' MessageDecoder reading what we store (msgId, topic, tags, properties, Chinese body).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { crc32, deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AssertionError } from '../common/assert.js';
import {
  BLANK_MAGIC_CODE,
  MESSAGE_MAGIC_CODE_V1,
  MESSAGE_MAGIC_CODE_V2,
  MessageSysFlag,
  type MessageToStore,
} from './message.js';
import { createOffsetMsgId } from './message-id.js';
import {
  bodyCrc32,
  checkRecord,
  decodeRecord,
  decodeRecordProperties,
  decodeRecords,
  encodeRecord,
  RECORD_FIXED_OVERHEAD_BYTES,
  setRecordPositions,
  storeTimestampPos,
} from './record-codec.js';
import { ipToBytes, parseAddress } from './socket-address.js';

const require = createRequire(import.meta.url);
const AliMessageDecoder = require('ali-ons/lib/message/message_decoder') as {
  decodes(bb: unknown): AliDecoded[];
};
const ByteBuffer = require('byte') as {
  allocate(n: number): { put(b: Buffer): { flip(): unknown } };
};
/** What ali-ons' MessageDecoder reads: our MessageExt's fixed fields, its own body and tags. */
type AliDecoded = Omit<
  import('./message.js').MessageExt,
  'body' | 'properties' | 'offsetMsgId' | 'preparedTransactionOffset'
> & {
  msgId: string;
  tags: string | null;
  body?: Buffer;
  properties: Record<string, string | null>;
};

function aliDecode(bytes: Buffer): AliDecoded[] {
  return AliMessageDecoder.decodes(ByteBuffer.allocate(bytes.length).put(bytes).flip());
}

function golden<T>(name: string): T {
  return JSON.parse(
    readFileSync(new URL(`../protocol/golden/${name}`, import.meta.url), 'utf8'),
  ) as T;
}

function message(over: Partial<MessageToStore> = {}): MessageToStore {
  return {
    topic: 'TopicTest',
    queueId: 5,
    flag: 7,
    body: Buffer.from('你好，RocketMQ — 订单 😀', 'utf8'),
    properties: { TAGS: '订单', KEYS: 'id-1 id-2', 颜色: '红' },
    sysFlag: 0,
    bornTimestamp: 1700000000000,
    bornHost: '192.168.1.20:50000',
    storeHost: '10.0.0.1:10911',
    reconsumeTimes: 2,
    preparedTransactionOffset: 0,
    ...over,
  };
}

/** Encodes and stamps offsets as the commit log would. */
function stored(m: MessageToStore, queueOffset = 17, physical = 123456, storeTs = 1700000000999) {
  const rec = encodeRecord(m);
  setRecordPositions(rec.bytes, 0, rec.storeTimestampPos, queueOffset, physical, storeTs);
  return rec.bytes;
}

interface RecordFixture {
  hex: string;
  input: { queueOffset: number; commitLogOffset: number; storeTimestamp: number };
  aliOns: AliDecoded & { bodyUtf8: string };
}

describe('golden record', () => {
  const g = golden<RecordFixture>('record-v1-ipv4.json');

  it('encodes the fixture message to the same bytes', () => {
    const bytes = stored(
      message(),
      g.input.queueOffset,
      g.input.commitLogOffset,
      g.input.storeTimestamp,
    );
    expect(bytes.toString('hex')).toBe(g.hex);
  });

  it('puts each field at the offset the spec documents (IPv4, v1)', () => {
    const b = Buffer.from(g.hex, 'hex');
    const m = message();
    const body = m.body;
    const B = body.length;
    const topic = Buffer.from(m.topic);
    const props = Buffer.from('TAGS\u0001订单\u0002KEYS\u0001id-1 id-2\u0002颜色\u0001红\u0002');
    expect(b.length).toBe(RECORD_FIXED_OVERHEAD_BYTES + B + topic.length + props.length);
    expect(b.readInt32BE(0)).toBe(b.length);
    expect(b.readInt32BE(4)).toBe(MESSAGE_MAGIC_CODE_V1);
    expect(b.readUInt32BE(4)).toBe(0xdaa320a7);
    expect(b.readInt32BE(8)).toBe((crc32(body) & 0x7fffffff) | 0);
    expect(b.readInt32BE(12)).toBe(5);
    expect(b.readInt32BE(16)).toBe(7);
    expect(b.readBigInt64BE(20)).toBe(17n);
    expect(b.readBigInt64BE(28)).toBe(123456n);
    expect(b.readInt32BE(36)).toBe(0);
    expect(b.readBigInt64BE(40)).toBe(1700000000000n);
    expect([...b.subarray(48, 52)]).toEqual([192, 168, 1, 20]);
    expect(b.readInt32BE(52)).toBe(50000);
    expect(b.readBigInt64BE(56)).toBe(1700000000999n);
    expect([...b.subarray(64, 68)]).toEqual([10, 0, 0, 1]);
    expect(b.readInt32BE(68)).toBe(10911);
    expect(b.readInt32BE(72)).toBe(2);
    expect(b.readBigInt64BE(76)).toBe(0n);
    expect(b.readInt32BE(84)).toBe(B);
    expect(b.subarray(88, 88 + B)).toEqual(body);
    expect(b.readInt8(88 + B)).toBe(topic.length);
    expect(b.subarray(89 + B, 89 + B + topic.length)).toEqual(topic);
    expect(b.readInt16BE(89 + B + topic.length)).toBe(props.length);
    expect(b.subarray(91 + B + topic.length)).toEqual(props);
  });

  it('decodes the fixture to the message, offsets and offset msgId', () => {
    const m = decodeRecord(Buffer.from(g.hex, 'hex'), 0);
    const src = message();
    expect(m).toMatchObject({
      topic: src.topic,
      queueId: 5,
      flag: 7,
      queueOffset: 17,
      commitLogOffset: 123456,
      storeSize: g.hex.length / 2,
      sysFlag: 0,
      bornTimestamp: 1700000000000,
      bornHost: '192.168.1.20:50000',
      storeTimestamp: 1700000000999,
      storeHost: '10.0.0.1:10911',
      reconsumeTimes: 2,
      preparedTransactionOffset: 0,
      bodyCRC: bodyCrc32(src.body),
      properties: src.properties,
      offsetMsgId: '0A00000100002A9F000000000001E240',
    });
    expect(m.body.toString('utf8')).toBe(src.body.toString('utf8'));
  });

  it('matches what ali-ons decoded from the fixture when it was captured', () => {
    const [ali] = aliDecode(Buffer.from(g.hex, 'hex'));
    const ours = decodeRecord(Buffer.from(g.hex, 'hex'), 0);
    expect(ali!.msgId).toBe(g.aliOns.msgId);
    expect(ali!.msgId).toBe(ours.offsetMsgId);
    expect(ali!.body?.toString('utf8')).toBe(g.aliOns.bodyUtf8);
    expect(ali!.bodyCRC).toBe(ours.bodyCRC);
  });
});

describe('the spec CRC example (§5.5)', () => {
  it('masks CRC-32 with 0x7fffffff', () => {
    const g = golden<{ bodyHex: string; crc32: number; stored: number }>('spec-5.5-crc32.json');
    const body = Buffer.from(g.bodyHex, 'hex');
    expect(crc32(body)).toBe(g.crc32);
    expect(bodyCrc32(body)).toBe(g.stored);
    expect(bodyCrc32(body)).toBe(0x68b7be43);
  });

  it('is never negative', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (a) => {
        expect(bodyCrc32(Buffer.from(a))).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});

describe('round trip', () => {
  it('IPv6 born and store hosts set the V6 sysFlag bits and take 16-byte addresses', () => {
    const m = message({ bornHost: '[2001:db8::7]:51234', storeHost: '[fe80::1]:10911' });
    const bytes = stored(m);
    const base = stored(message());
    expect(bytes.length).toBe(base.length + 24);
    const d = decodeRecord(bytes, 0);
    expect(d.sysFlag & MessageSysFlag.BORNHOST_V6).toBe(MessageSysFlag.BORNHOST_V6);
    expect(d.sysFlag & MessageSysFlag.STOREHOST_V6).toBe(MessageSysFlag.STOREHOST_V6);
    expect(ipToBytes(parseAddress(d.bornHost).ip)).toEqual(ipToBytes('2001:db8::7'));
    expect(parseAddress(d.bornHost).port).toBe(51234);
    expect(ipToBytes(parseAddress(d.storeHost).ip)).toEqual(ipToBytes('fe80::1'));
    expect(d.storeTimestamp).toBe(1700000000999);
    expect(d.body).toEqual(m.body);
    expect(d.properties).toEqual(m.properties);
    expect(d.offsetMsgId).toHaveLength(56);
    expect(storeTimestampPos(d.sysFlag)).toBe(48 + 20);
  });

  it('mixes families: IPv6 born host, IPv4 store host', () => {
    const d = decodeRecord(stored(message({ bornHost: '[2001:db8::7]:1' })), 0);
    expect(d.sysFlag & MessageSysFlag.STOREHOST_V6).toBe(0);
    expect(d.storeHost).toBe('10.0.0.1:10911');
    expect(d.offsetMsgId).toBe('0A00000100002A9F000000000001E240');
  });

  it('stores IPv4-mapped and loopback IPv6 peers as 4-byte IPv4 (ali-ons reads only those)', () => {
    const d = decodeRecord(
      stored(message({ bornHost: '[::ffff:10.1.2.3]:7', storeHost: '[::1]:9' })),
      0,
    );
    expect(d.sysFlag & (MessageSysFlag.BORNHOST_V6 | MessageSysFlag.STOREHOST_V6)).toBe(0);
    expect(d.bornHost).toBe('10.1.2.3:7');
    expect(d.storeHost).toBe('127.0.0.1:9');
  });

  it('clears V6 bits a caller passed in for IPv4 hosts', () => {
    const m = message({ sysFlag: MessageSysFlag.BORNHOST_V6 | MessageSysFlag.STOREHOST_V6 | 0x1 });
    expect(decodeRecord(stored(m), 0).sysFlag).toBe(0x1);
  });

  it('uses magic v1 up to 127 topic bytes and v2 with a 2-byte length beyond', () => {
    const t127 = `%RETRY%${'a'.repeat(120)}`;
    const t128 = `${t127}b`;
    const v1 = stored(message({ topic: t127 }));
    const v2 = stored(message({ topic: t128 }));
    expect(v1.readInt32BE(4)).toBe(MESSAGE_MAGIC_CODE_V1);
    expect(v2.readInt32BE(4)).toBe(MESSAGE_MAGIC_CODE_V2);
    expect(v2.length).toBe(v1.length + 2);
    expect(decodeRecord(v1, 0).topic).toBe(t127);
    expect(decodeRecord(v2, 0).topic).toBe(t128);
  });

  it('counts topic length in UTF-8 bytes, not characters, for the v2 switch', () => {
    const topic = '订'.repeat(43); // 43 chars, 129 bytes
    const b = stored(message({ topic }));
    expect(b.readInt32BE(4)).toBe(MESSAGE_MAGIC_CODE_V2);
    expect(decodeRecord(b, 0).topic).toBe(topic);
  });

  it('round-trips a 300-byte %DLQ% topic (v2)', () => {
    const topic = `%DLQ%${'g'.repeat(295)}`;
    const d = decodeRecord(stored(message({ topic })), 0);
    expect(d.topic).toBe(topic);
    expect(checkRecord(stored(message({ topic })), 0, 10_000).ok).toBe(true);
  });

  it('handles empty body, empty properties and extreme integer fields', () => {
    const m = message({
      body: Buffer.alloc(0),
      properties: {},
      queueId: 2147483647,
      flag: -1,
      reconsumeTimes: 16,
      preparedTransactionOffset: 2 ** 53 - 1,
      bornTimestamp: 0,
    });
    const b = stored(m, 2 ** 40, 2 ** 50, 2 ** 42);
    expect(b.length).toBe(RECORD_FIXED_OVERHEAD_BYTES + m.topic.length);
    const d = decodeRecord(b, 0);
    expect(d).toMatchObject({
      queueId: 2147483647,
      flag: -1,
      reconsumeTimes: 16,
      preparedTransactionOffset: 2 ** 53 - 1,
      queueOffset: 2 ** 40,
      commitLogOffset: 2 ** 50,
      storeTimestamp: 2 ** 42,
      properties: {},
    });
    expect(d.body.length).toBe(0);
  });

  it('writes a caller-supplied properties string verbatim', () => {
    const b = encodeRecord(message(), 'A\u00011\u0002B\u00012').bytes;
    expect(decodeRecord(b, 0).properties).toEqual({ A: '1', B: '2' });
  });

  it('refuses properties longer than a signed short (a caller bug)', () => {
    const properties = { BIG: 'x'.repeat(32_767) };
    expect(() => encodeRecord(message({ properties }))).toThrow(AssertionError);
  });

  it('stamps offsets into a record that sits inside a larger buffer', () => {
    const rec = encodeRecord(message());
    const file = Buffer.alloc(1000 + rec.bytes.length, 0xee);
    rec.bytes.copy(file, 1000);
    setRecordPositions(file, 1000, rec.storeTimestampPos, 3, 4096 + 1000, 99);
    const d = decodeRecord(file, 1000);
    expect([d.queueOffset, d.commitLogOffset, d.storeTimestamp]).toEqual([3, 5096, 99]);
    expect(file[999]).toBe(0xee);
  });

  it('decodeRecords splits a PULL_MESSAGE body of concatenated records', () => {
    const a = stored(message({ topic: 'A' }), 0, 0);
    const b = stored(message({ topic: 'B', bornHost: '[2001:db8::1]:1' }), 1, a.length);
    const c = stored(message({ topic: 'C'.repeat(200) }), 2, a.length + b.length);
    const all = decodeRecords(Buffer.concat([a, b, c]));
    expect(all.map((m) => m.topic)).toEqual(['A', 'B', 'C'.repeat(200)]);
    expect(all.map((m) => m.commitLogOffset)).toEqual([0, a.length, a.length + b.length]);
    expect(decodeRecords(Buffer.alloc(0))).toEqual([]);
  });

  it('round-trips arbitrary messages (fast-check)', () => {
    const ipv4 = fc.ipV4().map((ip) => ip);
    const ipv6 = fc.ipV6().map((ip) => `[${ip}]`);
    const host = fc
      .tuple(fc.oneof(ipv4, ipv6), fc.integer({ min: 0, max: 65535 }))
      .map(([ip, port]) => `${ip}:${port}`);
    const propKey = fc
      .string({ minLength: 1, maxLength: 10 })
      .filter((k) => !/[\u0001\u0002]/.test(k) && k !== '__proto__');
    const propValue = fc
      .string({ minLength: 1, maxLength: 20 })
      .filter((v) => !v.includes('\u0002'));
    fc.assert(
      fc.property(
        fc.record({
          topic: fc.string({ minLength: 1, maxLength: 200 }),
          queueId: fc.integer({ min: 0, max: 1023 }),
          flag: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
          body: fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
          properties: fc.dictionary(propKey, propValue, { maxKeys: 6 }),
          sysFlag: fc.constantFrom(0, 1, 2, 4, 8, 12),
          bornTimestamp: fc.integer({ min: 0, max: 2 ** 45 }),
          bornHost: host,
          storeHost: host,
          reconsumeTimes: fc.integer({ min: 0, max: 32 }),
          preparedTransactionOffset: fc.integer({ min: 0, max: 2 ** 50 }),
        }),
        fc.integer({ min: 0, max: 2 ** 50 }),
        (m, physical) => {
          const bytes = stored(m, 9, physical);
          const d = decodeRecord(bytes, 0);
          expect(d.topic).toBe(m.topic);
          expect(d.body).toEqual(m.body);
          expect(d.properties).toEqual(m.properties);
          expect(d.flag).toBe(m.flag);
          expect(d.sysFlag & 0xf).toBe(m.sysFlag);
          expect(d.commitLogOffset).toBe(physical);
          expect(ipToBytes(parseAddress(d.bornHost).ip)).toEqual(
            ipToBytes(parseAddress(m.bornHost).ip),
          );
          expect(ipToBytes(parseAddress(d.storeHost).ip)).toEqual(
            ipToBytes(parseAddress(m.storeHost).ip),
          );
          expect(checkRecord(bytes, 0, bytes.length)).toEqual({ ok: true, size: bytes.length });
        },
      ),
    );
  });
});

describe('checkRecord', () => {
  const good = stored(message());
  const B = message().body.length;

  it('accepts a whole record and reports its size, also at an offset and with spare bytes', () => {
    expect(checkRecord(good, 0, good.length)).toEqual({ ok: true, size: good.length });
    const file = Buffer.concat([Buffer.alloc(64), good, Buffer.alloc(100)]);
    expect(checkRecord(file, 64, good.length + 100)).toEqual({ ok: true, size: good.length });
  });

  it('rejects every torn tail: the record cut at any length', () => {
    for (let n = 0; n < good.length; n++) {
      const torn = Buffer.from(good.subarray(0, n));
      const r = checkRecord(Buffer.concat([torn, Buffer.alloc(good.length - n)]), 0, n);
      expect(r.ok, `cut at ${n}`).toBe(false);
    }
  });

  it('rejects a torn write whose tail is zeros but whose size claims the full length', () => {
    const torn = Buffer.from(good);
    torn.fill(0, 100);
    expect(checkRecord(torn, 0, torn.length).ok).toBe(false);
  });

  it('detects a flipped byte in the body by CRC (fast-check)', () => {
    fc.assert(
      fc.property(fc.nat(B - 1), fc.integer({ min: 1, max: 255 }), (i, x) => {
        const b = Buffer.from(good);
        b[88 + i]! ^= x;
        const r = checkRecord(b, 0, b.length);
        expect(r).toEqual({ ok: false, reason: 'body CRC mismatch' });
      }),
    );
  });

  it.each([
    ['totalSize', 0],
    ['totalSize (low byte)', 3],
    ['magic', 4],
    ['bodyLength', 84],
    ['bodyLength (low byte)', 87],
    ['topic length', 88 + B],
    ['properties length', 89 + B + 'TopicTest'.length],
    ['properties length (low byte)', 90 + B + 'TopicTest'.length],
  ])('detects a flipped %s byte', (_name, at) => {
    for (const x of [0x01, 0x80, 0xff]) {
      const b = Buffer.from(good);
      b[at]! ^= x;
      expect(checkRecord(b, 0, b.length).ok, `xor 0x${x.toString(16)}`).toBe(false);
    }
  });

  it('rejects the end-of-file blank magic and zeroed space', () => {
    const blank = Buffer.alloc(200);
    blank.writeInt32BE(200, 0);
    blank.writeInt32BE(BLANK_MAGIC_CODE, 4);
    expect(checkRecord(blank, 0, 200)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('magic'),
    });
    expect(checkRecord(Buffer.alloc(200), 0, 200).ok).toBe(false);
  });

  it('rejects a size smaller than the fixed overhead or larger than what is available', () => {
    const small = Buffer.from(good);
    small.writeInt32BE(RECORD_FIXED_OVERHEAD_BYTES - 1, 0);
    expect(checkRecord(small, 0, small.length).ok).toBe(false);
    expect(checkRecord(good, 0, good.length - 1).ok).toBe(false);
    expect(checkRecord(good, 0, RECORD_FIXED_OVERHEAD_BYTES - 1)).toEqual({
      ok: false,
      reason: 'short header',
    });
  });

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), fc.boolean(), (a, v1) => {
        const b = Buffer.from(a);
        if (b.length >= 8) {
          b.writeInt32BE(Math.min(b.length, Math.max(0, b.readInt32BE(0) & 0x1ff)), 0);
          if (v1) b.writeInt32BE(MESSAGE_MAGIC_CODE_V1, 4);
        }
        const r = checkRecord(b, 0, b.length);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('ali-ons decodes our records', () => {
  it('reads msgId, topic, tags, keys, properties and a Chinese body', () => {
    const m = message({ properties: { TAGS: 'TagA', KEYS: 'k1 k2', 订单号: '20240101-001' } });
    const bytes = stored(m, 17, 123456);
    const ours = decodeRecord(bytes, 0);
    const [ali] = aliDecode(bytes);
    expect(ali).toMatchObject({
      msgId: ours.offsetMsgId,
      topic: 'TopicTest',
      tags: 'TagA',
      queueId: 5,
      flag: 7,
      queueOffset: 17,
      commitLogOffset: 123456,
      bornTimestamp: 1700000000000,
      bornHost: '192.168.1.20:50000',
      storeTimestamp: 1700000000999,
      storeHost: '10.0.0.1:10911',
      reconsumeTimes: 2,
      bodyCRC: ours.bodyCRC,
      storeSize: bytes.length,
    });
    expect(ali!.body?.toString('utf8')).toBe('你好，RocketMQ — 订单 😀');
    // ali-ons keeps an empty "" entry for the trailing U+0002; ours does not.
    const { '': trailing, ...props } = ali!.properties;
    expect(trailing).toBe('');
    expect(props).toEqual(m.properties);
  });

  it('reads several records of one pull body in order', () => {
    const a = stored(message({ properties: { TAGS: 'A' } }), 0, 1000);
    const b = stored(message({ properties: {}, body: Buffer.from('二') }), 1, 1000 + a.length);
    const ali = aliDecode(Buffer.concat([a, b]));
    expect(ali.map((m) => m.tags)).toEqual(['A', undefined]); // no properties at all
    expect(ali.map((m) => m.body?.toString())).toEqual(['你好，RocketMQ — 订单 😀', '二']);
    expect(ali.map((m) => m.msgId)).toEqual([
      createOffsetMsgId('10.0.0.1:10911', 1000),
      createOffsetMsgId('10.0.0.1:10911', 1000 + a.length),
    ]);
  });

  it('inflates a body we store with the COMPRESSED sysFlag (ali-ons compresses with zlib)', () => {
    const plain = Buffer.from('压缩 '.repeat(2000));
    const bytes = stored(message({ body: deflateSync(plain), sysFlag: MessageSysFlag.COMPRESSED }));
    const [ali] = aliDecode(bytes);
    expect(ali!.body).toEqual(plain);
    expect(decodeRecord(bytes, 0).body).toEqual(deflateSync(plain));
  });

  it('delivered our records through a real ali-ons consumer (captured fixture)', () => {
    interface View {
      hex: string;
      inputs: { topic: string; body: string; properties: Record<string, string> }[];
      delivered: {
        msgId: string;
        topic: string;
        tags: string | null;
        keys: string | null;
        properties: Record<string, string | null>;
        bodyUtf8: string;
        commitLogOffset: number;
      }[];
    }
    const g = golden<View>('record-ali-ons-consumer-view.json');
    const ours = decodeRecords(Buffer.from(g.hex, 'hex'));
    expect(g.delivered).toHaveLength(ours.length);
    g.delivered.forEach((d, i) => {
      const input = g.inputs[i]!;
      expect(d.msgId).toBe(ours[i]!.offsetMsgId);
      expect(d.topic).toBe(input.topic);
      expect(d.bodyUtf8).toBe(input.body);
      expect(d.tags).toBe(input.properties.TAGS ?? null);
      expect(d.keys).toBe(input.properties.KEYS ?? null);
      for (const [k, v] of Object.entries(input.properties)) expect(d.properties[k]).toBe(v);
      expect(ours[i]!.properties).toEqual(input.properties);
    });
  });
});

describe('decodeRecordProperties', () => {
  it('reads the same properties as decodeRecord for v4/v6 hosts, long topics and empty parts', () => {
    const cases: Partial<MessageToStore>[] = [
      {},
      { bornHost: '[2001:db8::1]:5000', storeHost: '[::2]:10911' },
      { topic: 'T'.repeat(200), body: Buffer.alloc(0) },
      { properties: {} },
      { properties: { age: '18', sex: '女', KEYS: 'a b' } },
    ];
    for (const over of cases) {
      const b = Buffer.concat([Buffer.alloc(7), stored(message(over))]);
      expect(decodeRecordProperties(b, 7)).toEqual(decodeRecord(b, 7).properties);
    }
    expect(() => decodeRecordProperties(Buffer.alloc(8))).toThrow(RangeError);
  });

  it('writes IPv6 hosts of a decoded record in brackets, so they parse back', () => {
    const m = decodeRecord(
      stored(message({ bornHost: '[2001:db8::1]:5000', storeHost: '[::2]:10911' })),
      0,
    );
    expect(m.bornHost).toBe('[2001:db8:0:0:0:0:0:1]:5000');
    expect(m.storeHost).toBe('[0:0:0:0:0:0:0:2]:10911');
    expect(parseAddress(m.storeHost)).toEqual({ ip: '0:0:0:0:0:0:0:2', port: 10911 });
    expect(m.offsetMsgId).toHaveLength(56);
  });
});

describe('decodeRecords of a pulled body', () => {
  it("decodes each record's own hosts and msgId when they change from one record to the next", () => {
    const hosts = [
      ['192.168.1.20:50000', '10.0.0.1:10911'],
      ['192.168.1.20:50000', '10.0.0.2:10911'],
      ['192.168.1.21:50000', '10.0.0.2:10912'],
      ['[fe80:0:0:0:0:0:0:2]:50000', '[fe80:0:0:0:0:0:0:1]:10911'],
      ['192.168.1.20:50000', '10.0.0.1:10911'],
    ] as const;
    const body = Buffer.concat(
      hosts.map(([bornHost, storeHost], i) => {
        const sysFlag = bornHost.startsWith('[')
          ? MessageSysFlag.BORNHOST_V6 | MessageSysFlag.STOREHOST_V6
          : 0;
        return stored(message({ bornHost, storeHost, sysFlag }), i, 1000 * (i + 1));
      }),
    );
    const decoded = decodeRecords(body);
    expect(decoded.map((m) => [m.bornHost, m.storeHost])).toEqual(hosts);
    expect(decoded.map((m) => m.offsetMsgId)).toEqual(
      hosts.map(([, storeHost], i) => createOffsetMsgId(storeHost, 1000 * (i + 1))),
    );
  });
});
