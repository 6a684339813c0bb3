// The producer's SEND_MESSAGE_V2 (310) / SEND_BATCH_MESSAGE (320) request written as a frame
// straight from the send's fields: with a binary (ROCKETMQ) header no RemotingCommand, no
// extFields object and no string per number (queueId, sysFlag, bornTimestamp) is made, and the
// properties may come in three pieces (the unique key in the middle) that are never joined. The
// bytes are exactly those of encodeCommandHead(createRequestWithFields(code,
// encodeSendHeader(<the producer's shape>, { v2: true }), body)) with the opaque and header type
// set, which is also the path a JSON header takes. The producer's shape (SendPath#header, as
// Java's client sends it): defaultTopic TBW102, defaultTopicQueueNums 4, flag 0,
// reconsumeTimes 0, unitMode false, no maxReconsumeTimes.
import { KITEMQ_REMOTING_VERSION } from '../common/limits.js';
import { TBW102 } from '../message/system-topics.js';
import { type FrameSink, OwnBufferSink, putFrame } from './frame-sink.js';
import { encodeSendHeader } from './headers/send.js';
import {
  createRequestWithFields,
  encodeCommandHead,
  SerializeType,
  type SerializeTypeValue,
} from './remoting-command.js';
import { beginHeader, endHeader, putIntegerField, putStringField } from './rocketmq-header.js';

export interface SendRequestFields {
  /** SEND_MESSAGE_V2 or SEND_BATCH_MESSAGE: both carry the V2 single-letter keys. */
  code: number;
  producerGroup: string;
  topic: string;
  queueId: number;
  sysFlag: number;
  bornTimestamp: number;
  /** The properties string is propertiesHead + uniqKey + propertiesTail. */
  propertiesHead: string;
  uniqKey: string;
  propertiesTail: string;
  batch: boolean;
  body: Buffer;
}

/**
 * The frame from its length prefix on, the body inside it when at most inlineBodyBytes long
 * (else the caller writes fields.body after it), as encodeCommandHead makes it.
 */
export function encodeSendRequestHead(
  f: SendRequestFields,
  opaque: number,
  serializeType: SerializeTypeValue | undefined,
  inlineBodyBytes: number,
): Buffer {
  const sink = new OwnBufferSink();
  writeSendRequestFrame(f, opaque, serializeType, inlineBodyBytes, sink);
  return sink.buffer;
}

/** encodeSendRequestHead's frame put into `sink` (a connection's write slab). */
export function writeSendRequestFrame(
  f: SendRequestFields,
  opaque: number,
  serializeType: SerializeTypeValue | undefined,
  inlineBodyBytes: number,
  sink: FrameSink,
): void {
  const withBody = f.body.length <= inlineBodyBytes;
  if (serializeType !== SerializeType.ROCKETMQ) {
    const cmd = sendRequestCommand(f, opaque, serializeType);
    putFrame(sink, encodeCommandHead(cmd, inlineBodyBytes));
    return;
  }
  // Keys and order of encodeSendHeader's producer shape: a..k, then m.
  let pos = beginHeader(f.code, 'JAVA', KITEMQ_REMOTING_VERSION, opaque, 0);
  pos = putStringField(pos, 'a', f.producerGroup);
  pos = putStringField(pos, 'b', f.topic);
  pos = putStringField(pos, 'c', TBW102);
  pos = putStringField(pos, 'd', '4');
  pos = putIntegerField(pos, 'e', f.queueId);
  pos = putIntegerField(pos, 'f', f.sysFlag);
  pos = putIntegerField(pos, 'g', f.bornTimestamp);
  pos = putStringField(pos, 'h', '0');
  pos = putStringField(pos, 'i', f.propertiesHead, f.uniqKey, f.propertiesTail);
  pos = putStringField(pos, 'j', '0');
  pos = putStringField(pos, 'k', 'false');
  pos = putStringField(pos, 'm', f.batch ? 'true' : 'false');
  endHeader(pos, f.body, withBody, sink);
}

/** The same request as a RemotingCommand (the JSON path, and what the bytes are tested against). */
export function sendRequestCommand(
  f: SendRequestFields,
  opaque: number,
  serializeType: SerializeTypeValue | undefined,
) {
  const cmd = createRequestWithFields(
    f.code,
    encodeSendHeader(
      {
        producerGroup: f.producerGroup,
        topic: f.topic,
        defaultTopic: TBW102,
        defaultTopicQueueNums: 4,
        queueId: f.queueId,
        sysFlag: f.sysFlag,
        bornTimestamp: f.bornTimestamp,
        flag: 0,
        properties: f.propertiesHead + f.uniqKey + f.propertiesTail,
        reconsumeTimes: 0,
        unitMode: false,
        batch: f.batch,
      },
      { v2: true },
    ),
    f.body,
  );
  cmd.opaque = opaque;
  cmd.serializeType = serializeType;
  return cmd;
}
