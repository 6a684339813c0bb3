// Where a message stands with each group consuming its topic (DefaultMQAdminExtImpl
// #messageTrackDetail, RocketMQ 4.9): the groups come from QUERY_TOPIC_CONSUME_BY_WHO on the
// topic's masters; a group with no client online is NOT_ONLINE; a clustering push group has
// consumed the message once its committed offset of the message's queue is past the message's
// queue offset, and CONSUMED_BUT_FILTERED when its subscription's tags exclude the message's tag.
// Pull and broadcasting groups keep their offsets where the broker cannot see them: UNKNOWN.
import { MessageConst, type MessageExt, TOOLS_CONSUMER_GROUP } from '../message/message.js';
import type { SubscriptionDataBody } from '../protocol/bodies/group-admin.js';
import type { AdminClient } from './admin.js';
import { examineConsumerConnection, queryTopicConsumeByWho } from './admin-groups.js';

export type TrackStatus =
  | 'CONSUMED'
  | 'NOT_CONSUMED'
  | 'CONSUMED_BUT_FILTERED'
  | 'NOT_ONLINE'
  | 'UNKNOWN';

export interface MessageTrack {
  group: string;
  status: TrackStatus;
}

/** SubscriptionData's tag check: '*' takes all; otherwise the message's tag must be listed. */
export function subscriptionTakes(sub: SubscriptionDataBody, tag: string | undefined): boolean {
  if ((sub.expressionType ?? 'TAG') !== 'TAG') return true; // SQL92 is judged on the broker
  const all = sub.subString.trim();
  if (all === '' || all === '*') return true;
  const tags =
    sub.tagsSet && sub.tagsSet.length > 0 ? sub.tagsSet : all.split('||').map((t) => t.trim());
  return tag !== undefined && tags.includes(tag);
}

async function trackOne(
  admin: AdminClient,
  m: MessageExt,
  masterAddr: string,
  group: string,
): Promise<TrackStatus> {
  const cc = await examineConsumerConnection(admin, group).catch(() => undefined);
  if (!cc || cc.connectionSet.length === 0) return 'NOT_ONLINE';
  if (cc.consumeType !== 'CONSUME_PASSIVELY' || cc.messageModel !== 'CLUSTERING') return 'UNKNOWN';
  const committed = await admin
    .queryConsumerOffset(masterAddr, group, m.topic, m.queueId)
    .catch(() => undefined);
  if (committed === undefined) return 'UNKNOWN';
  if (committed <= m.queueOffset) return 'NOT_CONSUMED';
  const sub = cc.subscriptionTable[m.topic];
  if (sub && !subscriptionTakes(sub, m.properties[MessageConst.TAGS])) {
    return 'CONSUMED_BUT_FILTERED';
  }
  return 'CONSUMED';
}

/** One entry per group consuming `m.topic`, by group name; `masterAddr` holds m's queue. */
export async function messageTrackDetail(
  admin: AdminClient,
  m: MessageExt,
  masterAddr: string,
): Promise<MessageTrack[]> {
  const groups = (await queryTopicConsumeByWho(admin, m.topic)).filter(
    (g) => g !== TOOLS_CONSUMER_GROUP,
  );
  const out: MessageTrack[] = [];
  for (const group of groups)
    out.push({ group, status: await trackOne(admin, m, masterAddr, group) });
  return out;
}
