// Retry and dead-letter rules shared by CONSUMER_SEND_MSG_BACK and by plain sends to a %RETRY%
// topic (spec part 2 §5): which reconsume limit applies, and the dead-letter topic
// (%DLQ%<group>, 1 queue, perm 6 — RocketMQ ≥ 4.9.2; write-only before, which left dead letters
// unreadable by consumers and tools).
import { RequestValidationError } from '../../common/errors.js';
import { isWriteable, PERM_READ, PERM_WRITE } from '../../common/perm.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { BrokerContext } from '../broker-context.js';
import type { SubscriptionGroupConfig } from '../managers/subscription-group-manager.js';
import type { TopicConfig } from '../managers/topic-config-manager.js';
import { dlqTopic } from '../topic-validator.js';

/** MQVersion.Version.V3_4_9: from this client version on, the header's limit wins. */
export const VERSION_HONOURING_MAX_RECONSUME_TIMES = 121;
/** AbstractSendMessageProcessor.DLQ_NUMS_PER_GROUP. */
export const DLQ_NUMS_PER_GROUP = 1;

export function maxReconsumeTimes(
  group: SubscriptionGroupConfig,
  headerValue: number | undefined,
  requestVersion: number,
): number {
  if (headerValue !== undefined && requestVersion >= VERSION_HONOURING_MAX_RECONSUME_TIMES) {
    return headerValue;
  }
  return group.retryMaxTimes;
}

/** findSubscriptionGroupConfig (auto-creating when allowed), or 26 naming the group. */
export function requireGroup(ctx: BrokerContext, group: string): SubscriptionGroupConfig {
  const cfg = ctx.groups.find(group);
  if (!cfg) {
    throw new RequestValidationError(
      ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST,
      `subscription group not exist, ${group}; create it (mqadmin updateSubGroup) or enable ` +
        'autoCreateSubscriptionGroup',
    );
  }
  return cfg;
}

/** The group's dead-letter topic, created on first use; written whatever its perm, as RocketMQ. */
export function deadLetterTopic(ctx: BrokerContext, group: string): TopicConfig {
  return ctx.topics.createTopicInSendMessageBackMethod(
    dlqTopic(group),
    DLQ_NUMS_PER_GROUP,
    PERM_READ | PERM_WRITE,
  );
}

export function requireWriteable(tc: TopicConfig): void {
  if (!isWriteable(tc.perm)) {
    throw new RequestValidationError(
      ResponseCode.NO_PERMISSION,
      `the topic[${tc.topicName}] sending message is forbidden (perm=${tc.perm})`,
    );
  }
}
