// The checks a send passes before its message is built (AbstractSendMessageProcessor#msgCheck,
// spec part 1 §4.4 order): broker send permission (16), topic name (13, INVALID_PARAMETER),
// system topics a client may not send to (16), existence with auto-creation through TBW102 or a
// %RETRY% topic (17), topic send permission (16); then the queue id asked for (13), or a random
// write queue when none is (-1).

import { randomInt } from 'node:crypto';
import { RequestValidationError } from '../../common/errors.js';
import { isWriteable } from '../../common/perm.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { BrokerContext } from '../broker-context.js';
import type { TopicConfig } from '../managers/topic-config-manager.js';
import {
  isNotAllowedSendTopic,
  RETRY_GROUP_TOPIC_PREFIX,
  validateTopic,
} from '../topic-validator.js';

/** What of a send header the checks read. */
export interface SendTarget {
  readonly topic: string;
  readonly defaultTopic: string;
  readonly defaultTopicQueueNums: number;
  readonly queueId: number;
}

/** msgCheck: topic name, send permission, existence (with auto-creation). */
export function checkSendTopic(ctx: BrokerContext, h: SendTarget): TopicConfig {
  const { config, topics } = ctx;
  if (!isWriteable(config.brokerPermission)) {
    throw new RequestValidationError(
      ResponseCode.NO_PERMISSION,
      `the broker[${config.brokerIP1}] sending message is forbidden (brokerPermission=${config.brokerPermission})`,
    );
  }
  const bad = validateTopic(h.topic);
  if (bad) throw new RequestValidationError(ResponseCode.INVALID_PARAMETER, bad);
  if (isNotAllowedSendTopic(h.topic)) {
    throw new RequestValidationError(
      ResponseCode.NO_PERMISSION,
      `Sending message to topic[${h.topic}] is forbidden.`,
    );
  }
  let tc = topics.get(h.topic);
  if (!tc) {
    tc = h.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)
      ? topics.createRetryTopicIfAbsent(h.topic.slice(RETRY_GROUP_TOPIC_PREFIX.length))
      : (topics.createTopicInSendMessageMethod(h.topic, h.defaultTopic, h.defaultTopicQueueNums) ??
        undefined);
  }
  if (!tc) {
    throw new RequestValidationError(
      ResponseCode.TOPIC_NOT_EXIST,
      `topic[${h.topic}] not exist, apply first please! Create it with ` +
        `'mqadmin updateTopic -n <namesrv> -c ${config.brokerClusterName} -t ${h.topic}' ` +
        `or set autoCreateTopicEnable=true`,
    );
  }
  if (!isWriteable(tc.perm)) {
    throw new RequestValidationError(
      ResponseCode.NO_PERMISSION,
      `the topic[${h.topic}] sending message is forbidden (perm=${tc.perm})`,
    );
  }
  return tc;
}

/** The queue asked for, checked against the topic's queues, or a random write queue for -1. */
export function pickSendQueue(h: SendTarget, tc: TopicConfig): number {
  const max = Math.max(tc.writeQueueNums, tc.readQueueNums);
  if (h.queueId >= max) {
    throw new RequestValidationError(
      ResponseCode.INVALID_PARAMETER,
      `request queueId[${h.queueId}] is illegal, topic ${h.topic} has ${max} queues (0..${max - 1})`,
    );
  }
  if (h.queueId >= 0) return h.queueId;
  if (tc.writeQueueNums <= 0) {
    throw new RequestValidationError(
      ResponseCode.NO_PERMISSION,
      `topic ${h.topic} has no write queues`,
    );
  }
  return randomInt(tc.writeQueueNums);
}
