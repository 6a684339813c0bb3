// "ip:port" strings <-> the bytes stored in records and msgIds. Node reports IPv4 peers of a
// dual-stack socket as ::ffff:a.b.c.d; those are stored as plain IPv4 because ali-ons can only
// read 4-byte hosts (spec part 1 §7 trap 7).
import { isIPv4, isIPv6 } from 'node:net';

export function normalizeIp(ip: string): string {
  if (ip.startsWith('::ffff:') && isIPv4(ip.slice(7))) return ip.slice(7);
  if (ip === '::1') return '127.0.0.1';
  return ip;
}

export function formatAddress(ip: string, port: number): string {
  const n = normalizeIp(ip);
  return isIPv6(n) ? `[${n}]:${port}` : `${n}:${port}`;
}

export function parseAddress(addr: string): { ip: string; port: number } {
  const i = addr.lastIndexOf(':');
  if (i <= 0) throw new Error(`address '${addr}' is not host:port`);
  let ip = addr.slice(0, i);
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  const portText = addr.slice(i + 1);
  const port = Number(portText);
  // Decimal digits only: Number('') is 0 and Number('0x50') is 80, both typos in a config.
  if (!/^\d+$/.test(portText) || port > 65535) {
    throw new Error(`address '${addr}' has an invalid port`);
  }
  return { ip: normalizeIp(ip), port };
}

const addressCache = new Map<string, { ip: Buffer; port: number }>();
const ADDRESS_CACHE_MAX = 4096;

/**
 * parseAddress + ipToBytes, memoized: every record and msgId encodes the same few hosts, and
 * parsing them per message showed in profiles. Callers must not modify the returned bytes.
 */
export function addressBytes(addr: string): { ip: Buffer; port: number } {
  let hit = addressCache.get(addr);
  if (!hit) {
    const { ip, port } = parseAddress(addr);
    hit = { ip: ipToBytes(ip), port };
    if (addressCache.size >= ADDRESS_CACHE_MAX) addressCache.clear();
    addressCache.set(addr, hit);
  }
  return hit;
}

/** 4 bytes for IPv4, 16 for IPv6. Host names are not allowed here. */
export function ipToBytes(ip: string): Buffer {
  const n = normalizeIp(ip);
  if (isIPv4(n)) return Buffer.from(n.split('.').map((p) => Number(p)));
  if (isIPv6(n)) return ipv6ToBytes(n);
  throw new Error(`'${ip}' is not an IP address; configure brokerIP1 with an IPv4 address`);
}

export function bytesToIp(b: Buffer): string {
  if (b.length === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  const parts: string[] = [];
  for (let i = 0; i < 16; i += 2) parts.push(b.readUInt16BE(i).toString(16));
  return parts.join(':');
}

function ipv6ToBytes(ip: string): Buffer {
  // A dotted IPv4 tail (64:ff9b::1.2.3.4) stands for the last two 16-bit groups.
  const dotted = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(2).map(Number) as [number, number, number, number];
    ip = `${dotted[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const zeros = 8 - h.length - t.length;
  const groups = [...h, ...Array<string>(tail === undefined ? 0 : zeros).fill('0'), ...t];
  const out = Buffer.alloc(16);
  for (let i = 0; i < 8; i++) out.writeUInt16BE(Number.parseInt(groups[i] ?? '0', 16), i * 2);
  return out;
}

export function isIpv6Address(addr: string): boolean {
  return isIPv6(parseAddress(addr).ip);
}
