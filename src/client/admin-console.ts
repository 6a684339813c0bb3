// The calls the web console's snapshot makes, each with its own deadline so one slow broker
// cannot hold a refresh past its interval: cluster info and the topic list from one given name
// server (GET_BROKER_CLUSTER_INFO 106, GET_ALL_TOPIC_LIST_FROM_NAMESERVER 206), a broker's
// runtime KVTable (GET_BROKER_RUNTIME_INFO 28), a group's connection count
// (GET_CONSUMER_CONNECTION_LIST 203; CONSUMER_NOT_ONLINE is 0, not an error) and a queue's max
// offset (GET_MAX_OFFSET 30), and KiteMQ's one-call summary of a broker's groups and topics
// (KITEMQ_GET_BROKER_CONSOLE_SNAPSHOT 10303). GET_BROKER_CONSUME_STATS is admin-broker.ts's.
import {
  type BrokerConsoleSnapshot,
  decodeBrokerConsoleSnapshot,
} from '../protocol/bodies/console-snapshot.js';
import { decodeConsumerConnection } from '../protocol/bodies/group-admin.js';
import { type ClusterInfo, decodeClusterInfo } from '../protocol/bodies/route-data.js';
import { encodeTopicQueueHeader } from '../protocol/headers/offsets.js';
import {
  createRequest,
  createRequestWithFields,
  type RemotingCommand,
} from '../protocol/remoting-command.js';
import { RequestCode } from '../protocol/request-code.js';
import { ResponseCode } from '../protocol/response-code.js';
import type { AdminClient } from './admin.js';
import { MQBrokerError } from './errors.js';

function invoke(
  admin: AdminClient,
  addr: string,
  cmd: RemotingCommand,
  timeoutMs: number,
): Promise<RemotingCommand> {
  return admin.instance.remoting.invoke(addr, cmd, timeoutMs);
}

function body(res: RemotingCommand, addr: string): Buffer {
  if (res.code !== ResponseCode.SUCCESS || !res.body)
    throw new MQBrokerError(res.code, res.remark, addr);
  return res.body;
}

/** Cluster info from this name server only (not the first that answers of the admin's list). */
export async function clusterInfoFrom(
  admin: AdminClient,
  namesrvAddr: string,
  timeoutMs: number,
): Promise<ClusterInfo> {
  const req = createRequest(RequestCode.GET_BROKER_CLUSTER_INFO, 0);
  return decodeClusterInfo(body(await invoke(admin, namesrvAddr, req, timeoutMs), namesrvAddr));
}

export async function topicListFrom(
  admin: AdminClient,
  namesrvAddr: string,
  timeoutMs: number,
): Promise<string[]> {
  const req = createRequest(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, 0);
  const text = body(await invoke(admin, namesrvAddr, req, timeoutMs), namesrvAddr).toString('utf8');
  return (JSON.parse(text) as { topicList?: string[] }).topicList ?? [];
}

export async function runtimeInfoOf(
  admin: AdminClient,
  brokerAddr: string,
  timeoutMs: number,
): Promise<Record<string, string>> {
  const req = createRequest(RequestCode.GET_BROKER_RUNTIME_INFO, 0);
  const text = body(await invoke(admin, brokerAddr, req, timeoutMs), brokerAddr).toString('utf8');
  return (JSON.parse(text) as { table?: Record<string, string> }).table ?? {};
}

/** Clients of `group` connected to this broker; 0 when it answers CONSUMER_NOT_ONLINE. */
export async function consumerConnectionCount(
  admin: AdminClient,
  brokerAddr: string,
  group: string,
  timeoutMs: number,
): Promise<number> {
  const req = createRequest(RequestCode.GET_CONSUMER_CONNECTION_LIST, 0, { consumerGroup: group });
  const res = await invoke(admin, brokerAddr, req, timeoutMs);
  if (res.code === ResponseCode.CONSUMER_NOT_ONLINE) return 0;
  return decodeConsumerConnection(body(res, brokerAddr)).connectionSet.length;
}

export async function maxOffsetOf(
  admin: AdminClient,
  brokerAddr: string,
  topic: string,
  queueId: number,
  timeoutMs: number,
): Promise<number> {
  const req = createRequestWithFields(
    RequestCode.GET_MAX_OFFSET,
    encodeTopicQueueHeader({ topic, queueId }),
  );
  const res = await invoke(admin, brokerAddr, req, timeoutMs);
  if (res.code !== ResponseCode.SUCCESS) throw new MQBrokerError(res.code, res.remark, brokerAddr);
  return Math.max(0, Number(res.extFields.offset));
}

/**
 * Every group's online clients and every topic's max offset on one broker; undefined when the
 * broker does not know the request (an Apache RocketMQ broker: REQUEST_CODE_NOT_SUPPORTED).
 */
export async function brokerConsoleSnapshotOf(
  admin: AdminClient,
  brokerAddr: string,
  timeoutMs: number,
): Promise<BrokerConsoleSnapshot | undefined> {
  const req = createRequest(RequestCode.KITEMQ_GET_BROKER_CONSOLE_SNAPSHOT, 0);
  const res = await invoke(admin, brokerAddr, req, timeoutMs);
  if (res.code === ResponseCode.REQUEST_CODE_NOT_SUPPORTED) return undefined;
  return decodeBrokerConsoleSnapshot(body(res, brokerAddr));
}
