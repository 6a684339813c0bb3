// PULL_MESSAGE (11) and LITE_PULL_MESSAGE (361) headers: RocketMQ's PullMessageRequestHeader and
// PullMessageResponseHeader, and the PullSysFlag bits (spec part 2 §2). Every value goes out as a
// string; optionals that are undefined are left out, as the hand-built headers did.
import type { ExtFields } from '../remoting-command.js';
import { optLong, optString, reqInt, reqLong, reqString } from './fields.js';

/** PullSysFlag: what the pull request's sysFlag says. */
export const PullSysFlag = {
  /** The request carries the consumer's offset to commit (commitOffset). */
  COMMIT_OFFSET: 0x1,
  /** The broker may hold the pull until a message arrives (long polling). */
  SUSPEND: 0x2,
  /** The request carries the subscription expression; else the heartbeat's one is used. */
  SUBSCRIPTION: 0x4,
  CLASS_FILTER: 0x8,
  LITE_PULL: 0x10,
} as const;

/** PullSysFlag#buildSysFlag. */
export function buildPullSysFlag(f: {
  commitOffset: boolean;
  suspend: boolean;
  subscription: boolean;
  classFilter?: boolean;
}): number {
  let flag = 0;
  if (f.commitOffset) flag |= PullSysFlag.COMMIT_OFFSET;
  if (f.suspend) flag |= PullSysFlag.SUSPEND;
  if (f.subscription) flag |= PullSysFlag.SUBSCRIPTION;
  if (f.classFilter) flag |= PullSysFlag.CLASS_FILTER;
  return flag;
}

/**
 * PullMessageRequestHeader. Java requires commitOffset, suspendTimeoutMillis and subVersion too,
 * but the broker defaults them when absent (a lite pull leaves them out), so they are optional.
 */
export interface PullMessageRequestHeader {
  consumerGroup: string;
  topic: string;
  queueId: number;
  queueOffset: number;
  maxMsgNums: number;
  sysFlag: number;
  commitOffset?: number | undefined;
  suspendTimeoutMillis?: number | undefined;
  subscription?: string | undefined;
  subVersion?: number | undefined;
  expressionType?: string | undefined;
}

export interface DecodedPullHeader extends PullMessageRequestHeader {
  commitOffset: number;
  suspendTimeoutMillis: number;
  subscription: string | undefined;
  subVersion: number;
  expressionType: string;
}

/** suspendTimeoutMillis when a pull leaves it out (the push consumer's default). */
const DEFAULT_SUSPEND_TIMEOUT_MS = 15_000;

export function encodePullHeader(h: PullMessageRequestHeader): ExtFields {
  const out: ExtFields = {
    consumerGroup: h.consumerGroup,
    topic: h.topic,
    queueId: String(h.queueId),
    queueOffset: String(h.queueOffset),
    maxMsgNums: String(h.maxMsgNums),
    sysFlag: String(h.sysFlag),
  };
  if (h.commitOffset !== undefined) out.commitOffset = String(h.commitOffset);
  if (h.suspendTimeoutMillis !== undefined) {
    out.suspendTimeoutMillis = String(h.suspendTimeoutMillis);
  }
  if (h.subscription !== undefined) out.subscription = h.subscription;
  if (h.subVersion !== undefined) out.subVersion = String(h.subVersion);
  if (h.expressionType !== undefined) out.expressionType = h.expressionType;
  return out;
}

export function decodePullHeader(e: ExtFields): DecodedPullHeader {
  return {
    consumerGroup: reqString(e, 'consumerGroup'),
    topic: reqString(e, 'topic'),
    queueId: reqInt(e, 'queueId'),
    queueOffset: reqLong(e, 'queueOffset'),
    maxMsgNums: reqInt(e, 'maxMsgNums'),
    sysFlag: reqInt(e, 'sysFlag'),
    commitOffset: optLong(e, 'commitOffset', 0),
    suspendTimeoutMillis: optLong(e, 'suspendTimeoutMillis', DEFAULT_SUSPEND_TIMEOUT_MS),
    subscription: optString(e, 'subscription'),
    subVersion: optLong(e, 'subVersion', 0),
    // An empty expressionType is read as TAG too, as ExpressionType.isTagType does.
    expressionType: optString(e, 'expressionType') || 'TAG',
  };
}

/** PullMessageResponseHeader: where the next pull starts and the queue's bounds. */
export interface PullMessageResponseHeader {
  suggestWhichBrokerId: number;
  nextBeginOffset: number;
  minOffset: number;
  maxOffset: number;
}

export function encodePullResponseHeader(r: PullMessageResponseHeader): ExtFields {
  return {
    suggestWhichBrokerId: String(r.suggestWhichBrokerId),
    nextBeginOffset: String(r.nextBeginOffset),
    minOffset: String(r.minOffset),
    maxOffset: String(r.maxOffset),
  };
}

/** All four are @CFNotNull in Java; suggestWhichBrokerId defaults to the master (0) here. */
export function decodePullResponseHeader(e: ExtFields): PullMessageResponseHeader {
  return {
    suggestWhichBrokerId: optLong(e, 'suggestWhichBrokerId', 0),
    nextBeginOffset: reqLong(e, 'nextBeginOffset'),
    minOffset: reqLong(e, 'minOffset'),
    maxOffset: reqLong(e, 'maxOffset'),
  };
}
