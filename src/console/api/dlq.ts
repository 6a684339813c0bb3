// api/dlq: the groups with dead letters (%DLQ%<group> topics), a group's dead letters read by
// the tools group (nothing committed, oldest first, at most dlqMaxMessages), resent as mqadmin
// resendDlqMsg does (AdminClient#resendDlqMessage: a copy into %RETRY%<group> with reconsumeTimes
// 0, which the group's consumers receive as a message of its original topic, RETRY_TOPIC), and
// exported as JSON lines.
// The list costs 1 topic list, then per DLQ topic 1 route call and 1 GET_TOPIC_STATS_INFO per
// broker of it, CONSOLE_UPSTREAM_CONCURRENCY at a time, for at most dlqListMaxGroups topics.
import type { FastifyInstance } from 'fastify';
import { DLQ_GROUP_TOPIC_PREFIX, MessageConst, type MessageExt } from '../../message/message.js';
import type { DlqGroups, DlqPage, DlqResent } from '../api-types.js';
import { CONSOLE_UPSTREAM_CONCURRENCY } from '../config.js';
import { CONSOLE_DEFAULTS as D } from '../defaults.js';
import { type ConsoleEnv, mapLimit } from '../envs.js';
import { ConsoleError, toConsoleError } from '../errors.js';
import { type ApiContext, writeRoute } from '../guard.js';
import { routeBrokers, topicStatsOf } from './broker-reads.js';
import { brokerNameOf, summaryOf } from './messages.js';

async function listGroups(env: ConsoleEnv): Promise<DlqGroups> {
  const topics = (await env.admin.getAllTopics())
    .filter((t) => t.startsWith(DLQ_GROUP_TOPIC_PREFIX))
    .sort()
    .slice(0, D.dlqListMaxGroups);
  const groups = await mapLimit(topics, CONSOLE_UPSTREAM_CONCURRENCY, async (topic) => {
    const route = await env.admin.getTopicRoute(topic).catch(() => undefined);
    const stats = await Promise.all(
      (route ? routeBrokers(route) : []).map((b) =>
        topicStatsOf(env.admin, b.addr, topic).catch(() => undefined),
      ),
    );
    const queues = stats.flatMap((s) => s?.offsetTable ?? []);
    const count = queues.reduce(
      (n, q) => n + Math.max(0, q.offset.maxOffset - q.offset.minOffset),
      0,
    );
    const last = Math.max(0, ...queues.map((q) => q.offset.lastUpdateTimestamp));
    return {
      group: topic.slice(DLQ_GROUP_TOPIC_PREFIX.length),
      topic,
      count,
      lastStoreTimestamp: last > 0 ? last : null,
    };
  });
  return { groups };
}

async function deadLetters(env: ConsoleEnv, group: string): Promise<MessageExt[]> {
  return env.admin.queryDlqMessages(group, D.dlqMaxMessages).catch((err) => {
    const e = toConsoleError(err);
    if (e.code === 'NOT_FOUND') {
      throw new ConsoleError(
        'NOT_FOUND',
        `group ${group} has no dead letters (no route for ${DLQ_GROUP_TOPIC_PREFIX}${group})`,
        { cause: err },
      );
    }
    throw e;
  });
}

async function listMessages(
  env: ConsoleEnv,
  group: string,
  page: number,
  pageSize: number,
): Promise<DlqPage> {
  const msgs = await deadLetters(env, group);
  const route = await env.admin.getTopicRoute(DLQ_GROUP_TOPIC_PREFIX + group);
  const start = (page - 1) * pageSize;
  const messages = msgs.slice(start, start + pageSize).map((m) => ({
    ...summaryOf(m, brokerNameOf(route, m.storeHost)),
    originTopic: m.properties[MessageConst.RETRY_TOPIC] ?? null,
    originMsgId:
      m.properties[MessageConst.ORIGIN_MESSAGE_ID] ?? m.properties[MessageConst.UNIQ_KEY] ?? null,
  }));
  return { messages, page, pageSize, total: msgs.length };
}

interface ResendBody {
  group: string;
  ids?: string[];
  all?: boolean;
}

async function resend(env: ConsoleEnv, b: ResendBody): Promise<DlqResent> {
  if (b.all !== true && (b.ids === undefined || b.ids.length === 0)) {
    throw new ConsoleError('BAD_REQUEST', 'give ids:[msgId, …] or all:true');
  }
  const msgs = await deadLetters(env, b.group);
  const wanted = b.all === true ? msgs.map((m) => m.offsetMsgId) : (b.ids ?? []);
  const failed: { id: string; error: string }[] = [];
  let resent = 0;
  for (const id of wanted) {
    // A dead letter is named by its unique key (msgId) or its offset msgId.
    const m = msgs.find((x) => x.offsetMsgId === id || x.properties[MessageConst.UNIQ_KEY] === id);
    if (!m) {
      failed.push({ id, error: `not among the dead letters of ${b.group}` });
      continue;
    }
    try {
      await env.admin.resendDlqMessage(b.group, m.offsetMsgId);
      resent++;
    } catch (err) {
      failed.push({ id, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return { resent, failed };
}

/** One JSON line per dead letter: its summary fields, properties and body (base64). */
function exportLines(msgs: readonly MessageExt[]): string {
  return msgs
    .map((m) =>
      JSON.stringify({
        msgId: m.properties[MessageConst.UNIQ_KEY] ?? m.offsetMsgId,
        offsetMsgId: m.offsetMsgId,
        topic: m.topic,
        originTopic: m.properties[MessageConst.RETRY_TOPIC] ?? null,
        queueId: m.queueId,
        queueOffset: m.queueOffset,
        storeTimestamp: m.storeTimestamp,
        bornTimestamp: m.bornTimestamp,
        reconsumeTimes: m.reconsumeTimes,
        properties: m.properties,
        bodyBase64: m.body.toString('base64'),
      }),
    )
    .map((l) => `${l}\n`)
    .join('');
}

const name = { type: 'string', minLength: 1, maxLength: 255 };
const groupQuery = {
  querystring: {
    type: 'object',
    required: ['group'],
    properties: {
      env: { type: 'string' },
      group: name,
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
const resendSchema = {
  body: {
    type: 'object',
    required: ['group'],
    properties: {
      group: name,
      ids: { type: 'array', items: name, maxItems: D.dlqMaxMessages },
      all: { type: 'boolean' },
    },
  },
};

const envOf = (ctx: ApiContext, req: { query: unknown }) =>
  ctx.envs.get((req.query as { env?: string }).env);

export function registerDlqApi(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/dlq', async (req) => listGroups(envOf(ctx, req)));

  app.get('/dlq/messages', { schema: groupQuery }, async (req) => {
    const q = req.query as { group: string; page: number; pageSize: number };
    return listMessages(envOf(ctx, req), q.group, q.page, q.pageSize);
  });

  app.get('/dlq/export', { schema: groupQuery }, async (req, reply) => {
    const { group } = req.query as { group: string };
    const lines = exportLines(await deadLetters(envOf(ctx, req), group));
    const file = `dlq-${group.replace(/[^A-Za-z0-9._-]/g, '_')}.jsonl`;
    return reply
      .type('application/x-ndjson; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="${file}"`)
      .send(lines);
  });

  const spec = {
    action: 'dlq.resend',
    describe: (req: { body: unknown }) => {
      const { group, ...params } = req.body as ResendBody;
      return { target: group, params };
    },
  };
  writeRoute(
    app,
    ctx,
    { method: 'POST', url: '/dlq/resend', schema: resendSchema, spec },
    async (req) => resend(envOf(ctx, req), req.body as ResendBody),
  );
}
