// api/dashboard and api/dashboard/series: the environment's last snapshot and its TPS history
// (src/console/collect/), so answering costs the cluster no call. Before the first snapshot the
// request waits for the refresh in flight; when the name server never answered, 502.
import type { FastifyInstance } from 'fastify';
import { isSystemTopic } from '../../broker/topic-validator.js';
import type { Dashboard, DashboardView, Series } from '../api-types.js';
import type { Snapshot } from '../collect/snapshot-types.js';
import { CONSOLE_DEFAULTS as D } from '../defaults.js';
import { ConsoleError } from '../errors.js';
import type { ApiContext } from '../guard.js';
import { alertView } from './alerts.js';

/** Derived rates carry float noise (offset deltas over seconds); two decimals are plenty. */
const rate = (x: number) => Math.round(x * 100) / 100;

export function dashboardOf(s: Snapshot): DashboardView {
  const brokers = s.brokers.map((b) => ({
    cluster: b.cluster,
    brokerName: b.brokerName,
    brokerId: b.brokerId,
    addr: b.addr,
    up: b.up,
    inTps: b.inTps,
    outTps: b.outTps,
    diskRatio: b.diskRatio,
  }));
  // A slave's puts repeat its master's, so the cluster's intake counts masters only.
  const inTps = s.brokers.reduce((n, b) => n + (b.brokerId === 0 ? b.inTps : 0), 0);
  const outTps = s.brokers.reduce((n, b) => n + b.outTps, 0);
  // The broker's own topics (SCHEDULE_TOPIC_XXXX takes every delayed message first, and brokers
  // register their cluster and own names as topics) would crowd out the ones operators own.
  const brokerTopics = new Set(s.brokers.flatMap((b) => [b.cluster, b.brokerName]));
  const topTopics = s.topics
    .filter((t) => (t.inTps ?? 0) > 0 && !isSystemTopic(t.topic) && !brokerTopics.has(t.topic))
    .sort((a, b) => b.inTps! - a.inTps! || a.topic.localeCompare(b.topic))
    .slice(0, D.dashboardTopN)
    .map((t) => ({ topic: t.topic, inTps: rate(t.inTps!) }));
  const topGroups = s.groups
    .filter((g) => g.queues > 0)
    .sort((a, b) => b.diff - a.diff || a.group.localeCompare(b.group))
    .slice(0, D.dashboardTopN)
    .map((g) => ({
      group: g.group,
      diff: g.diff,
      lagSeconds: g.lagSeconds,
      consumeTps: rate(g.consumeTps),
    }));
  return {
    brokers,
    totals: { inTps: rate(inTps), outTps: rate(outTps) },
    topTopics,
    topGroups,
  };
}

const SERIES_KEY = /^(cluster\.(in|out)|broker\.(in|out):.+|topic\.in:.+|group\.diff:.+)$/;

const seriesSchema = {
  querystring: {
    type: 'object',
    required: ['key'],
    properties: {
      env: { type: 'string' },
      key: { type: 'string', minLength: 1, maxLength: 512 },
      from: { type: 'integer', minimum: 0 },
      to: { type: 'integer', minimum: 0 },
      maxPoints: {
        type: 'integer',
        minimum: 1,
        maximum: D.seriesMaxPoints,
        default: D.seriesDefaultPoints,
      },
    },
  },
};

interface SeriesQuery {
  env?: string;
  key: string;
  from?: number;
  to?: number;
  maxPoints: number;
}

export function registerDashboardApi(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/dashboard', async (req): Promise<Dashboard> => {
    const env = ctx.envs.get((req.query as { env?: string }).env);
    const s = await env.monitor.snapshot();
    return {
      at: s.at,
      refreshIntervalMs: env.monitor.refreshIntervalMs,
      ...dashboardOf(s),
      alerts: env.monitor.alerts().map(alertView),
      // Additions to the contract: calls of the snapshot that failed (it is partial), its notes
      // (expected limits, e.g. Apache RocketMQ masters) and why the latest refresh failed (the
      // snapshot is then older than one interval).
      errors: s.errors,
      notes: s.notes ?? [],
      refreshError: env.monitor.refreshError(),
    };
  });

  app.get('/dashboard/series', { schema: seriesSchema }, async (req): Promise<Series> => {
    const q = req.query as SeriesQuery;
    if (!SERIES_KEY.test(q.key)) {
      throw new ConsoleError(
        'BAD_REQUEST',
        `key ${q.key} is not a series: cluster.in, cluster.out, broker.in:<brokerName>, ` +
          'broker.out:<brokerName>, topic.in:<topic> or group.diff:<group>',
      );
    }
    if (q.from !== undefined && q.to !== undefined && q.from > q.to) {
      throw new ConsoleError('BAD_REQUEST', `from ${q.from} is after to ${q.to}`);
    }
    const env = ctx.envs.get(q.env);
    const points = env.monitor.history.series({
      key: q.key,
      maxPoints: q.maxPoints,
      ...(q.from !== undefined ? { from: q.from } : {}),
      ...(q.to !== undefined ? { to: q.to } : {}),
    });
    return { key: q.key, points: points.map((p) => [p.at, rate(p.value)]) };
  });
}
