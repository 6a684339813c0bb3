// Request headers of the group administration codes (AdminBrokerProcessor, RocketMQ 5):
//   DELETE_SUBSCRIPTIONGROUP (207)      DeleteSubscriptionGroupRequestHeader {groupName,
//                                       cleanOffset}
//   GET_PRODUCER_CONNECTION_LIST (204)  GetProducerConnectionListRequestHeader {producerGroup}
//   QUERY_TOPIC_CONSUME_BY_WHO (300)    QueryTopicConsumeByWhoRequestHeader {topic}
//   QUERY_TOPICS_BY_CONSUMER (343)      QueryTopicsByConsumerRequestHeader {group}
//   CLONE_GROUP_OFFSET (314)            CloneGroupOffsetRequestHeader {srcGroup, destGroup, topic,
//                                       offline}; topic may be absent (every topic of srcGroup)
// Every value travels as a string; booleans as Java's Boolean.toString writes them.
import type { ExtFields } from '../remoting-command.js';
import { optBool, optString, reqString } from './fields.js';

export interface DeleteSubscriptionGroupRequestHeader {
  groupName: string;
  cleanOffset: boolean;
}

export function encodeDeleteSubscriptionGroupHeader(
  h: DeleteSubscriptionGroupRequestHeader,
): ExtFields {
  return { groupName: h.groupName, cleanOffset: String(h.cleanOffset) };
}

export function decodeDeleteSubscriptionGroupHeader(
  e: ExtFields,
): DeleteSubscriptionGroupRequestHeader {
  return { groupName: reqString(e, 'groupName'), cleanOffset: optBool(e, 'cleanOffset', false) };
}

export interface CloneGroupOffsetRequestHeader {
  srcGroup: string;
  destGroup: string;
  topic?: string;
  offline: boolean;
}

export function encodeCloneGroupOffsetHeader(h: CloneGroupOffsetRequestHeader): ExtFields {
  const e: ExtFields = {
    srcGroup: h.srcGroup,
    destGroup: h.destGroup,
    offline: String(h.offline),
  };
  if (h.topic !== undefined) e.topic = h.topic;
  return e;
}

export function decodeCloneGroupOffsetHeader(e: ExtFields): CloneGroupOffsetRequestHeader {
  const topic = optString(e, 'topic');
  return {
    srcGroup: reqString(e, 'srcGroup'),
    destGroup: reqString(e, 'destGroup'),
    // UtilAll.isBlank: an empty or blank topic means every topic of the source group.
    topic: topic === undefined || topic.trim() === '' ? undefined : topic,
    offline: optBool(e, 'offline', false),
  };
}
