// Who may call what. Every API route needs a live session except login; a write (POST, PUT,
// DELETE) also needs the session's CSRF token in X-CSRF-Token and, except logout, the admin
// role. There is no Origin check: a reverse proxy rewrites Origin, and the token plus
// SameSite=Strict cookies already stop a foreign page. Every write with a session is audited,
// whether it ran, failed or was refused.
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import type { Logger } from '../common/logger.js';
import type { AuditLog } from './audit.js';
import type { Authenticator } from './auth.js';
import type { Environments } from './envs.js';
import { ConsoleError, toConsoleError } from './errors.js';
import { type Session, type SessionStore, tokensEqual } from './sessions.js';

export const SESSION_COOKIE = 'kitemq_console';
export const CSRF_HEADER = 'x-csrf-token';

export interface WriteSpec {
  /** "<area>.<verb>", as the audit log names it. */
  readonly action: string;
  /** What the audit entry says was acted on, and with which (non-secret) parameters. */
  readonly describe: (req: FastifyRequest) => { target: string; params?: unknown };
  /** Allowed to read-only users too (logout). */
  readonly anyRole?: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    write?: WriteSpec;
    public?: boolean;
  }
  interface FastifyRequest {
    consoleSession?: Session;
    audited?: boolean;
  }
}

export interface ApiContext {
  readonly envs: Environments;
  readonly audit: AuditLog;
  readonly sessions: SessionStore;
  readonly auth: Authenticator;
  readonly basePath: string;
  readonly logger: Logger;
}

export function sessionOf(req: FastifyRequest): Session {
  const s = req.consoleSession;
  if (!s) throw new ConsoleError('UNAUTHENTICATED', 'not logged in; log in first');
  return s;
}

function describeSafely(
  spec: WriteSpec,
  req: FastifyRequest,
): { target: string; params?: unknown } {
  try {
    return spec.describe(req);
  } catch {
    return { target: '?' };
  }
}

/** Records a write's outcome once (the handler or the error handler, whichever sees it first). */
export function auditWrite(ctx: ApiContext, req: FastifyRequest, error?: ConsoleError): void {
  const spec = req.routeOptions.config.write;
  const session = req.consoleSession;
  if (!spec || !session || req.audited) return;
  req.audited = true;
  const { target, params } = describeSafely(spec, req);
  ctx.audit.append({
    user: session.user.name,
    addr: req.ip,
    action: spec.action,
    target,
    params: params ?? null,
    ok: error === undefined,
    ...(error ? { error: error.message } : {}),
  });
}

export function installGuard(app: FastifyInstance, ctx: ApiContext): void {
  // preValidation: the body is parsed (for the audit entry) but not yet validated, so a caller
  // without a session hears 401 whatever it sent.
  app.addHook('preValidation', async (req: FastifyRequest) => {
    const config = req.routeOptions.config;
    if (config.public) return;
    const session = ctx.sessions.touch(req.cookies[SESSION_COOKIE]);
    if (!session) {
      throw new ConsoleError('UNAUTHENTICATED', 'not logged in or the session expired; log in');
    }
    req.consoleSession = session;
    const write = config.write;
    if (!write) return;
    const token = req.headers[CSRF_HEADER];
    if (typeof token !== 'string' || !tokensEqual(token, session.csrfToken)) {
      throw new ConsoleError(
        'CSRF',
        'missing or wrong X-CSRF-Token header; send the csrfToken of api/session',
      );
    }
    if (!write.anyRole && session.user.role !== 'admin') {
      throw new ConsoleError(
        'FORBIDDEN',
        `user ${session.user.name} is read-only; this needs the admin role`,
      );
    }
  });
}

/** A write route: guarded as above, its outcome audited. */
export function writeRoute(
  app: FastifyInstance,
  ctx: ApiContext,
  route: { method: HTTPMethods; url: string; schema?: object; spec: WriteSpec },
  handler: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
): void {
  app.route({
    method: route.method,
    url: route.url,
    ...(route.schema ? { schema: route.schema } : {}),
    config: { write: route.spec },
    handler: async (req, reply) => {
      try {
        const result = await handler(req, reply);
        auditWrite(ctx, req);
        return result;
      } catch (err) {
        const e = toConsoleError(err);
        auditWrite(ctx, req, e);
        throw e;
      }
    },
  });
}
