// api/groups and api/groups/:group. The list costs the cluster nothing when asked: it is the
// environment's last snapshot (src/console/collect/snapshot.ts: one GET_BROKER_CONSUME_STATS per
// master carries every group's offsets, one KITEMQ_GET_BROKER_CONSOLE_SNAPSHOT its online
// clients), at most one refresh interval old. The connections themselves are read on a group's
// own page only. A group with no offsets on any broker has diffTotal null (unknown), never 0.
import type { FastifyInstance } from 'fastify';
import { consumeStatsOf } from '../../client/admin-groups.js';
import { getConsumerRunningInfo } from '../../client/admin-messages.js';
import {
  type ConsumerConnection,
  decodeConsumerConnection,
} from '../../protocol/bodies/group-admin.js';
import { RequestCode } from '../../protocol/request-code.js';
import type { GroupDetail, GroupList } from '../api-types.js';
import { CONSOLE_UPSTREAM_CONCURRENCY } from '../config.js';
import { type ConsoleEnv, mapLimit } from '../envs.js';
import { ConsoleError } from '../errors.js';
import type { ApiContext } from '../guard.js';
import { brokerCall, masters, topicStatsOf } from './broker-reads.js';

/** Clients asked for their queues on a group's page; a bigger group shows clientId null. */
const MAX_RUNNING_INFO_CLIENTS = 16;

/** The group's connections as the first of `addrs` that has any reports them. */
async function connectionsOf(env: ConsoleEnv, addrs: readonly string[], group: string) {
  for (const addr of addrs) {
    const res = await brokerCall(env.admin, addr, RequestCode.GET_CONSUMER_CONNECTION_LIST, {
      consumerGroup: group,
    }).catch(() => undefined);
    if (res) return { addr, cc: decodeConsumerConnection(res.body) };
  }
  return undefined;
}

/**
 * The list is the last snapshot's. Its online count is every group's on KiteMQ brokers; on Apache
 * RocketMQ brokers (no one-call summary) only the groups an alert rule watches have one, the
 * others null. So are message model and consume type, which KiteMQ brokers give while consumers
 * of the group are registered.
 */
async function listGroups(env: ConsoleEnv): Promise<GroupList> {
  const s = await env.monitor.snapshot();
  const groups = s.groups.map((g) => ({
    group: g.group,
    onlineClients: g.onlineClients,
    consumeTps: Math.round(g.consumeTps * 100) / 100,
    diffTotal: g.queues > 0 ? g.diff : null,
    messageModel: g.messageModel ?? null,
    consumeType: g.consumeType ?? null,
  }));
  return { at: s.at, groups };
}

/** Queue → client, from each client's running info (GET_CONSUMER_RUNNING_INFO via a broker). */
async function queueOwners(env: ConsoleEnv, addr: string, group: string, cc: ConsumerConnection) {
  const owners = new Map<string, string>();
  const clients = cc.connectionSet.slice(0, MAX_RUNNING_INFO_CLIENTS);
  await mapLimit(clients, CONSOLE_UPSTREAM_CONCURRENCY, async (c) => {
    const info = await getConsumerRunningInfo(env.admin, addr, group, c.clientId).catch(
      () => undefined,
    );
    for (const { mq } of info?.mqTable ?? []) {
      owners.set(`${mq.topic}\0${mq.brokerName}\0${mq.queueId}`, c.clientId);
    }
  });
  return owners;
}

/** 1 cluster info + per master GET_CONSUME_STATS, + 1 GET_TOPIC_STATS_INFO per (broker, topic). */
async function readGroup(env: ConsoleEnv, group: string): Promise<GroupDetail> {
  const brokers = masters(await env.admin.getClusterInfo());
  const stats = await mapLimit(brokers, CONSOLE_UPSTREAM_CONCURRENCY, (b) =>
    consumeStatsOf(env.admin, b.addr, group).catch(() => undefined),
  );
  const rows = stats.flatMap((s, i) =>
    s ? s.offsetTable.map((q) => ({ ...q, b: brokers[i]! })) : [],
  );
  const found = await connectionsOf(
    env,
    brokers.map((b) => b.addr),
    group,
  );
  if (rows.length === 0 && !found) {
    throw new ConsoleError('NOT_FOUND', `no broker has offsets or consumers of group ${group}`);
  }
  const pairs = [...new Map(rows.map((r) => [`${r.b.addr}\0${r.mq.topic}`, r])).values()];
  const lastStored = new Map<string, number>();
  await mapLimit(pairs, CONSOLE_UPSTREAM_CONCURRENCY, async (r) => {
    const t = await topicStatsOf(env.admin, r.b.addr, r.mq.topic).catch(() => undefined);
    for (const q of t?.offsetTable ?? []) {
      lastStored.set(
        `${q.mq.topic}\0${q.mq.brokerName}\0${q.mq.queueId}`,
        q.offset.lastUpdateTimestamp,
      );
    }
  });
  const owners = found ? await queueOwners(env, found.addr, group, found.cc) : new Map();
  const queues = rows
    .map(({ mq, offset: o }) => {
      const key = `${mq.topic}\0${mq.brokerName}\0${mq.queueId}`;
      const diff = o.brokerOffset - o.consumerOffset;
      const newest = lastStored.get(key) ?? 0;
      const lagSeconds =
        diff <= 0
          ? 0
          : o.lastTimestamp > 0 && newest > 0
            ? Math.max(0, newest - o.lastTimestamp) / 1000
            : null;
      return {
        topic: mq.topic,
        brokerName: mq.brokerName,
        queueId: mq.queueId,
        brokerOffset: o.brokerOffset,
        consumerOffset: o.consumerOffset,
        diff,
        lagSeconds,
        clientId: owners.get(key) ?? null,
        lastTimestamp: o.lastTimestamp > 0 ? o.lastTimestamp : null,
      };
    })
    .sort(
      (a, b) =>
        a.topic.localeCompare(b.topic) ||
        a.brokerName.localeCompare(b.brokerName) ||
        a.queueId - b.queueId,
    );
  const connections = (found?.cc.connectionSet ?? []).map((c) => ({
    clientId: c.clientId,
    clientAddr: c.clientAddr,
    language: c.language,
    version: c.version,
  }));
  const diffTotal = queues.length > 0 ? queues.reduce((n, q) => n + q.diff, 0) : null;
  return { group, queues, diffTotal, connections };
}

export function registerGroupsApi(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/groups', async (req) => {
    const env = ctx.envs.get((req.query as { env?: string }).env);
    return listGroups(env);
  });
  app.get('/groups/:group', async (req) => {
    const env = ctx.envs.get((req.query as { env?: string }).env);
    return readGroup(env, (req.params as { group: string }).group);
  });
}
