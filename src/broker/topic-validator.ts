// Topic and group name rules (TopicValidator, 5.x): non-blank, [%|a-zA-Z0-9_-], ≤ 127 chars
// (retry/DLQ topics ≤ 255), and a few system topics clients may not send to.
import { GROUP_MAX_LENGTH, RETRY_TOPIC_MAX_LENGTH, TOPIC_MAX_LENGTH } from '../common/limits.js';
import {
  DLQ_GROUP_TOPIC_PREFIX,
  NOT_ALLOWED_SEND_TOPICS,
  RETRY_GROUP_TOPIC_PREFIX,
  TBW102,
  TIMER_TOPIC,
} from '../message/system-topics.js';

export { DLQ_GROUP_TOPIC_PREFIX, RETRY_GROUP_TOPIC_PREFIX, TBW102 };

const NOT_ALLOWED_SEND = NOT_ALLOWED_SEND_TOPICS;

const LEGAL = /^[%|a-zA-Z0-9_-]+$/;

/** Returns null when valid, else a remark that says what is wrong and what is allowed. */
export function validateTopic(topic: string | undefined): string | null {
  if (!topic || topic.trim() === '') return 'The specified topic is blank.';
  const isRetry =
    topic.startsWith(RETRY_GROUP_TOPIC_PREFIX) || topic.startsWith(DLQ_GROUP_TOPIC_PREFIX);
  const max = isRetry ? RETRY_TOPIC_MAX_LENGTH : TOPIC_MAX_LENGTH;
  if (topic.length > max) {
    return `The specified topic is longer than topic max length ${max}.`;
  }
  if (!LEGAL.test(topic)) {
    return `The specified topic[${topic}] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$`;
  }
  return null;
}

export function validateGroup(group: string | undefined): string | null {
  if (!group || group.trim() === '') return 'The specified group is blank.';
  if (group.length > GROUP_MAX_LENGTH) {
    return `The specified group is longer than group max length ${GROUP_MAX_LENGTH}.`;
  }
  if (!LEGAL.test(group)) {
    return `The specified group[${group}] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$`;
  }
  return null;
}

const SYSTEM_TOPICS = new Set([
  ...NOT_ALLOWED_SEND,
  TBW102,
  'BenchmarkTest',
  'RMQ_SYS_TRACE_TOPIC',
  TIMER_TOPIC,
]);

/** TopicValidator#isSystemTopic: the broker's own topics, which admin calls may not delete. */
export function isSystemTopic(topic: string): boolean {
  return SYSTEM_TOPICS.has(topic) || topic.startsWith('rmq_sys_');
}

export function isNotAllowedSendTopic(topic: string): boolean {
  return NOT_ALLOWED_SEND.has(topic);
}

/** MixAll#getRetryTopic. */
export function retryTopic(group: string): string {
  return RETRY_GROUP_TOPIC_PREFIX + group;
}

/** MixAll#getDLQTopic. */
export function dlqTopic(group: string): string {
  return DLQ_GROUP_TOPIC_PREFIX + group;
}
