// The console JSON API's shapes are the server's own (src/console/api-types.ts, which its
// handlers are typed against); this module adds the lists of a few unions' members that the
// pages iterate, each checked to name every member and nothing else.
import type { AlertType, ConsumeStatus, TopicKind } from '../../../src/console/api-types.js';

export type * from '../../../src/console/api-types.js';

/** The list as given, refused by tsc when it leaves out a member of U. */
const every =
  <U>() =>
  <const L extends readonly U[]>(list: L & ([U] extends [L[number]] ? unknown : never)): L =>
    list;

export const TOPIC_KINDS = every<TopicKind>()(['normal', 'retry', 'dlq', 'system']);

export const ALERT_TYPES = every<AlertType>()([
  'consumerLag',
  'noOnlineConsumer',
  'dlqGrowth',
  'diskRatio',
  'brokerDown',
]);

export const CONSUME_STATUSES = every<ConsumeStatus>()([
  'CONSUMED',
  'NOT_CONSUMED',
  'CONSUMED_BUT_FILTERED',
  'NOT_ONLINE',
  'UNKNOWN',
]);
