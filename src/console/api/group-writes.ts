// A group's config (read and written with UPDATE_AND_CREATE_SUBSCRIPTIONGROUP 200 on each master
// of a cluster, or on one broker), its offsets of a topic moved to a time (resetOffsetByTime:
// INVOKE_BROKER_TO_RESET_OFFSET 222, which tells live clients through their next pull) or to the
// end (skipAccumulatedMessage), with a preview that reads what a reset would set and changes
// nothing, and one client's running info (GET_CONSUMER_RUNNING_INFO 307, forwarded by a broker).
// Every write's input is checked by validate.ts before the first broker call.
import type { FastifyInstance } from 'fastify';
import type { AdminClient } from '../../client/admin.js';
import { skipAccumulated, updateSubscriptionGroup } from '../../client/admin-groups.js';
import {
  allSubscriptionGroups,
  getConsumerRunningInfo,
  groupClients,
} from '../../client/admin-messages.js';
import { committedOffsets, previewResetByTime } from '../../client/admin-offsets.js';
import type { QueueOffset } from '../../protocol/bodies/offset-table.js';
import type { SubscriptionGroupConfigBody } from '../../protocol/bodies/subscription-group.js';
import type {
  GroupConfigs,
  GroupCreated,
  OffsetChanges,
  RunningInfo,
  SubscriptionGroupConfig,
} from '../api-types.js';
import { CONSOLE_UPSTREAM_CONCURRENCY } from '../config.js';
import { type ConsoleEnv, mapLimit } from '../envs.js';
import { ConsoleError } from '../errors.js';
import { type ApiContext, writeRoute } from '../guard.js';
import { InputCheck } from '../validate.js';
import { masters } from './broker-reads.js';

const INT32_MAX = 2 ** 31 - 1;
const CONFIG_FLAGS = [
  'consumeEnable',
  'consumeFromMinEnable',
  'consumeBroadcastEnable',
  'consumeMessageOrderly',
  'notifyConsumerIdsChangedEnable',
] as const;
const CONFIG_INTS = [
  'retryQueueNums',
  'retryMaxTimes',
  'brokerId',
  'whichBrokerWhenConsumeSlowly',
] as const;
type GroupConfigInput = Partial<Pick<SubscriptionGroupConfigBody, (typeof CONFIG_FLAGS)[number]>> &
  Partial<Record<(typeof CONFIG_INTS)[number], number>>;

const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...Object.fromEntries(CONFIG_FLAGS.map((k) => [k, { type: 'boolean' }])),
    ...Object.fromEntries(CONFIG_INTS.map((k) => [k, { type: 'number' }])),
  },
};
const createSchema = {
  body: {
    type: 'object',
    required: ['group'],
    properties: {
      group: { type: 'string' },
      cluster: { type: 'string', maxLength: 255 },
      brokerAddr: { type: 'string', maxLength: 255 },
      config: configSchema,
    },
  },
};
const resetSchema = {
  body: {
    type: 'object',
    required: ['topic', 'timestamp'],
    properties: {
      topic: { type: 'string' },
      timestamp: { type: 'number' },
      force: { type: 'boolean' },
    },
  },
};
const skipSchema = {
  body: { type: 'object', required: ['topic'], properties: { topic: { type: 'string' } } },
};

interface CreateBody {
  group: string;
  cluster?: string;
  brokerAddr?: string;
  config?: GroupConfigInput;
}
interface ResetBody {
  topic: string;
  timestamp: number;
  force?: boolean;
}

function checkConfig(check: InputCheck, c: GroupConfigInput): void {
  check.int('config.retryQueueNums', c.retryQueueNums, 0, 1_024);
  check.int('config.retryMaxTimes', c.retryMaxTimes, -1, INT32_MAX);
  check.int('config.brokerId', c.brokerId, 0, INT32_MAX);
  check.int('config.whichBrokerWhenConsumeSlowly', c.whichBrokerWhenConsumeSlowly, 0, INT32_MAX);
}

/** The config fields the contract names, from the broker's full SubscriptionGroupConfig. */
function shownConfig(c: SubscriptionGroupConfigBody): SubscriptionGroupConfig {
  return {
    groupName: c.groupName,
    consumeEnable: c.consumeEnable,
    consumeFromMinEnable: c.consumeFromMinEnable,
    consumeBroadcastEnable: c.consumeBroadcastEnable,
    consumeMessageOrderly: c.consumeMessageOrderly,
    retryQueueNums: c.retryQueueNums,
    retryMaxTimes: c.retryMaxTimes,
    brokerId: c.brokerId,
    whichBrokerWhenConsumeSlowly: c.whichBrokerWhenConsumeSlowly,
    notifyConsumerIdsChangedEnable: c.notifyConsumerIdsChangedEnable,
  };
}

async function readConfig(env: ConsoleEnv, group: string): Promise<GroupConfigs> {
  const brokers = masters(await env.admin.getClusterInfo());
  const tables = await mapLimit(brokers, CONSOLE_UPSTREAM_CONCURRENCY, (b) =>
    allSubscriptionGroups(env.admin, b.addr).catch(() => undefined),
  );
  const configs = brokers.flatMap((b, i) => {
    const c = tables[i]?.[group];
    return c ? [{ brokerName: b.brokerName, addr: b.addr, config: shownConfig(c) }] : [];
  });
  if (configs.length === 0) {
    throw new ConsoleError('NOT_FOUND', `no broker has a subscription group ${group}`);
  }
  return { configs };
}

/** The one broker, else every master of the named cluster (or of the only cluster). */
async function targetsOf(env: ConsoleEnv, b: CreateBody) {
  const info = await env.admin.getClusterInfo();
  const all = masters(info);
  if (b.brokerAddr) {
    await env.knownBroker(b.brokerAddr, info);
    const name = Object.values(info.brokerAddrTable).find((bd) =>
      Object.values(bd.brokerAddrs).includes(b.brokerAddr!),
    )?.brokerName;
    return [{ brokerName: name ?? b.brokerAddr, addr: b.brokerAddr }];
  }
  const clusters = Object.keys(info.clusterAddrTable);
  const cluster = b.cluster ?? (clusters.length === 1 ? clusters[0] : undefined);
  if (cluster === undefined) {
    throw new ConsoleError('BAD_REQUEST', `name a cluster (one of: ${clusters.join(', ')})`);
  }
  const names = info.clusterAddrTable[cluster];
  if (!names)
    throw new ConsoleError('NOT_FOUND', `no cluster ${cluster} (known: ${clusters.join(', ')})`);
  return all.filter((m) => names.includes(m.brokerName));
}

async function createGroup(env: ConsoleEnv, b: CreateBody): Promise<GroupCreated> {
  const check = new InputCheck().group('group', b.group, { create: true });
  checkConfig(check, b.config ?? {});
  check.done();
  const targets = await targetsOf(env, b);
  if (targets.length === 0) throw new ConsoleError('NOT_FOUND', 'the cluster has no master');
  for (const t of targets) {
    await updateSubscriptionGroup(env.admin, t.addr, { ...b.config, groupName: b.group });
  }
  return { ok: true, brokers: targets.map((t) => t.brokerName) };
}

/** The answer of reset and skip: the offsets set, beside those read just before. */
async function withPrevious(
  admin: AdminClient,
  group: string,
  topic: string,
  write: () => Promise<QueueOffset[]>,
): Promise<OffsetChanges> {
  const before = await committedOffsets(admin, group, topic);
  const done = await write();
  const key = (brokerName: string, queueId: number) => `${brokerName}\0${queueId}`;
  const prior = new Map(before.map((r) => [key(r.brokerName, r.queueId), r.currentOffset]));
  const queues = done
    .map((q) => ({
      brokerName: q.mq.brokerName,
      queueId: q.mq.queueId,
      currentOffset: prior.get(key(q.mq.brokerName, q.mq.queueId)) ?? null,
      newOffset: q.offset,
    }))
    .sort((a, b) => a.brokerName.localeCompare(b.brokerName) || a.queueId - b.queueId);
  return { queues };
}

function checkReset(group: string, b: ResetBody): void {
  new InputCheck()
    .group('group', group)
    .topic('topic', b.topic)
    .resetTimestamp('timestamp', b.timestamp)
    .done();
}

async function runningInfo(
  env: ConsoleEnv,
  group: string,
  clientId: string | undefined,
): Promise<RunningInfo> {
  const check = new InputCheck().group('group', group);
  if (!clientId) check.add('clientId: the client to ask is required (?clientId=)');
  check.done();
  const online = await groupClients(env.admin, group).catch((err: Error) => {
    throw new ConsoleError('NOT_FOUND', err.message, { cause: err });
  });
  if (!online.clientIds.includes(clientId!)) {
    throw new ConsoleError(
      'NOT_FOUND',
      `client ${clientId} is not online in group ${group} (online: ${online.clientIds.join(', ')})`,
    );
  }
  const info = await getConsumerRunningInfo(env.admin, online.brokerAddr, group, clientId!).catch(
    (err: Error) => {
      throw new ConsoleError(
        'UPSTREAM',
        `client ${clientId} did not answer for its running info (${err.message}); ` +
          'some clients (ali-ons) never do',
        { cause: err },
      );
    },
  );
  return {
    clientId: clientId!,
    properties: info.properties,
    subscriptions: info.subscriptionSet.map((s) => ({ topic: s.topic, expression: s.subString })),
    queues: info.mqTable.map(({ mq, info: q }) => ({
      topic: mq.topic,
      brokerName: mq.brokerName,
      queueId: mq.queueId,
      commitOffset: q.commitOffset,
      cachedMsgCount: q.cachedMsgCount,
      locked: q.locked,
      lastPullTimestamp: q.lastPullTimestamp,
      lastConsumeTimestamp: q.lastConsumeTimestamp,
    })),
    status: Object.entries(info.statusTable).map(([topic, s]) => ({ topic, ...s })),
  };
}

const envOf = (ctx: ApiContext, req: { query: unknown }) =>
  ctx.envs.get((req.query as { env?: string }).env);
const groupParam = (req: { params: unknown }) => (req.params as { group: string }).group;

export function registerGroupWritesApi(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/groups/:group/config', async (req) => readConfig(envOf(ctx, req), groupParam(req)));

  app.get('/groups/:group/running-info', async (req) => {
    const { clientId } = req.query as { clientId?: string };
    return runningInfo(envOf(ctx, req), groupParam(req), clientId);
  });

  // A read: any role may look, and nothing is audited.
  app.post(
    '/groups/:group/reset-preview',
    { schema: resetSchema },
    async (req): Promise<OffsetChanges> => {
      const b = req.body as ResetBody;
      checkReset(groupParam(req), b);
      const rows = await previewResetByTime(
        envOf(ctx, req).admin,
        groupParam(req),
        b.topic,
        b.timestamp,
      );
      return { queues: rows.map(({ addr: _addr, ...r }) => r) };
    },
  );

  const create = {
    action: 'group.update',
    describe: (req: { body: unknown }) => {
      const { group, ...params } = req.body as CreateBody;
      return { target: group, params };
    },
  };
  writeRoute(
    app,
    ctx,
    { method: 'POST', url: '/groups', schema: createSchema, spec: create },
    (req) => createGroup(envOf(ctx, req), req.body as CreateBody),
  );

  const describeReset = (req: { params: unknown; body: unknown }) => ({
    target: groupParam(req),
    params: req.body,
  });
  const reset = { action: 'group.offset.reset', describe: describeReset };
  const resetRoute = { method: 'POST' as const, url: '/groups/:group/reset', schema: resetSchema };
  writeRoute(app, ctx, { ...resetRoute, spec: reset }, async (req) => {
    const group = groupParam(req);
    const b = req.body as ResetBody;
    checkReset(group, b);
    const { admin } = envOf(ctx, req);
    return withPrevious(admin, group, b.topic, () =>
      admin.resetOffsetByTime(b.topic, group, b.timestamp, b.force ?? true),
    );
  });

  const skip = { action: 'group.offset.skip', describe: describeReset };
  const skipRoute = { method: 'POST' as const, url: '/groups/:group/skip', schema: skipSchema };
  writeRoute(app, ctx, { ...skipRoute, spec: skip }, async (req) => {
    const group = groupParam(req);
    const { topic } = req.body as { topic: string };
    new InputCheck().group('group', group).topic('topic', topic).done();
    const { admin } = envOf(ctx, req);
    return withPrevious(admin, group, topic, () =>
      skipAccumulated(admin, { topic, group, force: true }),
    );
  });
}
