// api/messages: a topic's messages in a time range, by key, one in detail with where it stands
// with each consuming group, and one handed again to a client of a group.
// The time-range query costs 1 route call, 2 SEARCH_OFFSET_BY_TIMESTAMP per queue (the range's
// first offset and the one after its end), then pulls by the tools group (nothing committed) of
// at most messageQueryMaxPerQueue per queue, the newest in the range, queue by queue until
// messageQueryMaxTotal have been read. What was left unread is said: scannedQueues of
// totalQueues, and truncated.
import type { FastifyInstance } from 'fastify';
import {
  consumeMessageDirectly,
  groupClients,
  readQueue,
  searchOffset,
  viewMessageByAnyId,
} from '../../client/admin-messages.js';
import { messageTrackDetail } from '../../client/admin-track.js';
import { MessageConst, type MessageExt } from '../../message/message.js';
import type { TopicRouteData } from '../../protocol/bodies/route-data.js';
import type {
  BodyViews,
  MessageDetail,
  MessageList,
  MessagePage,
  MessageSummary,
  ResendResult,
} from '../api-types.js';
import { CONSOLE_UPSTREAM_CONCURRENCY } from '../config.js';
import { CONSOLE_DEFAULTS as D } from '../defaults.js';
import { type ConsoleEnv, mapLimit } from '../envs.js';
import { ConsoleError } from '../errors.js';
import { type ApiContext, writeRoute } from '../guard.js';
import { routeBrokers } from './broker-reads.js';

export function summaryOf(m: MessageExt, brokerName: string): MessageSummary {
  return {
    msgId: m.properties[MessageConst.UNIQ_KEY] ?? m.offsetMsgId,
    offsetMsgId: m.offsetMsgId,
    topic: m.topic,
    tags: m.properties[MessageConst.TAGS] ?? null,
    keys: m.properties[MessageConst.KEYS] ?? null,
    brokerName,
    queueId: m.queueId,
    queueOffset: m.queueOffset,
    storeTimestamp: m.storeTimestamp,
    bornTimestamp: m.bornTimestamp,
    bodySize: m.body.length,
  };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Body as base64, and as text when it is valid UTF-8 (then whether that text is JSON). */
export function bodyViews(body: Buffer): BodyViews {
  let text: string | null = null;
  try {
    text = utf8.decode(body);
  } catch {
    text = null;
  }
  let json = false;
  if (text !== null && text.trim() !== '') {
    try {
      JSON.parse(text);
      json = true;
    } catch {
      json = false;
    }
  }
  return { bodyBase64: body.toString('base64'), bodyText: text, bodyJson: json };
}

/** The broker name whose address stored the message; the store host itself when none does. */
export function brokerNameOf(route: TopicRouteData, storeHost: string): string {
  const bd = route.brokerDatas.find((b) => Object.values(b.brokerAddrs).includes(storeHost));
  return bd?.brokerName ?? storeHost;
}

interface Range {
  begin: number;
  end: number;
  page: number;
  pageSize: number;
}

export interface QueueScan {
  brokerName: string;
  brokerAddr: string;
  queueId: number;
  from: number;
  to: number;
}

async function queueRanges(env: ConsoleEnv, topic: string, r: Range): Promise<QueueScan[]> {
  const route = await env.admin.getTopicRoute(topic);
  const brokers = routeBrokers(route);
  const queues = route.queueDatas
    .flatMap((qd) => {
      const b = brokers.find((x) => x.brokerName === qd.brokerName);
      return b ? Array.from({ length: qd.readQueueNums }, (_, queueId) => ({ ...b, queueId })) : [];
    })
    .sort((a, b) => a.brokerName.localeCompare(b.brokerName) || a.queueId - b.queueId);
  return mapLimit(queues, CONSOLE_UPSTREAM_CONCURRENCY, async (q) => {
    const at = (t: number) => searchOffset(env.admin, q.addr, topic, q.queueId, t);
    // SEARCH_OFFSET_BY_TIMESTAMP answers the first offset stored at or after a time.
    const [from, to] = await Promise.all([at(r.begin), at(r.end + 1)]);
    return { brokerName: q.brokerName, brokerAddr: q.addr, queueId: q.queueId, from, to };
  });
}

/**
 * Which offsets of each queue to read: the newest `perQueue` of its range, queue by queue while
 * `maxTotal` lasts. A queue left out, or read in part, makes the answer truncated.
 */
export function planScan(
  scans: readonly QueueScan[],
  perQueue: number,
  maxTotal: number,
): { reads: QueueScan[]; scannedQueues: number; truncated: boolean } {
  const reads: QueueScan[] = [];
  let budget = maxTotal;
  let skipped = 0;
  let truncated = false;
  for (const s of scans) {
    const n = Math.max(0, s.to - s.from);
    if (n === 0) continue;
    if (budget <= 0) {
      skipped++;
      truncated = true;
      continue;
    }
    const take = Math.min(n, perQueue, budget);
    if (take < n) truncated = true;
    budget -= take;
    reads.push({ ...s, from: s.to - take });
  }
  return { reads, scannedQueues: scans.length - skipped, truncated };
}

async function queryByTime(env: ConsoleEnv, topic: string, r: Range): Promise<MessagePage> {
  const scans = await queueRanges(env, topic, r);
  const plan = planScan(scans, D.messageQueryMaxPerQueue, D.messageQueryMaxTotal);
  const perQueue = await mapLimit(plan.reads, CONSOLE_UPSTREAM_CONCURRENCY, async (s) => {
    const out: MessageSummary[] = [];
    const q = { brokerAddr: s.brokerAddr, topic, queueId: s.queueId };
    for await (const m of readQueue(env.admin, q, { from: s.from, to: s.to })) {
      if (m.storeTimestamp >= r.begin && m.storeTimestamp <= r.end) {
        out.push(summaryOf(m, s.brokerName));
      }
    }
    return out;
  });
  const found = perQueue.flat();
  found.sort(
    (a, b) =>
      b.storeTimestamp - a.storeTimestamp ||
      a.brokerName.localeCompare(b.brokerName) ||
      a.queueId - b.queueId ||
      b.queueOffset - a.queueOffset,
  );
  const start = (r.page - 1) * r.pageSize;
  return {
    messages: found.slice(start, start + r.pageSize),
    page: r.page,
    pageSize: r.pageSize,
    total: found.length,
    scannedQueues: plan.scannedQueues,
    totalQueues: scans.length,
    truncated: plan.truncated,
  };
}

/** The message by unique key or offset msgId, or 404. */
export async function findMessage(env: ConsoleEnv, topic: string, id: string) {
  const m = await viewMessageByAnyId(env.admin, topic, id);
  if (!m) {
    throw new ConsoleError('NOT_FOUND', `no message of ${topic} has unique key or offset id ${id}`);
  }
  const route = await env.admin.getTopicRoute(topic);
  const brokerName = brokerNameOf(route, m.storeHost);
  const master = route.brokerDatas.find((b) => b.brokerName === brokerName)?.brokerAddrs['0'];
  return { m, brokerName, masterAddr: master ?? m.storeHost };
}

async function detail(env: ConsoleEnv, topic: string, id: string): Promise<MessageDetail> {
  const { m, brokerName, masterAddr } = await findMessage(env, topic, id);
  const consumeStatus = await messageTrackDetail(env.admin, m, masterAddr).catch(() => []);
  return {
    message: {
      ...summaryOf(m, brokerName),
      properties: m.properties,
      bornHost: m.bornHost,
      storeHost: m.storeHost,
      reconsumeTimes: m.reconsumeTimes,
      ...bodyViews(m.body),
    },
    consumeStatus,
  };
}

interface ResendBody {
  topic: string;
  id: string;
  group: string;
  clientId?: string;
}

/** CONSUME_MESSAGE_DIRECTLY through the broker that stores it, to one client of the group. */
async function resend(env: ConsoleEnv, b: ResendBody): Promise<ResendResult> {
  const { m } = await findMessage(env, b.topic, b.id);
  const online = await groupClients(env.admin, b.group).catch((err: Error) => {
    throw new ConsoleError('NOT_FOUND', err.message, { cause: err });
  });
  const clientId = b.clientId ?? online.clientIds[0]!;
  if (!online.clientIds.includes(clientId)) {
    throw new ConsoleError(
      'NOT_FOUND',
      `client ${clientId} is not online in ${b.group}; online: ${online.clientIds.join(', ')}`,
    );
  }
  const r = await consumeMessageDirectly(
    env.admin,
    m.storeHost,
    b.group,
    clientId,
    m.offsetMsgId,
    b.topic,
  );
  return {
    ok: r.consumeResult === 'CR_SUCCESS',
    result: { consumeResult: r.consumeResult, remark: r.remark ?? null },
  };
}

const name = { type: 'string', minLength: 1, maxLength: 255 };
const rangeSchema = {
  querystring: {
    type: 'object',
    required: ['topic', 'begin', 'end'],
    properties: {
      env: { type: 'string' },
      topic: name,
      begin: { type: 'integer', minimum: 0 },
      end: { type: 'integer', minimum: 0 },
      page: { type: 'integer', minimum: 1, default: 1 },
      pageSize: {
        type: 'integer',
        minimum: 1,
        maximum: D.messagePageSizeMax,
        default: D.messagePageSizeDefault,
      },
    },
  },
};
const keySchema = {
  querystring: {
    type: 'object',
    required: ['topic', 'key'],
    properties: { env: { type: 'string' }, topic: name, key: name },
  },
};
const idSchema = {
  querystring: {
    type: 'object',
    required: ['topic', 'id'],
    properties: { env: { type: 'string' }, topic: name, id: name },
  },
};
const resendSchema = {
  body: {
    type: 'object',
    required: ['topic', 'id', 'group'],
    properties: { topic: name, id: name, group: name, clientId: name },
  },
};

const envOf = (ctx: ApiContext, req: { query: unknown }) =>
  ctx.envs.get((req.query as { env?: string }).env);

export function registerMessagesApi(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/messages', { schema: rangeSchema }, async (req) => {
    const q = req.query as Range & { topic: string };
    if (q.end < q.begin) throw new ConsoleError('BAD_REQUEST', 'end is before begin');
    if (q.end - q.begin > D.messageQueryMaxRangeMs) {
      const days = D.messageQueryMaxRangeMs / 86_400_000;
      throw new ConsoleError('BAD_REQUEST', `the time range is wider than ${days} days`);
    }
    return queryByTime(envOf(ctx, req), q.topic, q);
  });

  app.get('/messages/by-key', { schema: keySchema }, async (req): Promise<MessageList> => {
    const { topic, key } = req.query as { topic: string; key: string };
    const env = envOf(ctx, req);
    const [found, route] = await Promise.all([
      env.admin.queryMessageByKey(topic, key, D.messageByKeyMaxNum),
      env.admin.getTopicRoute(topic),
    ]);
    const messages = found
      .map((m) => summaryOf(m, brokerNameOf(route, m.storeHost)))
      .sort((a, b) => b.storeTimestamp - a.storeTimestamp);
    return { messages };
  });

  app.get('/messages/detail', { schema: idSchema }, async (req) => {
    const { topic, id } = req.query as { topic: string; id: string };
    return detail(envOf(ctx, req), topic, id);
  });

  const spec = {
    action: 'message.resend',
    describe: (req: { body: unknown }) => {
      const { topic, ...params } = req.body as ResendBody;
      return { target: topic, params };
    },
  };
  writeRoute(
    app,
    ctx,
    { method: 'POST', url: '/messages/resend', schema: resendSchema, spec },
    async (req) => resend(envOf(ctx, req), req.body as ResendBody),
  );
}
