// Validation and encoding before anything touches the disk (DefaultMessageStore#checkMessage,
// CommitLog#calMsgLength), and the fields dispatch needs when re-reading a record in recovery.
import { MAX_PROPERTIES_SIZE_BYTES, RETRY_TOPIC_MAX_LENGTH } from '../common/limits.js';
import {
  isInnerBatch,
  MessageConst,
  MessageSysFlag,
  type MessageToStore,
  transactionType,
} from '../message/message.js';
import { createOffsetMsgId } from '../message/message-id.js';
import { encodeProperties } from '../message/properties-codec.js';
import { decodeRecord, planRecord, type RecordPlan } from '../message/record-codec.js';
import { tagsCode } from '../message/tag-hash.js';
import type { DispatchRequest } from './dispatcher.js';
import { PutMessageStatus, type PutMessageStatusValue } from './status.js';

export interface EncodedForStore {
  /** Written into the commit log's buffer by the append itself (no copy per record). */
  plan: RecordPlan;
  size: number;
  storeTsPos: number;
  sysFlag: number;
  /** Queue offsets the record takes: INNER_NUM of an inner batch, else 1. */
  batchSize: number;
  /** Dispatch fields known before the append (offsets and timestamp come with it). */
  parsed: Pick<DispatchRequest, 'topic' | 'queueId' | 'sysFlag' | 'tagsCode' | 'keys' | 'uniqKey'>;
  storeHost: string;
}

export interface Rejection {
  status: PutMessageStatusValue;
  remark: string;
}

/** Half and rolled-back transaction messages are stored but never enter a consume queue. */
export function isIndexed(sysFlag: number): boolean {
  const t = transactionType(sysFlag);
  return (
    t !== MessageSysFlag.TRANSACTION_PREPARED_TYPE && t !== MessageSysFlag.TRANSACTION_ROLLBACK_TYPE
  );
}

const INT32_MAX = 0x7fffffff;

function illegal(remark: string): Rejection {
  return { status: PutMessageStatus.MESSAGE_ILLEGAL, remark };
}

/** The topic names a directory under consumequeue/: it must be one safe path component. */
function checkTopicAndQueue(m: MessageToStore): Rejection | undefined {
  if (Buffer.byteLength(m.topic) > RETRY_TOPIC_MAX_LENGTH) {
    return illegal(`topic is longer than ${RETRY_TOPIC_MAX_LENGTH} bytes`);
  }
  if (m.topic === '' || m.topic === '.' || m.topic === '..' || /[/\\\0]/.test(m.topic)) {
    return illegal(`topic '${m.topic}' cannot name a consume queue directory`);
  }
  if (!Number.isInteger(m.queueId) || m.queueId < 0 || m.queueId > INT32_MAX) {
    return illegal(`queueId ${m.queueId} is not a non-negative int32`);
  }
  return undefined;
}

export function encodeForStore(
  m: MessageToStore,
  maxMessageSize: number,
  maxRecordBytes: number,
): EncodedForStore | Rejection {
  if (m.body.length > maxMessageSize) {
    return illegal(
      `the message body size ${m.body.length} exceeds maxMessageSize ${maxMessageSize}; send smaller messages or raise maxMessageSize in broker.conf`,
    );
  }
  const bad = checkTopicAndQueue(m);
  if (bad) return bad;
  // The producer's own string when the broker left the map as it decoded it (send-common.ts).
  const enc = m.encodedProperties;
  const props =
    enc !== undefined && enc.of === m.properties ? enc.text : encodeProperties(m.properties);
  const propsBytes = Buffer.byteLength(props);
  if (propsBytes > MAX_PROPERTIES_SIZE_BYTES) {
    return {
      status: PutMessageStatus.PROPERTIES_SIZE_EXCEEDED,
      remark: `the properties take ${propsBytes} bytes, more than ${MAX_PROPERTIES_SIZE_BYTES}`,
    };
  }
  let plan: RecordPlan;
  try {
    plan = planRecord(m, props);
  } catch (err) {
    // Hosts that do not parse, integers out of range: the caller's input, not our bug.
    return illegal(`the message cannot be encoded: ${(err as Error).message}`);
  }
  if (plan.size > maxRecordBytes) {
    return illegal(
      `the stored record (${plan.size} bytes) does not fit a commit log segment; raise mapedFileSizeCommitLog`,
    );
  }
  const sysFlag = plan.sysFlag;
  const batchSize = innerNum(sysFlag, m.properties);
  if (batchSize === undefined)
    return illegal(`an inner batch needs ${MessageConst.INNER_NUM} within 1..${INNER_NUM_MAX}`);
  return {
    plan,
    size: plan.size,
    storeTsPos: plan.storeTimestampPos,
    sysFlag,
    batchSize,
    storeHost: m.storeHost,
    parsed: {
      topic: m.topic,
      queueId: m.queueId,
      sysFlag,
      tagsCode: tagsCode(m.properties[MessageConst.TAGS]),
      keys: m.properties[MessageConst.KEYS],
      uniqKey: m.properties[MessageConst.UNIQ_KEY],
    },
  };
}

/** A batch consume-queue unit counts its messages in an int16 (BatchConsumeQueue). */
export const INNER_NUM_MAX = 0x7fff;

/** Messages of a record: INNER_NUM of an inner batch (undefined if out of range), else 1. */
function innerNum(sysFlag: number, props: Record<string, string>): number | undefined {
  if (!isInnerBatch(sysFlag)) return 1;
  const n = Number(props[MessageConst.INNER_NUM]);
  return Number.isInteger(n) && n >= 1 && n <= INNER_NUM_MAX ? n : undefined;
}

export function msgIdFor(e: EncodedForStore, commitLogOffset: number): string {
  return createOffsetMsgId(e.storeHost, commitLogOffset);
}

export function parseForDispatch(bytes: Buffer): DispatchRequest {
  const m = decodeRecord(bytes, 0);
  return {
    topic: m.topic,
    queueId: m.queueId,
    queueOffset: m.queueOffset,
    commitLogOffset: m.commitLogOffset,
    size: m.storeSize,
    sysFlag: m.sysFlag,
    tagsCode: tagsCode(m.properties[MessageConst.TAGS]),
    storeTimestamp: m.storeTimestamp,
    keys: m.properties[MessageConst.KEYS],
    uniqKey: m.properties[MessageConst.UNIQ_KEY],
    // A record the put accepted always has it; a damaged one counts as one message.
    batchSize: innerNum(m.sysFlag, m.properties) ?? 1,
  };
}
