// The message model shared by store, broker and client: property names (MessageConst), sysFlag
// bits (MessageSysFlag) and the decoded stored message (MessageExt).

import type { EncodedProperties } from './properties-codec.js';

export { DLQ_GROUP_TOPIC_PREFIX, RETRY_GROUP_TOPIC_PREFIX } from './system-topics.js';
/** The group admin tools pull with (MixAll.TOOLS_CONSUMER_GROUP); it never commits. */
export const TOOLS_CONSUMER_GROUP = 'TOOLS_CONSUMER';

export const MessageConst = {
  KEYS: 'KEYS',
  TAGS: 'TAGS',
  WAIT: 'WAIT',
  DELAY: 'DELAY',
  RETRY_TOPIC: 'RETRY_TOPIC',
  REAL_TOPIC: 'REAL_TOPIC',
  REAL_QID: 'REAL_QID',
  TRAN_MSG: 'TRAN_MSG',
  PGROUP: 'PGROUP',
  MIN_OFFSET: 'MIN_OFFSET',
  MAX_OFFSET: 'MAX_OFFSET',
  ORIGIN_MESSAGE_ID: 'ORIGIN_MESSAGE_ID',
  RECONSUME_TIME: 'RECONSUME_TIME',
  MAX_RECONSUME_TIMES: 'MAX_RECONSUME_TIMES',
  MSG_REGION: 'MSG_REGION',
  TRACE_ON: 'TRACE_ON',
  UNIQ_KEY: 'UNIQ_KEY',
  CLUSTER: 'CLUSTER',
  POP_CK: 'POP_CK',
  CONSUME_START_TIME: 'CONSUME_START_TIME',
  /** Messages inside an inner-batch record (MessageConst.PROPERTY_INNER_NUM). */
  INNER_NUM: 'INNER_NUM',
  /** The batch's first queue offset (RocketMQ 5 writes it; our record's queueOffset says it). */
  INNER_BASE: 'INNER_BASE',
} as const;

/** Keys are separated by a single space inside the KEYS property. */
export const KEY_SEPARATOR = ' ';

export const MessageSysFlag = {
  COMPRESSED: 0x1,
  MULTI_TAGS: 0x2,
  TRANSACTION_NOT_TYPE: 0x0,
  TRANSACTION_PREPARED_TYPE: 0x4,
  TRANSACTION_COMMIT_TYPE: 0x8,
  TRANSACTION_ROLLBACK_TYPE: 0xc,
  BORNHOST_V6: 0x10,
  STOREHOST_V6: 0x20,
  /** A client must split the record's body into messages (set together with INNER_BATCH). */
  NEED_UNWRAP: 0x40,
  /** The record's body is a batch body holding INNER_NUM messages (a BatchCQ topic's batch). */
  INNER_BATCH: 0x80,
} as const;

export function isInnerBatch(sysFlag: number): boolean {
  return (sysFlag & MessageSysFlag.INNER_BATCH) !== 0;
}

export function transactionType(sysFlag: number): number {
  return sysFlag & 0xc;
}

/** Magic codes of the stored record (CommitLog#MESSAGE_MAGIC_CODE, BLANK_MAGIC_CODE). */
export const MESSAGE_MAGIC_CODE_V1 = 0xdaa320a7 | 0;
export const MESSAGE_MAGIC_CODE_V2 = 0xdaa320ab | 0;
export const BLANK_MAGIC_CODE = 0xcbd43194 | 0;

/** A message as decoded from its stored bytes. Offsets are safe integers (< 2^53). */
export interface MessageExt {
  topic: string;
  queueId: number;
  flag: number;
  queueOffset: number;
  /** Commit-log byte offset of the record. */
  commitLogOffset: number;
  storeSize: number;
  sysFlag: number;
  bornTimestamp: number;
  /** "ip:port" */
  bornHost: string;
  storeTimestamp: number;
  /** "ip:port" */
  storeHost: string;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
  bodyCRC: number;
  body: Buffer;
  properties: Record<string, string>;
  /** Offset message id (storeHost + commitLogOffset), 32 uppercase hex chars for IPv4. */
  offsetMsgId: string;
}

/** What a producer hands to a broker, and a broker hands to its store (before offsets exist). */
export interface MessageToStore {
  topic: string;
  queueId: number;
  flag: number;
  body: Buffer;
  properties: Record<string, string>;
  sysFlag: number;
  bornTimestamp: number;
  bornHost: string;
  storeHost: string;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
  /** The producer's properties string, when it is what `properties` encodes to (send path). */
  encodedProperties?: EncodedProperties | undefined;
}
