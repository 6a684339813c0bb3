// Offset request and response headers (spec part 2 §3): QUERY_CONSUMER_OFFSET (14),
// UPDATE_CONSUMER_OFFSET (15), SEARCH_OFFSET_BY_TIMESTAMP (29), GET_MAX_OFFSET (30),
// GET_MIN_OFFSET (31), GET_EARLIEST_MSG_STORETIME (32). RocketMQ's Query/UpdateConsumerOffset-,
// SearchOffset-, GetMaxOffset-, GetMinOffset- and GetEarliestMsgStoretimeRequestHeader, and their
// response headers (one long: offset, or timestamp). Every value is sent as a string.
// Not read yet: setZeroIfNotFound (14), committed (30), boundaryType (29); the broker answers as
// for their defaults.
import type { ExtFields } from '../remoting-command.js';
import { reqInt, reqLong, reqString } from './fields.js';

/** GET_MAX_OFFSET, GET_MIN_OFFSET, GET_EARLIEST_MSG_STORETIME: one queue of a topic. */
export interface TopicQueueRequestHeader {
  topic: string;
  queueId: number;
}

/** QUERY_CONSUMER_OFFSET: the group's committed offset of one queue. */
export interface QueryConsumerOffsetRequestHeader extends TopicQueueRequestHeader {
  consumerGroup: string;
}

/** UPDATE_CONSUMER_OFFSET: the next offset the group will consume. */
export interface UpdateConsumerOffsetRequestHeader extends QueryConsumerOffsetRequestHeader {
  commitOffset: number;
}

/** SEARCH_OFFSET_BY_TIMESTAMP: the first offset stored at or after timestamp (ms). */
export interface SearchOffsetRequestHeader extends TopicQueueRequestHeader {
  timestamp: number;
}

export function encodeTopicQueueHeader(h: TopicQueueRequestHeader): ExtFields {
  return { topic: h.topic, queueId: String(h.queueId) };
}

export function decodeTopicQueueHeader(e: ExtFields): TopicQueueRequestHeader {
  return { topic: reqString(e, 'topic'), queueId: reqInt(e, 'queueId') };
}

export function encodeQueryConsumerOffsetHeader(h: QueryConsumerOffsetRequestHeader): ExtFields {
  return { consumerGroup: h.consumerGroup, topic: h.topic, queueId: String(h.queueId) };
}

export function decodeQueryConsumerOffsetHeader(e: ExtFields): QueryConsumerOffsetRequestHeader {
  return {
    consumerGroup: reqString(e, 'consumerGroup'),
    topic: reqString(e, 'topic'),
    queueId: reqInt(e, 'queueId'),
  };
}

export function encodeUpdateConsumerOffsetHeader(h: UpdateConsumerOffsetRequestHeader): ExtFields {
  return {
    consumerGroup: h.consumerGroup,
    topic: h.topic,
    queueId: String(h.queueId),
    commitOffset: String(h.commitOffset),
  };
}

export function decodeUpdateConsumerOffsetHeader(e: ExtFields): UpdateConsumerOffsetRequestHeader {
  return {
    consumerGroup: reqString(e, 'consumerGroup'),
    topic: reqString(e, 'topic'),
    queueId: reqInt(e, 'queueId'),
    commitOffset: reqLong(e, 'commitOffset'),
  };
}

export function encodeSearchOffsetHeader(h: SearchOffsetRequestHeader): ExtFields {
  return { topic: h.topic, queueId: String(h.queueId), timestamp: String(h.timestamp) };
}

export function decodeSearchOffsetHeader(e: ExtFields): SearchOffsetRequestHeader {
  return {
    topic: reqString(e, 'topic'),
    queueId: reqInt(e, 'queueId'),
    timestamp: reqLong(e, 'timestamp'),
  };
}

/** Query/GetMax/GetMin/SearchOffsetResponseHeader: one offset. */
export function encodeOffsetResponseHeader(offset: number): ExtFields {
  return { offset: String(offset) };
}

export function decodeOffsetResponseHeader(e: ExtFields): number {
  return reqLong(e, 'offset');
}

/** GetEarliestMsgStoretimeResponseHeader: the store time (ms) of the queue's first message. */
export function encodeStoreTimeResponseHeader(timestamp: number): ExtFields {
  return { timestamp: String(timestamp) };
}

export function decodeStoreTimeResponseHeader(e: ExtFields): number {
  return reqLong(e, 'timestamp');
}
