// api/audit: the newest entries of the audit log, for any logged-in user.
import type { FastifyInstance } from 'fastify';
import type { AuditEntries } from '../api-types.js';
import { CONSOLE_AUDIT_DEFAULT_ENTRIES, CONSOLE_AUDIT_MAX_ENTRIES } from '../config.js';
import type { ApiContext } from '../guard.js';

const schema = {
  querystring: {
    type: 'object',
    properties: {
      limit: {
        type: 'integer',
        minimum: 1,
        maximum: CONSOLE_AUDIT_MAX_ENTRIES,
        default: CONSOLE_AUDIT_DEFAULT_ENTRIES,
      },
    },
  },
};

export function registerAuditApi(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/audit', { schema }, async (req): Promise<AuditEntries> => {
    const { limit } = req.query as { limit: number };
    return { entries: ctx.audit.read(limit) };
  });
}
