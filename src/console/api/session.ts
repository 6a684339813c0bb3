// api/login, api/logout, api/session and api/envs: who is logged in, and which clusters exist.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Env, Ok, Session as SessionView } from '../api-types.js';
import { ConsoleError } from '../errors.js';
import { type ApiContext, SESSION_COOKIE, sessionOf, writeRoute } from '../guard.js';
import { LoginThrottle } from '../login-throttle.js';
import type { Session } from '../sessions.js';

const loginSchema = {
  body: {
    type: 'object',
    required: ['username', 'password'],
    properties: {
      username: { type: 'string', maxLength: 64 },
      password: { type: 'string', maxLength: 1024 },
    },
  },
};

/** Secure when the browser came over https, directly or through a proxy that says so. */
function overHttps(req: FastifyRequest): boolean {
  const forwarded = req.headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return req.protocol === 'https' || first === 'https';
}

const sessionBody = (s: Session): SessionView => ({
  user: { name: s.user.name, role: s.user.role },
  csrfToken: s.csrfToken,
});

function auditThrottled(ctx: ApiContext, username: string, addr: string): void {
  ctx.audit.append({
    user: username,
    addr,
    action: 'session.throttle',
    target: username,
    params: { addr },
    ok: false,
    error: 'too many failed logins; further logins refused until the window passes',
  });
}

export function registerSessionApi(app: FastifyInstance, ctx: ApiContext): void {
  const cookieOptions = (req: FastifyRequest) => ({
    path: ctx.basePath,
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: overHttps(req),
  });

  const throttle = new LoginThrottle();
  app.post('/login', { schema: loginSchema, config: { public: true } }, async (req, reply) => {
    const { username, password } = req.body as { username: string; password: string };
    // Refused before the password is checked: a locked pair costs no scrypt, and learns nothing.
    const waitS = throttle.begin(username, req.ip);
    if (waitS > 0) {
      reply.header('Retry-After', String(waitS));
      throw new ConsoleError(
        'RATE_LIMITED',
        `too many failed logins for ${username}; try again in ${waitS} s`,
      );
    }
    const user = await ctx.auth.login(username, password);
    ctx.audit.append({
      user: username,
      addr: req.ip,
      action: 'session.login',
      target: username,
      params: null,
      ok: user !== undefined,
      ...(user ? {} : { error: 'wrong user name or password' }),
    });
    if (!user) {
      if (throttle.fail(username, req.ip)) auditThrottled(ctx, username, req.ip);
      throw new ConsoleError('UNAUTHENTICATED', 'wrong user name or password');
    }
    throttle.succeed(username, req.ip);
    const session = ctx.sessions.create({ name: user.name, role: user.role });
    reply.setCookie(SESSION_COOKIE, session.id, cookieOptions(req));
    return sessionBody(session);
  });

  const logout = { action: 'session.logout', anyRole: true, describe: () => ({ target: '-' }) };
  writeRoute(
    app,
    ctx,
    { method: 'POST', url: '/logout', spec: logout },
    async (req, reply): Promise<Ok> => {
      ctx.sessions.delete(sessionOf(req).id);
      (reply as FastifyReply).clearCookie(SESSION_COOKIE, cookieOptions(req));
      return { ok: true };
    },
  );

  app.get('/session', async (req) => sessionBody(sessionOf(req)));
  app.get('/envs', async (): Promise<Env[]> => ctx.envs.list());
}
