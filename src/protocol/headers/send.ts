// SEND_MESSAGE (10), SEND_MESSAGE_V2 (310), SEND_BATCH_MESSAGE (320) headers: RocketMQ's
// SendMessageRequestHeader, its V2 form (SendMessageRequestHeaderV2: the same fields under the
// single-letter keys a..m, to shrink the header) and SendMessageResponseHeader (spec part 1 §4.3).
// Encode writes every value as a string, in field order, leaving out optionals that are undefined,
// so a request is byte for byte what the hand-built headers were; the producer's shape is one
// literal, the rest go through the key tables. Decode is what the broker accepts: Java's
// required fields, its defaults, and int fields refused past 32 bits.
import { TBW102 } from '../../message/system-topics.js';
import type { ExtFields } from '../remoting-command.js';
import { RequestCode } from '../request-code.js';
import { optBool, optInt, optLong, optString, reqInt, reqLong, reqString } from './fields.js';
import { int32 } from './int32.js';

/** SendMessageRequestHeader: the optionals are Java's @CFNullable fields. */
export interface SendMessageRequestHeader {
  producerGroup: string;
  topic: string;
  defaultTopic: string;
  defaultTopicQueueNums: number;
  queueId: number;
  sysFlag: number;
  bornTimestamp: number;
  flag: number;
  properties?: string | undefined;
  reconsumeTimes?: number | undefined;
  unitMode?: boolean | undefined;
  maxReconsumeTimes?: number | undefined;
  batch?: boolean | undefined;
}

/** What the broker works with: Java's defaults filled in (unitMode is not read). */
export interface DecodedSendHeader extends SendMessageRequestHeader {
  properties: string | undefined;
  reconsumeTimes: number;
  maxReconsumeTimes: number | undefined;
  batch: boolean;
}

type SendField = keyof SendMessageRequestHeader;

/** SendMessageRequestHeaderV2#createSendMessageRequestHeaderV2's key for each field. */
const V2_KEYS: Readonly<Record<SendField, string>> = {
  producerGroup: 'a',
  topic: 'b',
  defaultTopic: 'c',
  defaultTopicQueueNums: 'd',
  queueId: 'e',
  sysFlag: 'f',
  bornTimestamp: 'g',
  flag: 'h',
  properties: 'i',
  reconsumeTimes: 'j',
  unitMode: 'k',
  maxReconsumeTimes: 'l',
  batch: 'm',
};

/** SEND_MESSAGE (10) uses the Java field names themselves. */
const V1_KEYS: Readonly<Record<SendField, string>> = {
  producerGroup: 'producerGroup',
  topic: 'topic',
  defaultTopic: 'defaultTopic',
  defaultTopicQueueNums: 'defaultTopicQueueNums',
  queueId: 'queueId',
  sysFlag: 'sysFlag',
  bornTimestamp: 'bornTimestamp',
  flag: 'flag',
  properties: 'properties',
  reconsumeTimes: 'reconsumeTimes',
  unitMode: 'unitMode',
  maxReconsumeTimes: 'maxReconsumeTimes',
  batch: 'batch',
};

/** 310 and 320 carry the V2 keys; a batch is told by `batch`, not by the code. */
export function isV2SendCode(code: number): boolean {
  return code === RequestCode.SEND_MESSAGE_V2 || code === RequestCode.SEND_BATCH_MESSAGE;
}

export function encodeSendHeader(h: SendMessageRequestHeader, opts: { v2: boolean }): ExtFields {
  if (!opts.v2 || !isProducerShape(h)) return encodeWithKeys(h, opts.v2 ? V2_KEYS : V1_KEYS);
  // The producer's send, once per message: one literal with constant keys, as it was built by
  // hand (keys added one by one cost a third more here).
  return {
    a: h.producerGroup,
    b: h.topic,
    c: h.defaultTopic,
    d: String(h.defaultTopicQueueNums),
    e: String(h.queueId),
    f: String(h.sysFlag),
    g: String(h.bornTimestamp),
    h: String(h.flag),
    i: h.properties!,
    j: String(h.reconsumeTimes),
    k: h.unitMode ? 'true' : 'false',
    m: h.batch ? 'true' : 'false',
  };
}

/** Every optional but maxReconsumeTimes set: what the producer sends. */
function isProducerShape(h: SendMessageRequestHeader): boolean {
  return (
    h.properties !== undefined &&
    h.reconsumeTimes !== undefined &&
    h.unitMode !== undefined &&
    h.batch !== undefined &&
    h.maxReconsumeTimes === undefined
  );
}

function encodeWithKeys(h: SendMessageRequestHeader, k: Readonly<Record<SendField, string>>) {
  const out: ExtFields = {};
  out[k.producerGroup] = h.producerGroup;
  out[k.topic] = h.topic;
  out[k.defaultTopic] = h.defaultTopic;
  out[k.defaultTopicQueueNums] = String(h.defaultTopicQueueNums);
  out[k.queueId] = String(h.queueId);
  out[k.sysFlag] = String(h.sysFlag);
  out[k.bornTimestamp] = String(h.bornTimestamp);
  out[k.flag] = String(h.flag);
  if (h.properties !== undefined) out[k.properties] = h.properties;
  if (h.reconsumeTimes !== undefined) out[k.reconsumeTimes] = String(h.reconsumeTimes);
  if (h.unitMode !== undefined) out[k.unitMode] = h.unitMode ? 'true' : 'false';
  if (h.maxReconsumeTimes !== undefined) out[k.maxReconsumeTimes] = String(h.maxReconsumeTimes);
  if (h.batch !== undefined) out[k.batch] = h.batch ? 'true' : 'false';
  return out;
}

/** The broker's read of a send header (SendMessageProcessor#parseRequestHeader). */
export function decodeSendHeader(code: number, ext: ExtFields): DecodedSendHeader {
  // Two precomputed tables, not a key function per call: this runs once per message.
  const k = isV2SendCode(code) ? V2_KEYS : V1_KEYS;
  return {
    producerGroup: reqString(ext, k.producerGroup),
    topic: reqString(ext, k.topic),
    defaultTopic: optString(ext, k.defaultTopic) ?? TBW102,
    defaultTopicQueueNums: int32(k.defaultTopicQueueNums, optInt(ext, k.defaultTopicQueueNums, 4)),
    queueId: int32(k.queueId, reqInt(ext, k.queueId)),
    sysFlag: int32(k.sysFlag, optInt(ext, k.sysFlag, 0)),
    bornTimestamp: optLong(ext, k.bornTimestamp, Date.now()),
    flag: int32(k.flag, optInt(ext, k.flag, 0)),
    properties: optString(ext, k.properties),
    reconsumeTimes: int32(k.reconsumeTimes, optInt(ext, k.reconsumeTimes, 0)),
    maxReconsumeTimes: int32(k.maxReconsumeTimes, optInt(ext, k.maxReconsumeTimes)),
    batch: optBool(ext, k.batch, false),
  };
}

/**
 * SendMessageResponseHeader plus the two fields every send answer carries (MSG_REGION, TRACE_ON).
 * msgId is the offset id, comma-joined for a batch; transactionId (the UNIQ_KEY) only for one.
 */
export interface SendMessageResponseHeader {
  msgId: string;
  queueId: number;
  queueOffset: number;
  transactionId?: string | undefined;
  MSG_REGION: string;
  TRACE_ON: boolean;
}

export function encodeSendResponseHeader(r: SendMessageResponseHeader): ExtFields {
  if (r.transactionId === undefined) {
    return {
      msgId: r.msgId,
      queueId: String(r.queueId),
      queueOffset: String(r.queueOffset),
      MSG_REGION: r.MSG_REGION,
      TRACE_ON: r.TRACE_ON ? 'true' : 'false',
    };
  }
  return {
    msgId: r.msgId,
    queueId: String(r.queueId),
    queueOffset: String(r.queueOffset),
    transactionId: r.transactionId,
    MSG_REGION: r.MSG_REGION,
    TRACE_ON: r.TRACE_ON ? 'true' : 'false',
  };
}

/** A successful send's answer as the producer reads it (MQClientAPIImpl#processSendResponse). */
export interface DecodedSendResponseHeader {
  msgId: string;
  queueId: number;
  queueOffset: number;
  transactionId: string | undefined;
  regionId: string | undefined;
  traceOn: boolean;
}

export function decodeSendResponseHeader(ext: ExtFields): DecodedSendResponseHeader {
  return {
    msgId: reqString(ext, 'msgId'),
    queueId: reqInt(ext, 'queueId'),
    queueOffset: reqLong(ext, 'queueOffset'),
    transactionId: optString(ext, 'transactionId'),
    regionId: optString(ext, 'MSG_REGION'),
    // MQClientAPIImpl reads TRACE_ON as "not 'false'": absent means on.
    traceOn: ext.TRACE_ON !== 'false',
  };
}
