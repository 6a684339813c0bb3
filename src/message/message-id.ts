// Offset message id (MessageDecoder#createMessageId): storeHost IP + port (int32) + commit-log
// offset (int64) as uppercase hex. 32 chars for IPv4. Clients decode it to find the broker for
// VIEW_MESSAGE_BY_ID. UNIQ_KEY (MessageClientIDSetter) is the client/broker-generated unique id.
import { randomBytes } from 'node:crypto';
import { writeInt64BE } from './int64.js';
import { addressBytes, bytesToIp } from './socket-address.js';

/** Hex of a host's IP and port bytes, by "ip:port" (a broker has one or two). */
const hostHex = new Map<string, string>();

export function createOffsetMsgId(storeHost: string, commitLogOffset: number): string {
  let prefix = hostHex.get(storeHost);
  if (prefix === undefined) {
    const { ip: ipBytes, port } = addressBytes(storeHost);
    const b = Buffer.allocUnsafe(ipBytes.length + 4);
    ipBytes.copy(b, 0);
    b.writeInt32BE(port, ipBytes.length);
    prefix = b.toString('hex').toUpperCase();
    if (hostHex.size >= 1024) hostHex.clear();
    hostHex.set(storeHost, prefix);
  }
  if (commitLogOffset >= 0 && Number.isSafeInteger(commitLogOffset)) {
    return prefix + commitLogOffset.toString(16).toUpperCase().padStart(16, '0');
  }
  const b = Buffer.allocUnsafe(8);
  writeInt64BE(b, commitLogOffset, 0);
  return prefix + b.toString('hex').toUpperCase();
}

export function decodeOffsetMsgId(msgId: string): { storeHost: string; commitLogOffset: number } {
  if (!/^[0-9A-Fa-f]+$/.test(msgId) || (msgId.length !== 32 && msgId.length !== 56)) {
    throw new Error(`'${msgId}' is not an offset message id (32 or 56 hex chars)`);
  }
  const b = Buffer.from(msgId, 'hex');
  const ipLength = b.length === 16 ? 4 : 16;
  const ip = bytesToIp(b.subarray(0, ipLength));
  const port = b.readInt32BE(ipLength);
  const offset = b.readBigInt64BE(ipLength + 4);
  return { storeHost: `${ip}:${port}`, commitLogOffset: Number(offset) };
}

// Per-process prefix: 4 random bytes stand in for the client IP, then pid and a random int, as
// Java's layout (ip, pid, class-loader hash) is only a uniqueness device.
const PREFIX_BYTES = 10;
const KEY_CHARS = 2 * (PREFIX_BYTES + 6);
/**
 * The key's hex characters, the prefix's written once: each key is its last 12 characters
 * rewritten and one latin1 string made of all 32, so a key is one flat string (concatenating
 * its pieces made six cons strings, flattened again wherever the key was written out).
 */
const keyChars = (() => {
  const b = Buffer.allocUnsafe(PREFIX_BYTES);
  randomBytes(4).copy(b, 0);
  b.writeUInt16BE(process.pid & 0xffff, 4);
  randomBytes(4).copy(b, 6);
  return Buffer.from(b.toString('hex').toUpperCase().padEnd(KEY_CHARS, '0'), 'latin1');
})();
let counter = 0;
let monthStartMs = 0;
let nextMonthStartMs = 0;

function refreshMonth(now: number): void {
  const d = new Date(now);
  monthStartMs = new Date(d.getFullYear(), d.getMonth(), 1).getTime();
  nextMonthStartMs = new Date(d.getFullYear(), d.getMonth() + 1, 1).getTime();
}

/** Uppercase hex digits by value. */
const HEX_DIGITS = Buffer.from('0123456789ABCDEF', 'latin1');

/** Writes n's low `digits` hex digits (uppercase) into keyChars ending before `end`. */
function putHex(n: number, end: number, digits: number): void {
  for (let i = 1; i <= digits; i++) {
    keyChars[end - i] = HEX_DIGITS[n & 0xf]!;
    n >>>= 4;
  }
}

export function createUniqKey(now = Date.now()): string {
  if (now >= nextMonthStartMs || now < monthStartMs) refreshMonth(now);
  const t = (now - monthStartMs) >>> 0;
  counter = (counter + 1) & 0xffff;
  putHex(t, KEY_CHARS - 4, 8);
  putHex(counter, KEY_CHARS, 4);
  return keyChars.toString('latin1', 0, KEY_CHARS);
}
