// api/alerts and api/alerts/rules. The alerts are the environment's monitor's (evaluated at each
// refresh, src/console/alerts/); the rules are <dataDir>/envs/<id>/alert-rules.json. A PUT
// replaces the whole document after rules.ts validated it: a 400 lists every bad field in
// `problems`, one line each, and changes nothing. Writes are admin-only and audited.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Alert } from '../alerts/evaluate.js';
import { AlertRuleError } from '../alerts/rules.js';
import type { AlertList, AlertRules, Alert as AlertView, Ok } from '../api-types.js';
import { ConsoleError } from '../errors.js';
import { type ApiContext, auditWrite, writeRoute } from '../guard.js';

export function alertView(a: Alert): AlertView {
  return {
    ruleId: a.rule,
    type: a.type,
    target: a.target,
    state: a.state,
    value: a.value,
    threshold: a.threshold,
    since: a.since,
    at: a.at,
    ...(a.firingSince !== undefined ? { firingSince: a.firingSince } : {}),
    ...(a.resolvedAt !== undefined ? { resolvedAt: a.resolvedAt } : {}),
  };
}

const envOf = (ctx: ApiContext, req: { query: unknown }) =>
  ctx.envs.get((req.query as { env?: string }).env);

/** The audit entry names the webhook's host only: a URL may carry a token in its path or query. */
function describePut(ctx: ApiContext, req: FastifyRequest) {
  const body = req.body as { rules?: unknown; webhook?: { url?: unknown } | null } | undefined;
  const rules = Array.isArray(body?.rules) ? body.rules.length : null;
  let webhook: string | null = null;
  try {
    if (typeof body?.webhook?.url === 'string') webhook = new URL(body.webhook.url).host;
  } catch {
    webhook = '(not a URL)';
  }
  return { target: `env ${envOf(ctx, req).id}`, params: { rules, webhook } };
}

function refuse(ctx: ApiContext, req: FastifyRequest, reply: FastifyReply, err: AlertRuleError) {
  const n = err.problems.length;
  const e = new ConsoleError(
    'BAD_REQUEST',
    `the alert rules were not saved: ${n} problem${n === 1 ? '' : 's'}, listed in problems`,
  );
  auditWrite(ctx, req, e);
  return reply.status(e.status).send({ error: e.message, code: e.code, problems: err.problems });
}

export function registerAlertsApi(app: FastifyInstance, ctx: ApiContext): void {
  app.get(
    '/alerts',
    async (req): Promise<AlertList> => ({
      alerts: envOf(ctx, req).monitor.alerts().map(alertView),
    }),
  );

  app.get('/alerts/rules', async (req): Promise<AlertRules> => {
    const doc = envOf(ctx, req).monitor.rules();
    return { rules: doc.rules, webhook: doc.webhook ?? null };
  });

  const spec = {
    action: 'alert.rules.update',
    describe: (req: FastifyRequest) => describePut(ctx, req),
  };
  writeRoute(app, ctx, { method: 'PUT', url: '/alerts/rules', spec }, async (req, reply) => {
    const monitor = envOf(ctx, req).monitor;
    try {
      monitor.setRules(req.body);
    } catch (err) {
      if (err instanceof AlertRuleError) return refuse(ctx, req, reply, err);
      throw err;
    }
    return { ok: true } satisfies Ok;
  });
}
