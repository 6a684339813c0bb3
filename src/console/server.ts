// The console's HTTP server: fastify with the cookie and static plugins. Under {basePath} it
// serves the built web app (dist/console-web/, or a page saying how to build it) and the JSON API
// at {basePath}api/ (docs/console-api.md). Nothing but the API and the app's files is served.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { Logger } from '../common/logger.js';
import { registerAlertsApi } from './api/alerts.js';
import { registerAuditApi } from './api/audit.js';
import { registerClusterApi } from './api/cluster.js';
import { registerDashboardApi } from './api/dashboard.js';
import { registerDlqApi } from './api/dlq.js';
import { registerGroupWritesApi } from './api/group-writes.js';
import { registerGroupsApi } from './api/groups.js';
import { registerMessagesApi } from './api/messages.js';
import { registerSessionApi } from './api/session.js';
import { registerTopicsApi } from './api/topics.js';
import { registerTransactionsApi } from './api/transactions.js';
import { AuditLog } from './audit.js';
import { Authenticator, resolveUsers } from './auth.js';
import { CONSOLE_BODY_LIMIT_BYTES, CONSOLE_MAX_SESSIONS, type ConsoleConfig } from './config.js';
import { Environments } from './envs.js';
import { ConsoleError, toConsoleError } from './errors.js';
import { type ApiContext, auditWrite, installGuard } from './guard.js';
import { SessionStore } from './sessions.js';
import { schemaError } from './validate.js';

/** Where `npm run build` puts the web app: dist/console-web beside dist/console. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../console-web/', import.meta.url));
const SESSION_SWEEP_INTERVAL_MS = 60_000;

export interface ConsoleServerOptions {
  readonly config: ConsoleConfig;
  readonly logger: Logger;
  readonly webRoot?: string;
  /** How many ports after config.port to try when it is taken (npm start); 0: fail. */
  readonly nextFreePorts?: number;
}

export interface RunningConsole {
  readonly url: string;
  readonly port: number;
  /** Set on the first start without a configured admin: show it once. */
  readonly generatedPassword?: string;
  readonly passwordFile?: string;
  close(): Promise<void>;
}

const notBuiltPage = (basePath: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>KiteMQ console</title></head>
<body><h1>KiteMQ console</h1>
<p>The web app is not built. Run <code>npm run build</code> (it writes dist/console-web/), then
reload this page.</p>
<p>The JSON API is served at <code>${basePath}api/</code> (see docs/console-api.md).</p>
</body></html>
`;

function answerError(ctx: ApiContext) {
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    let e: ConsoleError;
    if (err instanceof ConsoleError) e = err;
    else if (err.validation) e = schemaError(err.validation);
    else if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      e = new ConsoleError('BAD_REQUEST', err.message);
    } else e = toConsoleError(err);
    auditWrite(ctx, req, e);
    if (e.code === 'UPSTREAM') ctx.logger.warn({ err, url: req.url }, 'console upstream error');
    const problems = e.problems ? { problems: e.problems } : {};
    return reply.status(e.status).send({ error: e.message, code: e.code, ...problems });
  };
}

function build(ctx: ApiContext, webRoot: string, config: ConsoleConfig): FastifyInstance {
  // forceCloseConnections: a browser's idle keep-alive socket would otherwise hold close() (and
  // so a console stop) until the socket times out. trustProxy decides what request.ip is, which
  // the login throttle and the audit log key on: X-Forwarded-For is read only when configured.
  const app = Fastify({
    logger: false,
    bodyLimit: CONSOLE_BODY_LIMIT_BYTES,
    forceCloseConnections: true,
    trustProxy: typeof config.trustProxy === 'boolean' ? config.trustProxy : [...config.trustProxy],
  });
  const { basePath } = ctx;
  // reply.elapsedTime is 0 without a logger or onResponse hook, so time the answers here.
  const started = new WeakMap<FastifyRequest, number>();
  app.addHook('onRequest', async (req) => void started.set(req, performance.now()));
  app.register(fastifyCookie);
  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Referrer-Policy', 'same-origin');
    if (req.url.startsWith(`${basePath}api/`)) reply.header('Cache-Control', 'no-store');
    const t0 = started.get(req);
    if (t0 !== undefined)
      reply.header('Server-Timing', `app;dur=${(performance.now() - t0).toFixed(1)}`);
    return payload;
  });
  app.setErrorHandler(answerError(ctx));
  app.setNotFoundHandler((req, reply) =>
    reply
      .status(404)
      .send({ error: `nothing at ${req.method} ${req.url.split('?')[0]}`, code: 'NOT_FOUND' }),
  );
  app.register(
    async (api) => {
      installGuard(api, ctx);
      registerSessionApi(api, ctx);
      registerClusterApi(api, ctx);
      registerTopicsApi(api, ctx);
      registerGroupsApi(api, ctx);
      registerGroupWritesApi(api, ctx);
      registerAuditApi(api, ctx);
      registerMessagesApi(api, ctx);
      registerDlqApi(api, ctx);
      registerTransactionsApi(api, ctx);
      registerDashboardApi(api, ctx);
      registerAlertsApi(api, ctx);
    },
    { prefix: `${basePath}api` },
  );
  if (basePath !== '/') app.get(basePath.slice(0, -1), (_req, reply) => reply.redirect(basePath));
  if (existsSync(join(webRoot, 'index.html'))) {
    app.register(fastifyStatic, {
      root: webRoot,
      prefix: basePath,
      index: 'index.html',
      cacheControl: false,
      // index.html is asked again each load; Vite's assets/ carry a content hash in their names.
      setHeaders: (res, path) => {
        if (path.endsWith('.html')) res.setHeader('Cache-Control', 'no-cache');
        else if (/[/\\]assets[/\\]/.test(path)) {
          res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
        }
      },
    });
  } else {
    app.get(basePath, (_req, reply) =>
      reply.type('text/html; charset=utf-8').send(notBuiltPage(basePath)),
    );
  }
  return app;
}

function urlOf(host: string, port: number, basePath: string): string {
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}${basePath}`;
}

async function listen(o: ConsoleServerOptions, ctx: ApiContext, webRoot: string) {
  const { listenAddress, port } = o.config;
  const tries = port === 0 ? 0 : (o.nextFreePorts ?? 0);
  for (let p = port; ; p++) {
    const app = build(ctx, webRoot, o.config);
    try {
      await app.listen({ host: listenAddress, port: p });
      const address = app.server.address();
      return { app, port: typeof address === 'object' && address ? address.port : p };
    } catch (err) {
      await app.close();
      const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
      if (!inUse || p >= port + tries) throw err;
    }
  }
}

export async function startConsoleServer(o: ConsoleServerOptions): Promise<RunningConsole> {
  const { config, logger } = o;
  const resolved = await resolveUsers(config.users, config.dataDir);
  const watch = { dataDir: config.dataDir, refreshIntervalMs: config.refreshIntervalMs };
  const envs = new Environments(config.envs, logger, watch);
  const ctx: ApiContext = {
    envs,
    audit: new AuditLog(join(config.dataDir, 'audit.log')),
    sessions: new SessionStore({
      idleTimeoutMs: config.sessionIdleTimeoutMs,
      maxSessions: CONSOLE_MAX_SESSIONS,
    }),
    auth: new Authenticator(resolved.users),
    basePath: config.basePath,
    logger,
  };
  let bound: Awaited<ReturnType<typeof listen>>;
  try {
    bound = await listen(o, ctx, o.webRoot ?? DEFAULT_WEB_ROOT);
  } catch (err) {
    await envs.close();
    throw err;
  }
  const sweep = setInterval(() => ctx.sessions.sweep(), SESSION_SWEEP_INTERVAL_MS);
  sweep.unref();
  return {
    url: urlOf(config.listenAddress, bound.port, config.basePath),
    port: bound.port,
    ...(resolved.generatedPassword ? { generatedPassword: resolved.generatedPassword } : {}),
    ...(resolved.passwordFile ? { passwordFile: resolved.passwordFile } : {}),
    async close() {
      clearInterval(sweep);
      await bound.app.close();
      await envs.close();
    },
  };
}
