// A consumer's entry in the HEART_BEAT body (ConsumerData with its SubscriptionData set), which
// tells the broker the group's members, their subscriptions and (for a new group) where to start.
// Key order is the wire order both consumers have always sent.
import type { Subscription } from './consumer-parts.js';

export interface ConsumerDataSource {
  group: string;
  consumeType: 'CONSUME_PASSIVELY' | 'CONSUME_ACTIVELY';
  messageModel: string;
  consumeFromWhere: string;
  subscriptions: ReadonlyMap<string, Subscription>;
}

export function consumerData(s: ConsumerDataSource) {
  return {
    groupName: s.group,
    consumeType: s.consumeType,
    messageModel: s.messageModel,
    consumeFromWhere: s.consumeFromWhere,
    unitMode: false,
    subscriptionDataSet: Array.from(s.subscriptions, ([topic, sub]) => ({
      topic,
      subString: sub.subString,
      tagsSet: sub.tagsSet,
      codeSet: sub.codeSet,
      subVersion: sub.subVersion,
      expressionType: sub.expressionType ?? 'TAG',
      classFilterMode: false,
    })),
  };
}
