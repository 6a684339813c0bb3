// Group and offset administration calls (DefaultMQAdminExt's
// createAndUpdateSubscriptionGroupConfig, deleteSubscriptionGroup, examineConsumeStats,
// examineConsumerConnectionInfo, examineProducerConnectionInfo, cloneGroupOffset,
// queryTopicConsumeByWho), as functions over an AdminClient so the class stays small. A group's
// brokers are those of its %RETRY% topic's route, as DefaultMQAdminExtImpl finds them; a topic's
// are its route's masters.
import { RETRY_GROUP_TOPIC_PREFIX } from '../message/message.js';
import { type ConsumeStats, decodeConsumeStats } from '../protocol/bodies/consume-stats-list.js';
import {
  type Connection,
  type ConsumerConnection,
  decodeConsumerConnection,
  decodeGroupList,
  decodeProducerConnection,
} from '../protocol/bodies/group-admin.js';
import { decodeOffsetTable, type QueueOffset } from '../protocol/bodies/offset-table.js';
import {
  encodeSubscriptionGroupConfig,
  type SubscriptionGroupConfigBody,
} from '../protocol/bodies/subscription-group.js';
import {
  encodeCloneGroupOffsetHeader,
  encodeDeleteSubscriptionGroupHeader,
} from '../protocol/headers/group-admin.js';
import { createRequest, type RemotingCommand } from '../protocol/remoting-command.js';
import { RequestCode } from '../protocol/request-code.js';
import { ResponseCode } from '../protocol/response-code.js';
import type { AdminClient } from './admin.js';
import { MQBrokerError, MQClientError } from './errors.js';

async function call(
  admin: AdminClient,
  addr: string,
  code: number,
  fields: Record<string, string> = {},
  body?: Buffer,
): Promise<RemotingCommand> {
  const req = createRequest(code, 0, fields);
  if (body) req.body = body;
  return admin.instance.remoting.invoke(addr, req);
}

function ok(res: RemotingCommand, addr: string): RemotingCommand {
  if (res.code !== ResponseCode.SUCCESS) throw new MQBrokerError(res.code, res.remark, addr);
  return res;
}

/** The masters serving `topic`, with their broker names. */
export async function topicMasters(
  admin: AdminClient,
  topic: string,
): Promise<{ brokerName: string; addr: string }[]> {
  const route = await admin.getTopicRoute(topic);
  const out: { brokerName: string; addr: string }[] = [];
  for (const bd of route.brokerDatas) {
    const addr = bd.brokerAddrs['0'];
    if (addr) out.push({ brokerName: bd.brokerName, addr });
  }
  return out;
}

/** The masters of a consumer group: those of its %RETRY% topic. */
export async function groupMasters(
  admin: AdminClient,
  group: string,
): Promise<{ brokerName: string; addr: string }[]> {
  try {
    return await topicMasters(admin, RETRY_GROUP_TOPIC_PREFIX + group);
  } catch (err) {
    throw new MQClientError(
      `no broker knows consumer group ${group} (no route for ${RETRY_GROUP_TOPIC_PREFIX}${group}); ` +
        'check the group name, or start a consumer of it once',
      { cause: err },
    );
  }
}

export async function updateSubscriptionGroup(
  admin: AdminClient,
  addr: string,
  cfg: Partial<SubscriptionGroupConfigBody> & { groupName: string },
): Promise<SubscriptionGroupConfigBody> {
  const body = encodeSubscriptionGroupConfig(cfg);
  ok(await call(admin, addr, RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, {}, body), addr);
  return JSON.parse(body.toString('utf8')) as SubscriptionGroupConfigBody;
}

export async function deleteSubscriptionGroup(
  admin: AdminClient,
  addr: string,
  groupName: string,
  cleanOffset: boolean,
): Promise<void> {
  const fields = encodeDeleteSubscriptionGroupHeader({ groupName, cleanOffset });
  ok(await call(admin, addr, RequestCode.DELETE_SUBSCRIPTIONGROUP, fields), addr);
}

/** GET_CONSUME_STATS on one broker; without a topic, every topic the group has offsets on. */
export async function consumeStatsOf(
  admin: AdminClient,
  addr: string,
  group: string,
  topic?: string,
): Promise<ConsumeStats> {
  const fields: Record<string, string> = { consumerGroup: group };
  if (topic !== undefined) fields.topic = topic;
  const res = ok(await call(admin, addr, RequestCode.GET_CONSUME_STATS, fields), addr);
  return decodeConsumeStats(res.body);
}

/** examineConsumeStats: the group's stats on every broker of the topic (else of the group). */
export async function examineConsumeStats(
  admin: AdminClient,
  group: string,
  topic?: string,
): Promise<ConsumeStats> {
  const masters = topic ? await topicMasters(admin, topic) : await groupMasters(admin, group);
  const all: ConsumeStats = { consumeTps: 0, offsetTable: [] };
  for (const m of masters) {
    const s = await consumeStatsOf(admin, m.addr, group, topic);
    all.consumeTps += s.consumeTps;
    all.offsetTable.push(...s.offsetTable);
  }
  const { offsetTable: t } = all;
  // MessageQueue#compareTo: topic, then broker name, then queue id.
  t.sort(
    (a, b) =>
      a.mq.topic.localeCompare(b.mq.topic) ||
      a.mq.brokerName.localeCompare(b.mq.brokerName) ||
      a.mq.queueId - b.mq.queueId,
  );
  return all;
}

/** The first of the group's brokers that has consumers of it connected. */
export async function examineConsumerConnection(
  admin: AdminClient,
  group: string,
): Promise<ConsumerConnection> {
  let last: RemotingCommand | undefined;
  for (const m of await groupMasters(admin, group)) {
    const res = await call(admin, m.addr, RequestCode.GET_CONSUMER_CONNECTION_LIST, {
      consumerGroup: group,
    });
    if (res.code === ResponseCode.SUCCESS) return decodeConsumerConnection(res.body);
    last = res;
  }
  throw new MQClientError(
    `${last?.remark ?? `the consumer group[${group}] not online`}; start a consumer of the group`,
    { responseCode: last?.code ?? ResponseCode.CONSUMER_NOT_ONLINE },
  );
}

/** The producers of `group` connected to a broker of `topic` (the first that has any). */
export async function examineProducerConnection(
  admin: AdminClient,
  group: string,
  topic: string,
): Promise<Connection[]> {
  let last: RemotingCommand | undefined;
  for (const m of await topicMasters(admin, topic)) {
    const res = await call(admin, m.addr, RequestCode.GET_PRODUCER_CONNECTION_LIST, {
      producerGroup: group,
    });
    if (res.code === ResponseCode.SUCCESS) return decodeProducerConnection(res.body);
    last = res;
  }
  throw new MQClientError(
    `${last?.remark ?? `the producer group[${group}] not exist`} on the brokers of ${topic}; ` +
      'check the group and topic, or start a producer of the group',
    { responseCode: last?.code ?? ResponseCode.SYSTEM_ERROR },
  );
}

/** CLONE_GROUP_OFFSET on every master of the topic; returns the brokers it ran on. */
export async function cloneGroupOffset(
  admin: AdminClient,
  o: { srcGroup: string; destGroup: string; topic: string; offline: boolean },
): Promise<string[]> {
  const masters = await topicMasters(admin, o.topic);
  for (const m of masters) {
    const fields = encodeCloneGroupOffsetHeader(o);
    ok(await call(admin, m.addr, RequestCode.CLONE_GROUP_OFFSET, fields), m.addr);
  }
  return masters.map((m) => m.addr);
}

/** QUERY_TOPIC_CONSUME_BY_WHO on every master of the topic, merged. */
export async function queryTopicConsumeByWho(admin: AdminClient, topic: string): Promise<string[]> {
  const groups = new Set<string>();
  for (const m of await topicMasters(admin, topic)) {
    const res = ok(
      await call(admin, m.addr, RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, { topic }),
      m.addr,
    );
    for (const g of decodeGroupList(res.body)) groups.add(g);
  }
  return [...groups].sort();
}

/**
 * The group's offsets of `topic` moved to the end (INVOKE_BROKER_TO_RESET_OFFSET, timestamp -1)
 * broker by broker; `onBroker` hears of each as it is done. Live consumers follow on their next
 * pull.
 */
export async function skipAccumulated(
  admin: AdminClient,
  o: { topic: string; group: string; force: boolean; brokerAddrs?: readonly string[] },
  onBroker: (addr: string, queues: QueueOffset[]) => void = () => {},
): Promise<QueueOffset[]> {
  const masters = await topicMasters(admin, o.topic);
  const addrs = o.brokerAddrs
    ? masters.filter((m) => o.brokerAddrs!.includes(m.addr)).map((m) => m.addr)
    : masters.map((m) => m.addr);
  const out: QueueOffset[] = [];
  for (const addr of addrs) {
    const res = ok(
      await call(admin, addr, RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, {
        topic: o.topic,
        group: o.group,
        timestamp: '-1',
        isForce: String(o.force),
      }),
      addr,
    );
    const queues = res.body ? decodeOffsetTable(res.body) : [];
    onBroker(addr, queues);
    out.push(...queues);
  }
  return out;
}
