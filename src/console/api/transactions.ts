// api/transactions: every master's pending and discarded half messages (KITEMQ_QUERY_HALF_MESSAGES
// 10301, 1 call per master), and a forced commit or rollback of one (KITEMQ_END_HALF_MESSAGE
// 10302, END_TRANSACTION's path: the first decision wins), as mqadmin queryHalfMsg / endHalfMsg.
// A half message is named by its transaction's id as the broker keys it: the message's UNIQ_KEY
// for RocketMQ's and KiteMQ's producers, so msgId and transactionId are the same string.
import type { FastifyInstance } from 'fastify';
import type { HalfMessage } from '../../client/impl/transaction-admin.js';
import type {
  HalfMessage as HalfRow,
  Resolved,
  ResolveRequest,
  Transactions,
} from '../api-types.js';
import { CONSOLE_UPSTREAM_CONCURRENCY } from '../config.js';
import { type ConsoleEnv, mapLimit } from '../envs.js';
import { ConsoleError } from '../errors.js';
import { type ApiContext, writeRoute } from '../guard.js';
import { masters } from './broker-reads.js';

function row(brokerName: string, h: HalfMessage): HalfRow {
  return {
    brokerName,
    msgId: h.transactionId,
    offsetMsgId: h.offsetMsgId,
    topic: h.topic,
    queueId: h.queueId,
    producerGroup: h.producerGroup,
    transactionId: h.transactionId || null,
    storeTimestamp: h.storeTimestamp,
    checkTimes: h.checks,
  };
}

async function listHalves(env: ConsoleEnv): Promise<Transactions> {
  const brokers = masters(await env.admin.getClusterInfo());
  const reports = await mapLimit(brokers, CONSOLE_UPSTREAM_CONCURRENCY, (b) =>
    env.admin.queryHalfMessages(b.addr).catch(() => undefined),
  );
  // One master down must not hide the others' halves; the page names it instead.
  const unreachable = brokers.filter((_, i) => !reports[i]).map((b) => b.brokerName);
  const all = reports.flatMap((r, i) =>
    (r?.halfMessages ?? []).map((h) => ({ h, brokerName: brokers[i]!.brokerName })),
  );
  const newest = (a: { storeTimestamp: number }, b: { storeTimestamp: number }) =>
    b.storeTimestamp - a.storeTimestamp;
  const pending = all
    .filter((x) => x.h.state === 'pending')
    .map((x) => row(x.brokerName, x.h))
    .sort(newest);
  // A discarded half is listed from its copy in TRANS_CHECK_MAX_TIME_TOPIC, stored when it was
  // discarded: that copy's store time is the discard time.
  const discarded = all
    .filter((x) => x.h.state === 'discarded')
    .map((x) => ({ ...row(x.brokerName, x.h), discardedAt: x.h.storeTimestamp }))
    .sort(newest);
  return { pending, discarded, unreachable };
}

type ResolveBody = ResolveRequest;

async function resolve(env: ConsoleEnv, b: ResolveBody): Promise<Resolved> {
  const broker = masters(await env.admin.getClusterInfo()).find(
    (m) => m.brokerName === b.brokerName,
  );
  if (!broker) {
    throw new ConsoleError('NOT_FOUND', `no master named ${b.brokerName} in environment ${env.id}`);
  }
  const report = await env.admin.queryHalfMessages(broker.addr);
  const h = report.halfMessages.find(
    (x) => x.transactionId === b.msgId || x.offsetMsgId === b.msgId,
  );
  if (!h) {
    throw new ConsoleError(
      'NOT_FOUND',
      `${b.brokerName} lists no pending or discarded half message ${b.msgId}`,
    );
  }
  const remark = await env.admin.endHalfMessage(
    broker.addr,
    h.transactionId,
    b.action === 'commit',
  );
  return { ok: true, ...(remark ? { remark } : {}) };
}

const name = { type: 'string', minLength: 1, maxLength: 255 };
const resolveSchema = {
  body: {
    type: 'object',
    required: ['brokerName', 'msgId', 'action'],
    properties: { brokerName: name, msgId: name, action: { enum: ['commit', 'rollback'] } },
  },
};

const envOf = (ctx: ApiContext, req: { query: unknown }) =>
  ctx.envs.get((req.query as { env?: string }).env);

export function registerTransactionsApi(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/transactions', async (req) => listHalves(envOf(ctx, req)));

  const spec = {
    action: 'transaction.resolve',
    describe: (req: { body: unknown }) => {
      const { msgId, ...params } = req.body as ResolveBody;
      return { target: msgId, params };
    },
  };
  writeRoute(
    app,
    ctx,
    { method: 'POST', url: '/transactions/resolve', schema: resolveSchema, spec },
    async (req) => resolve(envOf(ctx, req), req.body as ResolveBody),
  );
}
