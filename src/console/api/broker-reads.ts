// The per-broker reads the topic and group pages are built from: each is one request to one
// broker, answering for every queue (or every group) it holds, so a page costs calls per broker,
// never per row.
import type { AdminClient } from '../../client/admin.js';
import { MQBrokerError } from '../../client/errors.js';
import { readAddrOf } from '../../client/impl/broker-addr-table.js';
import { decodeGroupList } from '../../protocol/bodies/group-admin.js';
import type { ClusterInfo, TopicRouteData } from '../../protocol/bodies/route-data.js';
import {
  decodeTopicStatsTable,
  type TopicStatsTable,
} from '../../protocol/bodies/topic-stats-table.js';
import { createRequest, type RemotingCommand } from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';

export async function brokerCall(
  admin: AdminClient,
  addr: string,
  code: number,
  fields: Record<string, string> = {},
): Promise<RemotingCommand> {
  const res = await admin.instance.remoting.invoke(addr, createRequest(code, 0, fields));
  if (res.code !== ResponseCode.SUCCESS) throw new MQBrokerError(res.code, res.remark, addr);
  return res;
}

/** GET_TOPIC_STATS_INFO: min/max offset and last store time of every queue of the topic. */
export async function topicStatsOf(
  admin: AdminClient,
  addr: string,
  topic: string,
): Promise<TopicStatsTable> {
  const res = await brokerCall(admin, addr, RequestCode.GET_TOPIC_STATS_INFO, { topic });
  return decodeTopicStatsTable(res.body);
}

/** QUERY_TOPIC_CONSUME_BY_WHO: the groups with offsets or live consumers of the topic. */
export async function consumersOf(admin: AdminClient, addr: string, topic: string) {
  const res = await brokerCall(admin, addr, RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, { topic });
  return decodeGroupList(res.body);
}

/** Each broker of a route, by the address reads go to (the master while it is up). */
export function routeBrokers(route: TopicRouteData): { brokerName: string; addr: string }[] {
  return route.brokerDatas.flatMap((bd) => {
    const addr = readAddrOf(bd.brokerAddrs);
    return addr ? [{ brokerName: bd.brokerName, addr }] : [];
  });
}

/** Every master of every cluster, with its broker name. */
export function masters(info: ClusterInfo): { brokerName: string; addr: string }[] {
  return Object.values(info.brokerAddrTable)
    .flatMap((bd) => {
      const addr = bd.brokerAddrs['0'];
      return addr ? [{ brokerName: bd.brokerName, addr }] : [];
    })
    .sort((a, b) => a.brokerName.localeCompare(b.brokerName));
}
