// The stored message record (CommitLog#calMsgLength, MessageDecoder#decode; spec part 1 §5.1).
// The same bytes are what PULL_MESSAGE responses carry, so the store never re-encodes on read.
//
//  off  size  field                       off  size  field
//   0    4    totalSize                    48  4|16+4 bornHost ip + port
//   4    4    magicCode (v1 / v2)          +    8    storeTimestamp
//   8    4    bodyCRC (crc32 & 0x7fffffff) +  4|16+4 storeHost ip + port
//  12    4    queueId                      +    4    reconsumeTimes
//  16    4    flag                         +    8    preparedTransactionOffset
//  20    8    queueOffset                  +  4 + B  body
//  28    8    physicalOffset               +  1|2+T  topic (v1: 1-byte length, v2: 2-byte)
//  36    4    sysFlag                      +  2 + P  properties
//  40    8    bornTimestamp
import { crc32 } from 'node:zlib';
import { assert } from '../common/assert.js';
import { MAX_PROPERTIES_SIZE_BYTES } from '../common/limits.js';
import { readInt64BE, writeInt64BE } from './int64.js';
import {
  MESSAGE_MAGIC_CODE_V1,
  MESSAGE_MAGIC_CODE_V2,
  type MessageExt,
  MessageSysFlag,
  type MessageToStore,
} from './message.js';
import { decodeProperties, encodeProperties } from './properties-codec.js';
import { addressBytes, bytesToIp, formatAddress } from './socket-address.js';

export const QUEUE_OFFSET_POS = 20;
export const PHYSICAL_OFFSET_POS = 28;
export const SYS_FLAG_POS = 36;
export const BORN_HOST_POS = 48;
/** v1 record with IPv4 hosts and empty body, topic and properties. */
export const RECORD_FIXED_OVERHEAD_BYTES = 91;

/** Standard CRC-32 masked to a non-negative int (UtilAll#crc32). */
export function bodyCrc32(body: Buffer): number {
  return crc32(body) & 0x7fffffff;
}

export function storeTimestampPos(sysFlag: number): number {
  return BORN_HOST_POS + ((sysFlag & MessageSysFlag.BORNHOST_V6) !== 0 ? 20 : 8);
}

export interface EncodedRecord {
  bytes: Buffer;
  /** Position of storeTimestamp inside bytes (depends on the born host's IP family). */
  storeTimestampPos: number;
}

/** A record measured but not yet written: the commit log writes it straight into its buffer. */
export interface RecordPlan {
  readonly m: MessageToStore;
  /** totalSize of the stored record. */
  readonly size: number;
  readonly sysFlag: number;
  /** Position of storeTimestamp inside the record (depends on the born host's IP family). */
  readonly storeTimestampPos: number;
  readonly propsText: string;
  readonly propsBytes: number;
  readonly topicBytes: number;
  readonly born: { ip: Buffer; port: number };
  readonly store: { ip: Buffer; port: number };
}

function checkInt32(name: string, v: number): void {
  if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) {
    throw new RangeError(`${name} ${v} is not an int32`);
  }
}

/** Sizes a record; throws on hosts that are not ip:port. */
export function planRecord(m: MessageToStore, propertiesString?: string): RecordPlan {
  // Everything writeRecord could choke on is checked here, before any buffer space is taken
  // (plain calls: this runs for every message stored).
  checkInt32('queueId', m.queueId);
  checkInt32('flag', m.flag);
  checkInt32('sysFlag', m.sysFlag);
  checkInt32('reconsumeTimes', m.reconsumeTimes);
  if (!Number.isSafeInteger(m.bornTimestamp)) {
    throw new RangeError(`bornTimestamp ${m.bornTimestamp} is not an integer`);
  }
  if (!Number.isSafeInteger(m.preparedTransactionOffset)) {
    throw new RangeError(
      `preparedTransactionOffset ${m.preparedTransactionOffset} is not an integer`,
    );
  }
  const born = addressBytes(m.bornHost);
  const store = addressBytes(m.storeHost);
  let sysFlag = m.sysFlag & ~(MessageSysFlag.BORNHOST_V6 | MessageSysFlag.STOREHOST_V6);
  if (born.ip.length === 16) sysFlag |= MessageSysFlag.BORNHOST_V6;
  if (store.ip.length === 16) sysFlag |= MessageSysFlag.STOREHOST_V6;
  const propsText = propertiesString ?? encodeProperties(m.properties);
  const topicBytes = Buffer.byteLength(m.topic, 'utf8');
  const propsBytes = Buffer.byteLength(propsText, 'utf8');
  assert(propsBytes <= MAX_PROPERTIES_SIZE_BYTES, 'properties checked before encoding');
  const v2 = topicBytes > 127;
  // Fixed ints (size, magic, crc, queueId, flag, queueOffset, physicalOffset, sysFlag,
  // bornTimestamp, storeTimestamp, reconsumeTimes, preparedTransactionOffset, body length,
  // properties length) + hosts + variable parts.
  const size =
    4 +
    4 +
    4 +
    4 +
    4 +
    8 +
    8 +
    4 +
    8 +
    8 +
    4 +
    8 +
    4 +
    2 +
    (born.ip.length + 4) +
    (store.ip.length + 4) +
    m.body.length +
    ((v2 ? 2 : 1) + topicBytes) +
    propsBytes;
  const storeTimestampPos = BORN_HOST_POS + born.ip.length + 4;
  return { m, size, sysFlag, storeTimestampPos, propsText, propsBytes, topicBytes, born, store };
}

/**
 * Writes a planned record at `at`, with queueOffset, physicalOffset and storeTimestamp zero; the
 * commit log fills them with setRecordPositions() when it knows where the record lands.
 */
export function writeRecord(plan: RecordPlan, b: Buffer, at: number): void {
  const { m, born, store, topicBytes, propsBytes } = plan;
  assert(at >= 0 && at + plan.size <= b.length, 'the record fits the buffer');
  let p = at;
  p = b.writeInt32BE(plan.size, p);
  p = b.writeInt32BE(topicBytes > 127 ? MESSAGE_MAGIC_CODE_V2 : MESSAGE_MAGIC_CODE_V1, p);
  p = b.writeInt32BE(bodyCrc32(m.body), p);
  p = b.writeInt32BE(m.queueId, p);
  p = b.writeInt32BE(m.flag, p);
  p = writeInt64BE(b, 0, p); // queueOffset
  p = writeInt64BE(b, 0, p); // physicalOffset
  p = b.writeInt32BE(plan.sysFlag, p);
  p = writeInt64BE(b, m.bornTimestamp, p);
  p += born.ip.copy(b, p);
  p = b.writeInt32BE(born.port, p);
  assert(p - at === plan.storeTimestampPos, 'storeTimestamp where the plan put it');
  p = writeInt64BE(b, 0, p); // storeTimestamp
  p += store.ip.copy(b, p);
  p = b.writeInt32BE(store.port, p);
  p = b.writeInt32BE(m.reconsumeTimes, p);
  p = writeInt64BE(b, m.preparedTransactionOffset, p);
  p = b.writeInt32BE(m.body.length, p);
  p += m.body.copy(b, p);
  if (topicBytes > 127) p = b.writeInt16BE(topicBytes, p);
  else p = b.writeInt8(topicBytes, p);
  // Strings go straight into the record: no intermediate Buffer per field.
  p += b.write(m.topic, p, topicBytes, 'utf8');
  p = b.writeInt16BE(propsBytes, p);
  if (propsBytes > 0) p += b.write(plan.propsText, p, propsBytes, 'utf8');
  assert(p - at === plan.size, 'record encoder wrote exactly totalSize bytes');
}

/** A record in a buffer of its own (tests, tools, and the rare record bigger than staging). */
export function encodeRecord(m: MessageToStore, propertiesString?: string): EncodedRecord {
  const plan = planRecord(m, propertiesString);
  const b = Buffer.allocUnsafe(plan.size);
  writeRecord(plan, b, 0);
  return { bytes: b, storeTimestampPos: plan.storeTimestampPos };
}

export function setRecordPositions(
  b: Buffer,
  at: number,
  storeTsPos: number,
  queueOffset: number,
  physicalOffset: number,
  storeTimestamp: number,
): void {
  assert(queueOffset >= 0 && physicalOffset >= 0, 'offsets are non-negative');
  writeInt64BE(b, queueOffset, at + QUEUE_OFFSET_POS);
  writeInt64BE(b, physicalOffset, at + PHYSICAL_OFFSET_POS);
  writeInt64BE(b, storeTimestamp, at + storeTsPos);
}

export type RecordCheck = { ok: true; size: number } | { ok: false; reason: string };

/**
 * Validates the record at `at` without trusting it (CommitLog#checkMessageAndReturnSize): magic,
 * size within the bytes available, internal lengths adding up, and the body CRC.
 */
export function checkRecord(b: Buffer, at: number, available: number): RecordCheck {
  if (available < RECORD_FIXED_OVERHEAD_BYTES) return { ok: false, reason: 'short header' };
  const size = b.readInt32BE(at);
  const magic = b.readInt32BE(at + 4);
  if (magic !== MESSAGE_MAGIC_CODE_V1 && magic !== MESSAGE_MAGIC_CODE_V2) {
    return { ok: false, reason: `bad magic 0x${(magic >>> 0).toString(16)}` };
  }
  if (size < RECORD_FIXED_OVERHEAD_BYTES || size > available) {
    return { ok: false, reason: `size ${size} outside the ${available} bytes available` };
  }
  try {
    const m = decodeRecord(b.subarray(at, at + size), 0);
    if (m.storeSize !== size) return { ok: false, reason: 'internal lengths disagree' };
    if (bodyCrc32(m.body) !== m.bodyCRC) return { ok: false, reason: 'body CRC mismatch' };
  } catch (err) {
    return { ok: false, reason: `undecodable: ${(err as Error).message}` };
  }
  return { ok: true, size };
}

/** Decodes the record starting at `at`; throws if it does not fit in `b`. */
/**
 * Just the properties of the stored record at `at`, skipping everything else: what a SQL92
 * filter needs for each candidate message of a pull.
 */
export function decodeRecordProperties(b: Buffer, at = 0): Record<string, string> {
  const storeSize = b.readInt32BE(at);
  const end = at + storeSize;
  if (storeSize < RECORD_FIXED_OVERHEAD_BYTES || end > b.length) {
    throw new RangeError(`record size ${storeSize} at ${at} does not fit ${b.length} bytes`);
  }
  const sysFlag = b.readInt32BE(at + SYS_FLAG_POS);
  let p = BORN_HOST_POS + ((sysFlag & MessageSysFlag.BORNHOST_V6) !== 0 ? 20 : 8) + 8;
  p += ((sysFlag & MessageSysFlag.STOREHOST_V6) !== 0 ? 20 : 8) + 12;
  p += at;
  p += 4 + b.readInt32BE(p); // body
  const v2 = b.readInt32BE(at + 4) === MESSAGE_MAGIC_CODE_V2;
  p += v2 ? 2 + b.readInt16BE(p) : 1 + b.readInt8(p); // topic
  const propsLength = b.readInt16BE(p);
  p += 2;
  if (propsLength < 0 || p + propsLength !== end) {
    throw new RangeError('properties do not end the record');
  }
  return decodeProperties(b.toString('utf8', p, end));
}

export function decodeRecord(b: Buffer, at: number): MessageExt {
  const storeSize = b.readInt32BE(at);
  if (storeSize < RECORD_FIXED_OVERHEAD_BYTES || at + storeSize > b.length) {
    throw new RangeError(`record size ${storeSize} at ${at} does not fit ${b.length} bytes`);
  }
  const magic = b.readInt32BE(at + 4);
  const end = at + storeSize;
  let p = at + 8;
  const bodyCRC = b.readInt32BE(p);
  const queueId = b.readInt32BE(p + 4);
  const flag = b.readInt32BE(p + 8);
  const queueOffset = readInt64BE(b, p + 12);
  const commitLogOffset = readInt64BE(b, p + 20);
  const sysFlag = b.readInt32BE(p + 28);
  const bornTimestamp = readInt64BE(b, p + 32);
  p += 40;
  const bornIpLen = (sysFlag & MessageSysFlag.BORNHOST_V6) !== 0 ? 16 : 4;
  const bornHost = hostAt(b, p, bornIpLen, BORN);
  p += bornIpLen + 4;
  const storeTimestamp = readInt64BE(b, p);
  p += 8;
  const storeIpLen = (sysFlag & MessageSysFlag.STOREHOST_V6) !== 0 ? 16 : 4;
  const storeHost = hostAt(b, p, storeIpLen, STORE);
  // MessageDecoder#createMessageId straight from the stored bytes: host, port, then the offset.
  const offsetMsgId = STORE.hex + upperHex(b, at + PHYSICAL_OFFSET_POS, 8);
  p += storeIpLen + 4;
  const reconsumeTimes = b.readInt32BE(p);
  const preparedTransactionOffset = readInt64BE(b, p + 4);
  p += 12;
  const bodyLength = b.readInt32BE(p);
  p += 4;
  if (bodyLength < 0 || p + bodyLength > end) throw new RangeError('body overruns the record');
  const body = b.subarray(p, p + bodyLength);
  p += bodyLength;
  const topicLength = magic === MESSAGE_MAGIC_CODE_V2 ? b.readInt16BE(p) : b.readInt8(p);
  p += magic === MESSAGE_MAGIC_CODE_V2 ? 2 : 1;
  if (topicLength < 0 || p + topicLength > end) throw new RangeError('topic overruns the record');
  const topic = b.toString('utf8', p, p + topicLength);
  p += topicLength;
  const propsLength = b.readInt16BE(p);
  p += 2;
  if (propsLength < 0 || p + propsLength !== end) {
    throw new RangeError('properties do not end the record');
  }
  const properties = decodeProperties(b.toString('utf8', p, p + propsLength));
  return {
    topic,
    queueId,
    flag,
    queueOffset,
    commitLogOffset,
    storeSize,
    sysFlag,
    bornTimestamp,
    bornHost,
    storeTimestamp,
    storeHost,
    reconsumeTimes,
    preparedTransactionOffset,
    bodyCRC,
    body,
    properties,
    offsetMsgId,
  };
}

/**
 * The last host decoded in one field, as bytes, text and upper-case hex. A pulled body repeats
 * the same store host in every record and mostly the same born host, so a match saves building
 * the strings again (two per record, plus the msgId's hex, were a fifth of a drain's decode).
 */
interface HostMemo {
  bytes: Buffer;
  length: number;
  text: string;
  hex: string;
}

const newMemo = (): HostMemo => ({ bytes: Buffer.alloc(20), length: 0, text: '', hex: '' });
const BORN = newMemo();
const STORE = newMemo();

const HEX_BYTE = Array.from({ length: 256 }, (_, i) =>
  i.toString(16).toUpperCase().padStart(2, '0'),
);

function upperHex(b: Buffer, p: number, n: number): string {
  let s = '';
  for (let i = p; i < p + n; i++) s += HEX_BYTE[b[i]!];
  return s;
}

/** "ip:port" of a stored host; formatAddress's brackets for IPv6 so the string parses back. */
function hostAt(b: Buffer, p: number, ipLen: number, memo: HostMemo): string {
  const n = ipLen + 4;
  if (memo.length === n && b.compare(memo.bytes, 0, n, p, p + n) === 0) return memo.text;
  const port = b.readInt32BE(p + ipLen);
  memo.text =
    ipLen === 4
      ? `${b[p]}.${b[p + 1]}.${b[p + 2]}.${b[p + 3]}:${port}`
      : formatAddress(bytesToIp(b.subarray(p, p + ipLen)), port);
  memo.hex = upperHex(b, p, n);
  b.copy(memo.bytes, 0, p, p + n);
  memo.length = n;
  return memo.text;
}

/** Decodes every record in a PULL_MESSAGE body (concatenated stored records). */
export function decodeRecords(b: Buffer): MessageExt[] {
  const out: MessageExt[] = [];
  let p = 0;
  while (p < b.length) {
    const m = decodeRecord(b, p);
    out.push(m);
    p += m.storeSize;
  }
  return out;
}
