// Offset message ids (spec part 1 §6.1) and UNIQ_KEY (§6.2).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createOffsetMsgId, createUniqKey, decodeOffsetMsgId } from './message-id.js';

const require = createRequire(import.meta.url);
const AliMessageDecoder = require('ali-ons/lib/message/message_decoder') as {
  decodeMessageId(id: string): { address: string; offset: { toNumber(): number } };
};

const spec = JSON.parse(
  readFileSync(new URL('../protocol/golden/spec-6.1-offset-msgid.json', import.meta.url), 'utf8'),
) as { msgId: string; storeHost: string; commitLogOffset: number };

describe('offset msgId', () => {
  it('encodes the spec example 10.0.0.1:10911 @ 123456', () => {
    expect(spec.msgId).toBe('0A00000100002A9F000000000001E240');
    expect(createOffsetMsgId(spec.storeHost, spec.commitLogOffset)).toBe(spec.msgId);
  });

  it('decodes the spec example', () => {
    expect(decodeOffsetMsgId(spec.msgId)).toEqual({
      storeHost: '10.0.0.1:10911',
      commitLogOffset: 123456,
    });
  });

  it('accepts lowercase hex', () => {
    expect(decodeOffsetMsgId(spec.msgId.toLowerCase()).commitLogOffset).toBe(123456);
  });

  it('is what ali-ons decodes to an address and offset', () => {
    const id = createOffsetMsgId('192.168.7.9:10911', 2 ** 40 + 5);
    const ali = AliMessageDecoder.decodeMessageId(id);
    expect(ali.address).toBe('192.168.7.9:10911');
    expect(ali.offset.toNumber()).toBe(2 ** 40 + 5);
  });

  it('stores an IPv4-mapped store host as IPv4 (32 chars)', () => {
    expect(createOffsetMsgId('[::ffff:10.0.0.1]:10911', 123456)).toBe(spec.msgId);
  });

  it('uses 56 hex chars for an IPv6 store host and decodes them back', () => {
    const id = createOffsetMsgId('[2001:db8::1]:10911', 77);
    expect(id).toMatch(/^[0-9A-F]{56}$/);
    expect(id.slice(0, 32)).toBe('20010DB8000000000000000000000001');
    const back = decodeOffsetMsgId(id);
    expect(back.commitLogOffset).toBe(77);
    expect(back.storeHost.endsWith(':10911')).toBe(true);
    expect(createOffsetMsgId(back.storeHost, 77)).toBe(id);
  });

  it.each([
    ['too short', '0A00000100002A9F000000000001E24'],
    ['too long', '0A00000100002A9F000000000001E2400'],
    ['between the two lengths', '0'.repeat(40)],
    ['not hex', '0A00000100002A9F000000000001E24G'],
    ['empty', ''],
    ['a UNIQ_KEY-looking string with a dash', '0A000001-0002A9F000000000001E240'],
  ])('rejects an id that is %s', (_name, id) => {
    expect(() => decodeOffsetMsgId(id)).toThrow(/not an offset message id/);
  });

  it('round-trips any IPv4 host, port and safe offset (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.ipV4(),
        fc.integer({ min: 0, max: 65535 }),
        fc.maxSafeNat(),
        (ip, port, offset) => {
          const id = createOffsetMsgId(`${ip}:${port}`, offset);
          expect(id).toMatch(/^[0-9A-F]{32}$/);
          expect(decodeOffsetMsgId(id)).toEqual({
            storeHost: `${ip}:${port}`,
            commitLogOffset: offset,
          });
        },
      ),
    );
  });
});

describe('UNIQ_KEY', () => {
  it('is 32 uppercase hex chars with a per-process 20-char prefix', () => {
    const a = createUniqKey();
    const b = createUniqKey();
    expect(a).toMatch(/^[0-9A-F]{32}$/);
    expect(b.slice(0, 20)).toBe(a.slice(0, 20));
  });

  it('carries the pid in bytes 4-5 of the prefix', () => {
    const k = Buffer.from(createUniqKey(), 'hex');
    expect(k.readUInt16BE(4)).toBe(process.pid & 0xffff);
  });

  it('carries ms since the start of the local month, then a counter', () => {
    const now = new Date(2024, 1, 29, 13, 45, 6, 789).getTime(); // leap day, local time
    const monthStart = new Date(2024, 1, 1).getTime();
    const k1 = Buffer.from(createUniqKey(now), 'hex');
    const k2 = Buffer.from(createUniqKey(now), 'hex');
    expect(k1.readUInt32BE(10)).toBe(now - monthStart);
    expect(k2.readUInt32BE(10)).toBe(now - monthStart);
    expect(k2.readUInt16BE(14)).toBe((k1.readUInt16BE(14) + 1) & 0xffff);
  });

  it('restarts the time part when the month changes, and moving back in time too', () => {
    const march = new Date(2024, 2, 1, 0, 0, 0, 5).getTime();
    const lateFeb = new Date(2024, 1, 29, 23, 59, 59, 999).getTime();
    expect(Buffer.from(createUniqKey(lateFeb), 'hex').readUInt32BE(10)).toBe(
      lateFeb - new Date(2024, 1, 1).getTime(),
    );
    expect(Buffer.from(createUniqKey(march), 'hex').readUInt32BE(10)).toBe(5);
    expect(Buffer.from(createUniqKey(lateFeb), 'hex').readUInt32BE(10)).toBe(
      lateFeb - new Date(2024, 1, 1).getTime(),
    );
  });

  it('does not repeat within 65,536 keys of the same millisecond', () => {
    const now = Date.now();
    const seen = new Set<string>();
    for (let i = 0; i < 65_536; i++) seen.add(createUniqKey(now));
    expect(seen.size).toBe(65_536);
  });
});
