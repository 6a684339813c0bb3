// The answer to SEND_MESSAGE(_V2) / SEND_BATCH_MESSAGE as the producer reads it, straight from
// the frame's bytes (FrameDecoder.pushRanges' buffer, start, end): the response code, its remark
// and the SendMessageResponseHeader fields a SendResult is made of (msgId, queueId,
// queueOffset), written into the caller's object. From a binary (ROCKETMQ) header this makes no
// RemotingCommand, no extFields object and no string for the fields the producer does not read
// (transactionId, MSG_REGION, TRACE_ON); queueId and queueOffset are read from their digits. A
// JSON header goes through decodeCommandAt. Values are what the producer has always made of the
// fields (MQClientAPIImpl#processSendResponse reads them leniently too): Number() of the text,
// NaN when absent, msgId '' when absent. Malformed headers throw ProtocolError, as decodeCommand.
import { ProtocolError } from '../common/errors.js';
import { decodeCommandAt, type RemotingCommand, SerializeType } from './remoting-command.js';
import { ROCKETMQ_HEADER_FIXED_BYTES, truncated, walkExtFields } from './rocketmq-header.js';

export interface SendResponseFields {
  code: number;
  remark: string | undefined;
  /** The offset msgId (comma-joined for a batch); '' when absent. */
  msgId: string;
  queueId: number;
  queueOffset: number;
}

/** A fresh target for readSendResponseAt / sendResponseOf. */
export function emptySendResponse(): SendResponseFields {
  return { code: 0, remark: undefined, msgId: '', queueId: 0, queueOffset: 0 };
}

/** The fields of an already decoded response (a JSON frame, or a caller holding a command). */
export function sendResponseOf(cmd: RemotingCommand, into: SendResponseFields): SendResponseFields {
  const ext = cmd.extFields;
  into.code = cmd.code;
  into.remark = cmd.remark;
  into.msgId = ext.msgId ?? '';
  into.queueId = Number(ext.queueId);
  into.queueOffset = Number(ext.queueOffset);
  return into;
}

const MSG_ID = bytesOf('msgId');
const QUEUE_ID = bytesOf('queueId');
const QUEUE_OFFSET = bytesOf('queueOffset');

function bytesOf(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/**
 * Reads the send response in b[start, end) (a frame without its length prefix) into `into`.
 * The binary header's lengths are checked before anything is read, as decodeRocketMQHeader does.
 */
export function readSendResponseAt(
  b: Buffer,
  start: number,
  end: number,
  into: SendResponseFields,
): SendResponseFields {
  if (end - start < 4) throw new ProtocolError(`frame of ${end - start} bytes has no header`);
  const mark = b.readInt32BE(start);
  if (mark >>> 24 !== SerializeType.ROCKETMQ)
    return sendResponseOf(decodeCommandAt(b, start, end, false), into);
  const headerLength = mark & 0xffffff;
  if (headerLength > end - start - 4) {
    throw new ProtocolError(
      `header length ${headerLength} exceeds frame payload ${end - start - 4}`,
    );
  }
  const h = start + 4;
  const hEnd = h + headerLength;
  if (headerLength < ROCKETMQ_HEADER_FIXED_BYTES) {
    throw truncated('fixed fields', h, ROCKETMQ_HEADER_FIXED_BYTES, hEnd);
  }
  into.code = b.readInt16BE(h);
  const remarkLength = b.readInt32BE(h + 13);
  let pos = h + 17;
  if (remarkLength < 0) throw new ProtocolError(`binary header remark length ${remarkLength}`);
  if (remarkLength > hEnd - pos - 4) throw truncated('remark', pos, remarkLength + 4, hEnd);
  into.remark = remarkLength > 0 ? b.toString('utf8', pos, pos + remarkLength) : undefined;
  pos += remarkLength;
  const extLength = b.readInt32BE(pos);
  pos += 4;
  if (extLength < 0) throw new ProtocolError(`binary header extFields length ${extLength}`);
  if (extLength > hEnd - pos) throw truncated('extFields', pos, extLength, hEnd);
  const extEnd = pos + extLength;
  into.msgId = '';
  into.queueId = Number.NaN;
  into.queueOffset = Number.NaN;
  walkExtFields(b, pos, extEnd, into, readSendField);
  return into;
}

/** An empty value is an absent field (5.x Java reads it as null); a repeated key, the last. */
function readSendField(
  into: SendResponseFields,
  b: Buffer,
  k: number,
  kl: number,
  v: number,
  vl: number,
): void {
  if (vl === 0) return;
  if (keyIs(b, k, kl, MSG_ID)) into.msgId = textAt(b, v, v + vl);
  else if (keyIs(b, k, kl, QUEUE_ID)) into.queueId = numberAt(b, v, v + vl);
  else if (keyIs(b, k, kl, QUEUE_OFFSET)) into.queueOffset = numberAt(b, v, v + vl);
}

function keyIs(b: Buffer, at: number, length: number, key: Uint8Array): boolean {
  if (length !== key.length) return false;
  for (let i = 0; i < length; i++) if (b[at + i] !== key[i]) return false;
  return true;
}

/** The value as a string: latin1 (a straight copy) when it is ASCII, which msgIds are. */
function textAt(b: Buffer, start: number, end: number): string {
  for (let i = start; i < end; i++) if (b[i]! > 0x7f) return b.toString('utf8', start, end);
  return b.toString('latin1', start, end);
}

/** Number() of the value's text, without the text when it is plain decimal digits. */
function numberAt(b: Buffer, start: number, end: number): number {
  let i = start;
  const negative = b[i] === 0x2d;
  if (negative) i++;
  // 15 digits always fit a double exactly; anything longer or not plain goes through Number().
  if (i === end || end - i > 15) return Number(b.toString('utf8', start, end));
  let n = 0;
  for (; i < end; i++) {
    const d = b[i]! - 0x30;
    if (d < 0 || d > 9) return Number(b.toString('utf8', start, end));
    n = n * 10 + d;
  }
  return negative ? -n : n;
}
