// api/cluster and api/brokers/config. A cluster refresh is 1 name-server call (cluster info)
// + 1 GET_BROKER_RUNTIME_INFO per broker, CONSOLE_UPSTREAM_CONCURRENCY at a time; a broker that
// does not answer is shown with up=false, not as an error of the whole page.
import type { FastifyInstance } from 'fastify';
import { LIVE_BROKER_CONFIG_KEYS } from '../../broker/processors/admin-broker-config.js';
import { getBrokerConfig, updateBrokerConfig } from '../../client/admin-broker.js';
import type { BrokerConfig, BrokerRow, ClusterView, Ok } from '../api-types.js';
import { CONSOLE_UPSTREAM_CONCURRENCY } from '../config.js';
import { mapLimit } from '../envs.js';
import { ConsoleError } from '../errors.js';
import { type ApiContext, writeRoute } from '../guard.js';
import { InputCheck } from '../validate.js';

type Info = Readonly<Record<string, string>> | undefined;

const num = (v: string | undefined): number => {
  const n = Number(v?.split(' ')[0]);
  return Number.isFinite(n) ? n : 0;
};
/** A counter since this morning (msg*TotalTodayNow − msg*TotalTodayMorning). */
const today = (info: Info, kind: 'Put' | 'Get') =>
  num(info?.[`msg${kind}TotalTodayNow`]) - num(info?.[`msg${kind}TotalTodayMorning`]);

function lag(info: Info): { replicaLagBytes: number | null; replicaLagSeconds: number | null } {
  // A master nobody follows and a broker without replication have no lag to show.
  if (info?.haRole === undefined || (info.haMaster === 'true' && info.haSlaveNums === '0')) {
    return { replicaLagBytes: null, replicaLagSeconds: null };
  }
  return {
    replicaLagBytes: num(info.haReplicaLagBytes),
    replicaLagSeconds: num(info.haReplicaLagMs) / 1000,
  };
}

function brokerView(brokerName: string, brokerId: string, addr: string, info: Info): BrokerRow {
  return {
    brokerName,
    brokerId: Number(brokerId),
    addr,
    role: info?.haRole ?? (brokerId === '0' ? 'MASTER' : 'SLAVE'),
    version: info?.brokerVersionDesc ?? null,
    inTps: num(info?.putTps),
    outTps: num(info?.getTransferedTps),
    putToday: today(info, 'Put'),
    getToday: today(info, 'Get'),
    diskRatio: num(info?.commitLogDiskRatio),
    ...lag(info),
    up: info !== undefined,
  };
}

/** Config values no console user sees (haAuthToken lets a process pose as a slave). */
const SECRET_KEY = /token|secret|password|accesskey|credential/i;
export const REDACTED = '******';

export function redactConfig(config: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config).map(([k, v]) => [k, SECRET_KEY.test(k) && v !== '' ? REDACTED : v]),
  );
}

const putConfigSchema = {
  body: {
    type: 'object',
    required: ['addr', 'changes'],
    properties: {
      addr: { type: 'string', maxLength: 256 },
      changes: {
        type: 'object',
        minProperties: 1,
        additionalProperties: {
          anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }],
        },
      },
    },
  },
};

export function registerClusterApi(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/cluster', async (req): Promise<ClusterView> => {
    const env = ctx.envs.get((req.query as { env?: string }).env);
    const info = await env.admin.getClusterInfo();
    const rows: { cluster: string; brokerName: string; brokerId: string; addr: string }[] = [];
    for (const [cluster, names] of Object.entries(info.clusterAddrTable)) {
      for (const brokerName of [...names].sort()) {
        const addrs = Object.entries(info.brokerAddrTable[brokerName]?.brokerAddrs ?? {});
        addrs.sort(([a], [b]) => Number(a) - Number(b));
        for (const [brokerId, addr] of addrs) rows.push({ cluster, brokerName, brokerId, addr });
      }
    }
    const infos = await mapLimit(rows, CONSOLE_UPSTREAM_CONCURRENCY, (r) =>
      env.admin.getBrokerRuntimeInfo(r.addr).catch(() => undefined),
    );
    const clusters = Object.keys(info.clusterAddrTable)
      .sort()
      .map((name) => ({
        name,
        brokers: rows.flatMap((r, i) =>
          r.cluster === name ? [brokerView(r.brokerName, r.brokerId, r.addr, infos[i])] : [],
        ),
      }));
    return { namesrvs: [...env.admin.instance.namesrvList], clusters };
  });

  app.get('/brokers/config', async (req): Promise<BrokerConfig> => {
    const q = req.query as { env?: string; addr?: string };
    if (!q.addr) throw new ConsoleError('BAD_REQUEST', 'addr is missing: ?addr=host:port');
    const env = ctx.envs.get(q.env);
    await env.knownBroker(q.addr);
    const config = redactConfig(await getBrokerConfig(env.admin, q.addr));
    return { config, liveKeys: LIVE_BROKER_CONFIG_KEYS };
  });

  const spec = {
    action: 'broker.config.update',
    describe: (req: { body: unknown }) => {
      const b = req.body as { addr: string; changes: Record<string, unknown> };
      return { target: b.addr, params: b.changes };
    },
  };
  const route = { method: 'PUT' as const, url: '/brokers/config', schema: putConfigSchema, spec };
  writeRoute(app, ctx, route, async (req): Promise<Ok> => {
    const { addr, changes } = req.body as { addr: string; changes: Record<string, unknown> };
    const live = new Set<string>(LIVE_BROKER_CONFIG_KEYS);
    const restartOnly = Object.keys(changes).filter((k) => !live.has(k));
    const check = new InputCheck();
    for (const k of restartOnly) {
      check.add(
        `${k}: cannot change while the broker runs; set it in broker.conf and restart the ` +
          `broker (live keys: ${[...live].join(', ')})`,
      );
    }
    check.done();
    const env = ctx.envs.get((req.query as { env?: string }).env);
    await env.knownBroker(addr);
    for (const [key, value] of Object.entries(changes)) {
      await updateBrokerConfig(env.admin, addr, key, String(value));
    }
    return { ok: true };
  });
}
