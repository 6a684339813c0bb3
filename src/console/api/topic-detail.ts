// One topic: its route, its queues and who consumes it (api/topics/:topic), what deleting it
// would remove (delete-preview), and a message sent to it from the console. Reading a topic is
// 1 route call to the name server + 2 calls per broker of the route (GET_TOPIC_STATS_INFO,
// QUERY_TOPIC_CONSUME_BY_WHO), whatever its number of queues.
import type { FastifyInstance } from 'fastify';
import type { Message } from '../../client/producer-types.js';
import type { DeletePreview, SendResult, TopicDetail } from '../api-types.js';
import { CONSOLE_UPSTREAM_CONCURRENCY } from '../config.js';
import { type ConsoleEnv, mapLimit } from '../envs.js';
import { type ApiContext, writeRoute } from '../guard.js';
import { InputCheck } from '../validate.js';
import { consumersOf, routeBrokers, topicStatsOf } from './broker-reads.js';

async function readTopic(env: ConsoleEnv, topic: string) {
  const route = await env.admin.getTopicRoute(topic);
  const brokers = routeBrokers(route);
  const perBroker = await mapLimit(brokers, CONSOLE_UPSTREAM_CONCURRENCY, async (b) => {
    const [stats, groups] = await Promise.all([
      topicStatsOf(env.admin, b.addr, topic),
      consumersOf(env.admin, b.addr, topic),
    ]);
    return { stats, groups };
  });
  const queues = perBroker
    .flatMap((r) => r.stats.offsetTable)
    .map(({ mq, offset }) => ({ brokerName: mq.brokerName, queueId: mq.queueId, ...offset }))
    .sort((a, b) => a.brokerName.localeCompare(b.brokerName) || a.queueId - b.queueId);
  const groups = [...new Set(perBroker.flatMap((r) => r.groups))].sort();
  return { route, brokers, queues, groups };
}

const sendSchema = {
  body: {
    type: 'object',
    required: ['body'],
    properties: {
      body: { type: 'string' },
      tag: { type: 'string', maxLength: 255 },
      keys: {
        anyOf: [
          { type: 'string', maxLength: 1024 },
          { type: 'array', items: { type: 'string' }, maxItems: 64 },
        ],
      },
      properties: { type: 'object', additionalProperties: { type: 'string' } },
      delayLevel: { type: 'number' },
      deliverTimeMs: { type: 'number' },
    },
  },
};

interface SendBody {
  body: string;
  tag?: string;
  keys?: string | string[];
  properties?: Record<string, string>;
  delayLevel?: number;
  deliverTimeMs?: number;
}

async function sendMessage(env: ConsoleEnv, topic: string, b: SendBody): Promise<SendResult> {
  new InputCheck()
    .topic('topic', topic)
    .delayLevel('delayLevel', b.delayLevel)
    .deliverTime('deliverTimeMs', b.deliverTimeMs)
    .done();
  const properties = { ...b.properties };
  // TimerMessageStore reads TIMER_DELIVER_MS: deliver at that wall-clock time.
  if (b.deliverTimeMs !== undefined) properties.TIMER_DELIVER_MS = String(b.deliverTimeMs);
  const msg: Message = {
    topic,
    body: b.body,
    ...(b.tag ? { tags: b.tag } : {}),
    ...(b.keys !== undefined ? { keys: b.keys } : {}),
    ...(Object.keys(properties).length > 0 ? { properties } : {}),
    ...(b.delayLevel !== undefined ? { delayTimeLevel: b.delayLevel } : {}),
  };
  const r = await (await env.producer()).send(msg);
  return {
    msgId: r.msgId,
    offsetMsgId: r.offsetMsgId,
    queue: { brokerName: r.messageQueue.brokerName, queueId: r.messageQueue.queueId },
    queueOffset: r.queueOffset,
    sendStatus: r.sendStatus,
  };
}

const envOf = (ctx: ApiContext, req: { query: unknown }) =>
  ctx.envs.get((req.query as { env?: string }).env);
const topicParam = (req: { params: unknown }) => (req.params as { topic: string }).topic;

export function registerTopicDetailApi(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/topics/:topic', async (req): Promise<TopicDetail> => {
    const topic = topicParam(req);
    const t = await readTopic(envOf(ctx, req), topic);
    const route = { brokerDatas: t.route.brokerDatas, queueDatas: t.route.queueDatas };
    return { topic, route, queues: t.queues, groups: t.groups };
  });

  app.get('/topics/:topic/delete-preview', async (req): Promise<DeletePreview> => {
    const topic = topicParam(req);
    const t = await readTopic(envOf(ctx, req), topic);
    const messages = t.queues.reduce((n, q) => n + Math.max(0, q.maxOffset - q.minOffset), 0);
    const brokers = t.brokers.map((b) => b.brokerName).sort();
    return { topic, brokers, queues: t.queues.length, messages, groups: t.groups };
  });

  const spec = {
    action: 'message.send',
    describe: (req: { params: unknown; body: unknown }) => {
      const { body, ...rest } = req.body as SendBody;
      return { target: topicParam(req), params: { ...rest, bodyBytes: Buffer.byteLength(body) } };
    },
  };
  const route = {
    method: 'POST' as const,
    url: '/topics/:topic/messages',
    schema: sendSchema,
    spec,
  };
  writeRoute(app, ctx, route, async (req) =>
    sendMessage(envOf(ctx, req), topicParam(req), req.body as SendBody),
  );
}
