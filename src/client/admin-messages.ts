// Admin calls behind mqadmin's consumer and message tools
// (DefaultMQAdminExt#getConsumerRunningInfo, #consumeMessageDirectly, and the reads of the
// message subcommands, one-message pulls of QueryMsgByOffsetSubCommand included): 307 and 309 go
// to a broker, which forwards them to the client (broker/processors/admin-consumers.ts); the
// wait here is longer than the broker's so its CONSUME_MSG_TIMEOUT remark reaches the operator.
import { ADMIN_CALL_CLIENT_TIMEOUT_MS } from '../common/limits.js';
import { parseProperties } from '../common/properties.js';
import {
  MessageConst,
  type MessageExt,
  RETRY_GROUP_TOPIC_PREFIX,
  TOOLS_CONSUMER_GROUP,
} from '../message/message.js';
import { decodeOffsetMsgId } from '../message/message-id.js';
import {
  type ConsumeMessageDirectlyResult,
  type ConsumerRunningInfo,
  decodeConsumeMessageDirectlyResult,
  decodeConsumerRunningInfo,
} from '../protocol/bodies/consumer-running-info.js';
import {
  decodeSubscriptionGroupWrapper,
  type SubscriptionGroupConfigBody,
} from '../protocol/bodies/subscription-group.js';
import { decodeTopicConfigTable } from '../protocol/bodies/topic-config-wrapper.js';
import { encodeSearchOffsetHeader } from '../protocol/headers/offsets.js';
import { createRequest, createRequestWithFields } from '../protocol/remoting-command.js';
import { RequestCode } from '../protocol/request-code.js';
import { ResponseCode } from '../protocol/response-code.js';
import type { AdminClient } from './admin.js';
import { MQBrokerError, MQClientError } from './errors.js';
import { readAddrOf } from './impl/broker-addr-table.js';
import { buildPullRequest, decodePullResult, plainPullHeader } from './impl/pull-api.js';

/** A broker (read address) of `brokerName` in `topic`'s route. */
export async function brokerAddrOf(
  admin: AdminClient,
  topic: string,
  brokerName: string,
): Promise<string> {
  const route = await admin.getTopicRoute(topic);
  const bd = route.brokerDatas.find((b) => b.brokerName === brokerName);
  const addr = bd && readAddrOf(bd.brokerAddrs);
  if (!addr) {
    const names = route.brokerDatas.map((b) => b.brokerName).join(', ');
    throw new MQClientError(`topic ${topic} has no broker named ${brokerName} (it has: ${names})`);
  }
  return addr;
}

/** A group's live clients, as listed by the first broker of its %RETRY% topic that has any. */
export async function groupClients(
  admin: AdminClient,
  group: string,
): Promise<{ brokerAddr: string; clientIds: string[] }> {
  const route = await admin.getTopicRoute(RETRY_GROUP_TOPIC_PREFIX + group).catch(() => {
    throw new MQClientError(`no consumer of group ${group} has ever connected (no %RETRY% route)`);
  });
  for (const bd of route.brokerDatas) {
    const addr = readAddrOf(bd.brokerAddrs);
    if (!addr) continue;
    const ids = await admin.getConsumerIds(addr, group).catch(() => [] as string[]);
    if (ids.length > 0) return { brokerAddr: addr, clientIds: ids.sort() };
  }
  throw new MQClientError(`no consumer of group ${group} is online; start one and try again`);
}

async function callClient(
  admin: AdminClient,
  brokerAddr: string,
  code: number,
  fields: Record<string, string | boolean>,
): Promise<Buffer> {
  const res = await admin.instance.remoting.invoke(
    brokerAddr,
    createRequest(code, 0, fields),
    ADMIN_CALL_CLIENT_TIMEOUT_MS,
  );
  if (res.code !== ResponseCode.SUCCESS || !res.body) {
    throw new MQBrokerError(res.code, res.remark, brokerAddr);
  }
  return res.body;
}

export async function getConsumerRunningInfo(
  admin: AdminClient,
  brokerAddr: string,
  consumerGroup: string,
  clientId: string,
  jstackEnable = false,
): Promise<ConsumerRunningInfo> {
  const fields = { consumerGroup, clientId, jstackEnable };
  const body = await callClient(admin, brokerAddr, RequestCode.GET_CONSUMER_RUNNING_INFO, fields);
  return decodeConsumerRunningInfo(body);
}

/** 309 to the broker that stores the message (`brokerAddr`, from its offset msgId). */
export async function consumeMessageDirectly(
  admin: AdminClient,
  brokerAddr: string,
  consumerGroup: string,
  clientId: string,
  offsetMsgId: string,
  topic: string,
): Promise<ConsumeMessageDirectlyResult> {
  const fields = { consumerGroup, clientId, msgId: offsetMsgId, topic };
  const body = await callClient(admin, brokerAddr, RequestCode.CONSUME_MESSAGE_DIRECTLY, fields);
  return decodeConsumeMessageDirectlyResult(body);
}

/** QUERY_MESSAGE by `key`, kept to the messages whose UNIQ_KEY is it (queryMsgByUniqueKey). */
export async function queryMessageByUniqueKey(
  admin: AdminClient,
  topic: string,
  uniqKey: string,
): Promise<MessageExt[]> {
  const found = await admin.queryMessageByKey(topic, uniqKey);
  return found.filter((m) => m.properties[MessageConst.UNIQ_KEY] === uniqKey);
}

/**
 * A message of `topic` by its unique key or its offset msgId, as DefaultMQAdminExt#viewMessage
 * tries both: the unique key first, since both are 32 hex digits and an id that is not an offset
 * msgId names a random host. An offset msgId is read only from a broker of the topic's route.
 */
export async function viewMessageByAnyId(
  admin: AdminClient,
  topic: string,
  id: string,
): Promise<MessageExt | undefined> {
  const byKey = await queryMessageByUniqueKey(admin, topic, id);
  if (byKey.length > 0) return byKey.sort((a, b) => b.storeTimestamp - a.storeTimestamp)[0];
  let storeHost: string;
  try {
    storeHost = decodeOffsetMsgId(id).storeHost;
  } catch {
    return undefined;
  }
  const route = await admin.getTopicRoute(topic);
  const addrs = route.brokerDatas.flatMap((b) => Object.values(b.brokerAddrs));
  if (!addrs.includes(storeHost)) return undefined;
  const m = await admin.viewMessage(id).catch(() => undefined);
  return m?.topic === topic ? m : undefined;
}

/** The message at `offset` of one queue, read by the tools group (nothing is committed). */
export async function queryMessageByOffset(
  admin: AdminClient,
  topic: string,
  brokerName: string,
  queueId: number,
  offset: number,
): Promise<MessageExt> {
  const addr = await brokerAddrOf(admin, topic, brokerName);
  const header = plainPullHeader(TOOLS_CONSUMER_GROUP, topic, queueId, offset, 1, '*', undefined);
  const r = decodePullResult(
    await admin.instance.remoting.invoke(addr, buildPullRequest(header)),
    [],
  );
  const m = r.status === 'FOUND' ? r.msgs.find((x) => x.queueOffset === offset) : undefined;
  if (!m) {
    throw new MQClientError(
      `no message at offset ${offset} of ${topic} ${brokerName} queue ${queueId} (${r.status}); ` +
        'run topicStatus for the queue offsets',
    );
  }
  return m;
}

/** SEARCH_OFFSET_BY_TIMESTAMP: the first offset of a queue stored at or after `timestampMs`. */
export async function searchOffset(
  admin: AdminClient,
  brokerAddr: string,
  topic: string,
  queueId: number,
  timestampMs: number,
): Promise<number> {
  const ext = encodeSearchOffsetHeader({ topic, queueId, timestamp: timestampMs });
  const res = await admin.instance.remoting.invoke(
    brokerAddr,
    createRequestWithFields(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, ext),
  );
  if (res.code !== ResponseCode.SUCCESS) throw new MQBrokerError(res.code, res.remark, brokerAddr);
  return Number(res.extFields.offset);
}

/** One queue's messages in [from, to) matching a tag expression, read without committing. */
export async function* readQueue(
  admin: AdminClient,
  q: { brokerAddr: string; topic: string; queueId: number },
  range: { from: number; to: number; subExpression?: string; group?: string },
): AsyncGenerator<MessageExt> {
  let offset = range.from;
  const sub = range.subExpression ?? '*';
  while (offset < range.to) {
    const group = range.group ?? TOOLS_CONSUMER_GROUP;
    const n = Math.min(32, range.to - offset);
    const header = plainPullHeader(group, q.topic, q.queueId, offset, n, sub, undefined);
    const res = await admin.instance.remoting.invoke(q.brokerAddr, buildPullRequest(header));
    const r = decodePullResult(res, []);
    if (r.status !== 'FOUND' && r.status !== 'NO_MATCHED_MSG') return;
    for (const m of r.msgs) if (m.queueOffset < range.to) yield m;
    if (r.nextBeginOffset <= offset) return;
    offset = r.nextBeginOffset;
  }
}

/** The group's config on one broker, if it has one. */
export async function subscriptionGroupConfig(
  admin: AdminClient,
  brokerAddr: string,
  group: string,
): Promise<SubscriptionGroupConfigBody | undefined> {
  return (await allSubscriptionGroups(admin, brokerAddr))[group];
}

/** TopicConfigSerializeWrapper#topicConfigTable of one broker (GET_ALL_TOPIC_CONFIG). */
export async function allTopicConfigs(
  admin: AdminClient,
  brokerAddr: string,
): Promise<Record<string, { topicName: string; readQueueNums: number; writeQueueNums: number }>> {
  const res = await admin.instance.remoting.invoke(
    brokerAddr,
    createRequest(RequestCode.GET_ALL_TOPIC_CONFIG, 0, {}),
  );
  if (res.code !== ResponseCode.SUCCESS || !res.body) {
    throw new MQBrokerError(res.code, res.remark, brokerAddr);
  }
  return decodeTopicConfigTable(res.body);
}

/** SubscriptionGroupWrapper#subscriptionGroupTable of one broker. */
export async function allSubscriptionGroups(
  admin: AdminClient,
  brokerAddr: string,
): Promise<Record<string, SubscriptionGroupConfigBody>> {
  const res = await admin.instance.remoting.invoke(
    brokerAddr,
    createRequest(RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG, 0, {}),
  );
  if (res.code !== ResponseCode.SUCCESS) throw new MQBrokerError(res.code, res.remark, brokerAddr);
  return decodeSubscriptionGroupWrapper(res.body).subscriptionGroupTable;
}

/** A broker's config as GET_BROKER_CONFIG answers it (a .properties body). */
export async function brokerConfig(
  admin: AdminClient,
  brokerAddr: string,
): Promise<Record<string, string>> {
  const res = await admin.instance.remoting.invoke(
    brokerAddr,
    createRequest(RequestCode.GET_BROKER_CONFIG, 0, {}),
  );
  if (res.code !== ResponseCode.SUCCESS) throw new MQBrokerError(res.code, res.remark, brokerAddr);
  const entries = parseProperties(res.body?.toString('utf8') ?? '', `config of ${brokerAddr}`);
  return Object.fromEntries(entries.map((e) => [e.key, e.value]));
}
