// Validation and encoding before anything touches the disk, and the few fields dispatch needs
// when re-reading a record during recovery.
import { MAX_PROPERTIES_SIZE_BYTES, RETRY_TOPIC_MAX_LENGTH } from '../common/limits.js';
import {
  MessageConst,
  MessageSysFlag,
  type MessageToStore,
  transactionType,
} from '../message/message.js';
import { createOffsetMsgId } from '../message/message-id.js';
import { encodeProperties } from '../message/properties-codec.js';
import { decodeRecord, encodeRecord } from '../message/record-codec.js';
import { tagsCode } from '../message/tag-hash.js';
import { PutMessageStatus, type PutMessageStatusValue } from './status.js';

export interface ParsedRecord {
  topic: string;
  queueId: number;
  queueOffset: number;
  offset: number;
  size: number;
  sysFlag: number;
  tagsCode: number;
  storeTimestamp: number;
  keys: string | undefined;
  uniqKey: string | undefined;
}

export interface EncodedForStore {
  bytes: Buffer;
  storeTsPos: number;
  sysFlag: number;
  parsed: Pick<ParsedRecord, 'topic' | 'queueId' | 'sysFlag' | 'tagsCode' | 'keys' | 'uniqKey'>;
  msgIdFor(offset: number): string;
}

/** Half and rolled-back transaction messages are stored but never enter a consume queue. */
export function isIndexed(sysFlag: number): boolean {
  const t = transactionType(sysFlag);
  return (
    t !== MessageSysFlag.TRANSACTION_PREPARED_TYPE && t !== MessageSysFlag.TRANSACTION_ROLLBACK_TYPE
  );
}

export function encodeForStore(
  m: MessageToStore,
  maxMessageSize: number,
  segmentSize: number,
): EncodedForStore | { status: PutMessageStatusValue; remark: string } {
  if (m.body.length > maxMessageSize) {
    return {
      status: PutMessageStatus.MESSAGE_ILLEGAL,
      remark: `the message body size ${m.body.length} exceeds maxMessageSize ${maxMessageSize}; send smaller messages or raise maxMessageSize in broker.conf`,
    };
  }
  if (Buffer.byteLength(m.topic) > RETRY_TOPIC_MAX_LENGTH) {
    return {
      status: PutMessageStatus.MESSAGE_ILLEGAL,
      remark: `topic is longer than ${RETRY_TOPIC_MAX_LENGTH} bytes`,
    };
  }
  const props = encodeProperties(m.properties);
  const propsBytes = Buffer.byteLength(props);
  if (propsBytes > MAX_PROPERTIES_SIZE_BYTES) {
    return { status: PutMessageStatus.PROPERTIES_SIZE_EXCEEDED, remark: `${propsBytes} bytes` };
  }
  const { bytes, storeTimestampPos } = encodeRecord(m, props);
  if (bytes.length > segmentSize - 8) {
    return {
      status: PutMessageStatus.MESSAGE_ILLEGAL,
      remark: `the stored record (${bytes.length} bytes) does not fit a commit log segment of ${segmentSize} bytes; raise mapedFileSizeCommitLog`,
    };
  }
  const sysFlag = bytes.readInt32BE(36);
  return {
    bytes,
    storeTsPos: storeTimestampPos,
    sysFlag,
    parsed: {
      topic: m.topic,
      queueId: m.queueId,
      sysFlag,
      tagsCode: tagsCode(m.properties[MessageConst.TAGS]),
      keys: m.properties[MessageConst.KEYS],
      uniqKey: m.properties[MessageConst.UNIQ_KEY],
    },
    msgIdFor: (offset) => createOffsetMsgId(m.storeHost, offset),
  };
}

export function parseForDispatch(bytes: Buffer): ParsedRecord {
  const m = decodeRecord(bytes, 0);
  return {
    topic: m.topic,
    queueId: m.queueId,
    queueOffset: m.queueOffset,
    offset: m.commitLogOffset,
    size: m.storeSize,
    sysFlag: m.sysFlag,
    tagsCode: tagsCode(m.properties[MessageConst.TAGS]),
    storeTimestamp: m.storeTimestamp,
    keys: m.properties[MessageConst.KEYS],
    uniqKey: m.properties[MessageConst.UNIQ_KEY],
  };
}
