// api/topics: list, create, delete. The list is 1 topic list + 1 cluster info from the name
// server, then 1 GET_ALL_TOPIC_CONFIG per master (CONSOLE_UPSTREAM_CONCURRENCY at a time),
// whatever the number of topics.
import type { FastifyInstance } from 'fastify';
import { isSystemTopic } from '../../broker/topic-validator.js';
import { allTopicConfigs } from '../../client/admin-messages.js';
import { DLQ_GROUP_TOPIC_PREFIX, RETRY_GROUP_TOPIC_PREFIX } from '../../message/system-topics.js';
import type { ClusterInfo } from '../../protocol/bodies/route-data.js';
import type {
  NewTopic,
  TopicCreated,
  TopicDeleted,
  TopicKind,
  TopicList,
  TopicRow,
} from '../api-types.js';
import { CONSOLE_UPSTREAM_CONCURRENCY } from '../config.js';
import { type ConsoleEnv, mapLimit } from '../envs.js';
import { ConsoleError } from '../errors.js';
import { type ApiContext, writeRoute } from '../guard.js';
import { InputCheck } from '../validate.js';
import { masters, routeBrokers } from './broker-reads.js';
import { registerTopicDetailApi } from './topic-detail.js';

export type { TopicKind };

const KINDS: readonly TopicKind[] = ['normal', 'retry', 'dlq', 'system'];

interface BrokerTopicConfig {
  topicName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  order?: boolean;
  attributes?: Record<string, string>;
}

const REPLY_TOPIC_SUFFIX = '_REPLY_TOPIC';

/**
 * Brokers also register their cluster's and their own name as topics, and <cluster>_REPLY_TOPIC
 * for request-reply (TopicValidator, MixAll#getReplyTopic).
 */
export function topicKind(topic: string, info: ClusterInfo): TopicKind {
  if (topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) return 'retry';
  if (topic.startsWith(DLQ_GROUP_TOPIC_PREFIX)) return 'dlq';
  const clusters = info.clusterAddrTable;
  const reply = topic.endsWith(REPLY_TOPIC_SUFFIX)
    ? topic.slice(0, -REPLY_TOPIC_SUFFIX.length)
    : undefined;
  if (
    isSystemTopic(topic) ||
    Object.hasOwn(clusters, topic) ||
    Object.hasOwn(info.brokerAddrTable, topic) ||
    (reply !== undefined && Object.hasOwn(clusters, reply))
  ) {
    return 'system';
  }
  return 'normal';
}

function kindsOf(raw: unknown): Set<TopicKind> | undefined {
  if (raw === undefined || raw === '') return undefined;
  const list = (Array.isArray(raw) ? raw : [raw]).flatMap((k) => String(k).split(','));
  for (const k of list) {
    if (!(KINDS as readonly string[]).includes(k)) {
      throw new ConsoleError('BAD_REQUEST', `kind ${k} is not one of ${KINDS.join(', ')}`);
    }
  }
  return new Set(list as TopicKind[]);
}

async function listTopics(
  env: ConsoleEnv,
  q: string,
  kinds: Set<TopicKind> | undefined,
): Promise<TopicRow[]> {
  const [names, info] = await Promise.all([env.admin.getAllTopics(), env.admin.getClusterInfo()]);
  const brokers = masters(info);
  const tables = await mapLimit(brokers, CONSOLE_UPSTREAM_CONCURRENCY, (b) =>
    allTopicConfigs(env.admin, b.addr).catch(() => ({}) as Record<string, BrokerTopicConfig>),
  );
  const byTopic = new Map<string, { config: BrokerTopicConfig; brokers: string[] }>();
  tables.forEach((table, i) => {
    for (const c of Object.values(table) as BrokerTopicConfig[]) {
      const seen = byTopic.get(c.topicName);
      if (seen) seen.brokers.push(brokers[i]!.brokerName);
      else byTopic.set(c.topicName, { config: c, brokers: [brokers[i]!.brokerName] });
    }
  });
  const needle = q.toLowerCase();
  const all = new Set([...names, ...byTopic.keys()]);
  return [...all]
    .filter((t) => t.toLowerCase().includes(needle))
    .map((topic) => ({ topic, kind: topicKind(topic, info), seen: byTopic.get(topic) }))
    .filter((t) => !kinds || kinds.has(t.kind))
    .sort((a, b) => a.topic.localeCompare(b.topic))
    .map(({ topic, kind, seen }) => {
      const c = seen?.config;
      const order = c?.order === true;
      return {
        topic,
        kind,
        messageType: c?.attributes?.['message.type'] ?? (order ? 'FIFO' : 'NORMAL'),
        perm: c?.perm ?? 0,
        readQueueNums: c?.readQueueNums ?? 0,
        writeQueueNums: c?.writeQueueNums ?? 0,
        order,
        brokers: seen?.brokers ?? [],
      };
    });
}

const createSchema = {
  body: {
    type: 'object',
    required: ['topic'],
    properties: {
      // Types only: the ranges are validate.ts's, so every bad field comes back as a problem.
      topic: { type: 'string' },
      cluster: { type: 'string', maxLength: 255 },
      brokerAddr: { type: 'string', maxLength: 255 },
      readQueueNums: { type: 'number', default: 8 },
      writeQueueNums: { type: 'number', default: 8 },
      perm: { type: 'number', default: 6 },
      order: { type: 'boolean', default: false },
    },
  },
};

/** After the schema's defaults. */
type CreateBody = NewTopic;

async function createTopic(env: ConsoleEnv, b: CreateBody): Promise<TopicCreated> {
  new InputCheck()
    .topic('topic', b.topic, { create: true })
    .queueNums('readQueueNums', b.readQueueNums)
    .queueNums('writeQueueNums', b.writeQueueNums)
    .perm('perm', b.perm)
    .done();
  const info = await env.admin.getClusterInfo();
  let clusterName = b.cluster;
  if (b.brokerAddr) await env.knownBroker(b.brokerAddr, info);
  else if (!clusterName) {
    const clusters = Object.keys(info.clusterAddrTable);
    if (clusters.length !== 1) {
      throw new ConsoleError('BAD_REQUEST', `name a cluster (one of: ${clusters.join(', ')})`);
    }
    clusterName = clusters[0];
  }
  const created = await env.admin.createTopic({
    topic: b.topic,
    ...(b.brokerAddr ? { brokerAddr: b.brokerAddr } : { clusterName: clusterName! }),
    readQueueNums: b.readQueueNums,
    writeQueueNums: b.writeQueueNums,
    perm: b.perm,
    order: b.order,
  });
  const warnings = created.flatMap((c) => (c.warning ? [c.warning] : []));
  return { ok: true, brokers: created.map((c) => c.brokerAddr), warnings };
}

/** From every cluster that has a broker of the topic's route, then from the name servers. */
async function deleteTopic(env: ConsoleEnv, topic: string): Promise<TopicDeleted> {
  if (isSystemTopic(topic)) {
    throw new ConsoleError('BAD_REQUEST', `${topic} is a system topic; brokers need it`);
  }
  const [route, info] = await Promise.all([
    env.admin.getTopicRoute(topic),
    env.admin.getClusterInfo(),
  ]);
  const names = new Set(routeBrokers(route).map((b) => b.brokerName));
  const clusters = Object.entries(info.clusterAddrTable)
    .filter(([, brokerNames]) => brokerNames.some((n) => names.has(n)))
    .map(([c]) => c);
  const brokers: string[] = [];
  for (const cluster of clusters) brokers.push(...(await env.admin.deleteTopic(topic, cluster)));
  return { ok: true, brokers };
}

const envOf = (ctx: ApiContext, req: { query: unknown }) =>
  ctx.envs.get((req.query as { env?: string }).env);
const topicParam = (req: { params: unknown }) => (req.params as { topic: string }).topic;

export function registerTopicsApi(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/topics', async (req): Promise<TopicList> => {
    const query = req.query as { q?: string; kind?: unknown };
    const topics = await listTopics(envOf(ctx, req), query.q ?? '', kindsOf(query.kind));
    return { topics };
  });

  const create = {
    action: 'topic.create',
    describe: (req: { body: unknown }) => {
      const { topic, ...params } = req.body as CreateBody;
      return { target: topic, params };
    },
  };
  writeRoute(
    app,
    ctx,
    { method: 'POST', url: '/topics', schema: createSchema, spec: create },
    async (req) => createTopic(envOf(ctx, req), req.body as CreateBody),
  );

  const del = {
    action: 'topic.delete',
    describe: (req: { params: unknown }) => ({ target: topicParam(req) }),
  };
  writeRoute(app, ctx, { method: 'DELETE', url: '/topics/:topic', spec: del }, async (req) =>
    deleteTopic(envOf(ctx, req), topicParam(req)),
  );

  registerTopicDetailApi(app, ctx);
}
