// "ip:port" strings and the host bytes stored in records and msgIds (spec part 1 §5.1, §7 trap 7).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bytesToIp,
  formatAddress,
  ipToBytes,
  isIpv6Address,
  normalizeIp,
  parseAddress,
} from './socket-address.js';

/** Reference: let the WHATWG URL parser canonicalise an IPv6 literal, then expand its groups. */
function referenceIpv6Bytes(ip: string): Buffer {
  const host = new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  const [head, tail] = host.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups =
    tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => {
    out.writeUInt16BE(Number.parseInt(g, 16), i * 2);
  });
  return out;
}

describe('normalizeIp', () => {
  it('turns IPv4-mapped IPv6 and ::1 into IPv4', () => {
    expect(normalizeIp('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(normalizeIp('::1')).toBe('127.0.0.1');
  });

  it('leaves other addresses alone', () => {
    expect(normalizeIp('10.0.0.1')).toBe('10.0.0.1');
    expect(normalizeIp('fe80::1')).toBe('fe80::1');
    expect(normalizeIp('::ffff:not-an-ip')).toBe('::ffff:not-an-ip');
  });
});

describe('formatAddress / parseAddress', () => {
  it('formats IPv4 plainly and IPv6 in brackets', () => {
    expect(formatAddress('10.0.0.1', 10911)).toBe('10.0.0.1:10911');
    expect(formatAddress('::ffff:10.0.0.1', 10911)).toBe('10.0.0.1:10911');
    expect(formatAddress('2001:db8::1', 1)).toBe('[2001:db8::1]:1');
  });

  it('parses IPv4, bracketed IPv6, bare IPv6 (last colon is the port) and host names', () => {
    expect(parseAddress('10.0.0.1:10911')).toEqual({ ip: '10.0.0.1', port: 10911 });
    expect(parseAddress('[2001:db8::1]:9876')).toEqual({ ip: '2001:db8::1', port: 9876 });
    expect(parseAddress('2001:db8:0:0:0:0:0:1:9876')).toEqual({
      ip: '2001:db8:0:0:0:0:0:1',
      port: 9876,
    });
    expect(parseAddress('localhost:9876')).toEqual({ ip: 'localhost', port: 9876 });
    expect(parseAddress('[::ffff:10.0.0.1]:5')).toEqual({ ip: '10.0.0.1', port: 5 });
  });

  it.each([
    ['no port', '10.0.0.1'],
    ['an empty host', ':9876'],
    ['a port above 65535', '10.0.0.1:65536'],
    ['a negative port', '10.0.0.1:-1'],
    ['a non-numeric port', '10.0.0.1:http'],
    ['a fractional port', '10.0.0.1:1.5'],
    ['an empty port', '10.0.0.1:'],
    ['a port with spaces', '10.0.0.1: 80'],
    ['a hex port', '10.0.0.1:0x50'],
  ])('rejects %s', (_name, addr) => {
    expect(() => parseAddress(addr)).toThrow(/address/);
  });

  it('round-trips format → parse for IPv4 and IPv6 (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.ipV4(), fc.ipV6()),
        fc.integer({ min: 0, max: 65535 }),
        (ip, port) => {
          const p = parseAddress(formatAddress(ip, port));
          expect(p.port).toBe(port);
          expect(ipToBytes(p.ip)).toEqual(ipToBytes(ip));
        },
      ),
    );
  });

  it('isIpv6Address tells the stored form apart', () => {
    expect(isIpv6Address('[2001:db8::1]:1')).toBe(true);
    expect(isIpv6Address('[::ffff:1.2.3.4]:1')).toBe(false);
    expect(isIpv6Address('1.2.3.4:1')).toBe(false);
  });
});

describe('ipToBytes / bytesToIp', () => {
  it('encodes IPv4 as 4 bytes', () => {
    expect([...ipToBytes('10.0.0.1')]).toEqual([10, 0, 0, 1]);
    expect([...ipToBytes('255.255.255.255')]).toEqual([255, 255, 255, 255]);
  });

  it.each([
    ['::', '00000000000000000000000000000000'],
    ['fe80::1', 'fe800000000000000000000000000001'],
    ['2001:db8::7', '20010db8000000000000000000000007'],
    ['1::', '00010000000000000000000000000000'],
    ['1:2:3:4:5:6:7:8', '00010002000300040005000600070008'],
    ['2001:DB8::A', '20010db800000000000000000000000a'],
  ])('encodes IPv6 %s as 16 bytes', (ip, hex) => {
    expect(ipToBytes(ip).toString('hex')).toBe(hex);
  });

  it.each([
    ['64:ff9b::1.2.3.4', '0064ff9b000000000000000001020304'],
    ['::1.2.3.4', '00000000000000000000000001020304'],
    ['1:2:3:4:5:6:1.2.3.4', '00010002000300040005000601020304'],
  ])('encodes the dotted IPv4 tail of %s as the last two groups', (ip, hex) => {
    expect(ipToBytes(ip).toString('hex')).toBe(hex);
  });

  it('stores IPv4-mapped and loopback IPv6 as IPv4 (4 bytes)', () => {
    expect([...ipToBytes('::ffff:192.168.0.1')]).toEqual([192, 168, 0, 1]);
    expect([...ipToBytes('::1')]).toEqual([127, 0, 0, 1]);
  });

  it('rejects host names and garbage', () => {
    expect(() => ipToBytes('localhost')).toThrow(/brokerIP1/);
    expect(() => ipToBytes('1.2.3')).toThrow();
    expect(() => ipToBytes('')).toThrow();
  });

  it('matches a URL-parser reference for every IPv6 literal that stays IPv6 (fast-check)', () => {
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        const bytes = ipToBytes(ip);
        if (bytes.length === 4) return; // ::ffff:a.b.c.d and ::1, stored as IPv4 on purpose
        expect(bytes.toString('hex')).toBe(referenceIpv6Bytes(ip).toString('hex'));
      }),
      { numRuns: 1000 },
    );
  });

  it('bytesToIp inverts ipToBytes (fast-check)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (ip) => {
        const bytes = ipToBytes(ip);
        expect(ipToBytes(bytesToIp(bytes))).toEqual(bytes);
      }),
    );
  });

  it('writes IPv6 from bytes as eight uncompressed groups', () => {
    expect(bytesToIp(Buffer.from('20010db8000000000000000000000007', 'hex'))).toBe(
      '2001:db8:0:0:0:0:0:7',
    );
  });
});
