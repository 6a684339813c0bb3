// The console's settings: console.conf (Java .properties, console.* keys), then the command line.
// Every console default and bound lives here, beside the key that overrides it.
import { isIP } from 'node:net';
import { ConfigError } from '../common/errors.js';
import { parseProperties } from '../common/properties.js';
import { type ConsoleUser, parseUsers } from './auth.js';
import { CONSOLE_DEFAULTS } from './defaults.js';

/** RocketMQ Dashboard's port, so existing bookmarks and proxy rules keep working. */
export const CONSOLE_DEFAULT_PORT = 8082;
/** Loopback unless configured: the console can delete topics. */
export const CONSOLE_DEFAULT_LISTEN_ADDRESS = '127.0.0.1';
export const CONSOLE_DEFAULT_SESSION_IDLE_MS = 30 * 60_000;
/** Sessions held at once; the least recently used goes first when a login finds it full. */
export const CONSOLE_MAX_SESSIONS = 1_000;
/** api/audit answers at most this many entries, read from at most the log's last bytes below. */
export const CONSOLE_AUDIT_MAX_ENTRIES = 1_000;
export const CONSOLE_AUDIT_DEFAULT_ENTRIES = 100;
export const CONSOLE_AUDIT_TAIL_BYTES = 4 * 1024 * 1024;
/** Broker calls one API request keeps in flight (a 50-broker cluster is read 8 at a time). */
export const CONSOLE_UPSTREAM_CONCURRENCY = 8;
/** HTTP request bodies; a sent message body travels inside one. */
export const CONSOLE_BODY_LIMIT_BYTES = 5 * 1024 * 1024;

export interface ConsoleEnvConfig {
  readonly id: string;
  readonly namesrvAddr: string;
}

export interface ConsoleConfig {
  readonly listenAddress: string;
  readonly port: number;
  /** Starts and ends with '/'. */
  readonly basePath: string;
  readonly users: readonly ConsoleUser[];
  readonly dataDir: string;
  readonly sessionIdleTimeoutMs: number;
  /** How often each environment's poller takes a snapshot (dashboard, alerts, api/groups). */
  readonly refreshIntervalMs: number;
  /**
   * Fastify's trustProxy: false (the TCP peer is the client), true (the left-most X-Forwarded-For
   * address, whoever sent it), or the proxies' addresses and CIDRs whose X-Forwarded-For is read.
   */
  readonly trustProxy: boolean | readonly string[];
  readonly envs: readonly ConsoleEnvConfig[];
}

export const CONSOLE_KEYS = [
  'console.listenAddress',
  'console.port',
  'console.basePath',
  'console.users',
  'console.dataDir',
  'console.sessionIdleTimeoutMs',
  'console.refreshIntervalMs',
  'console.trustProxy',
] as const;
/** 100 ms lets tests see a refresh at once; beyond an hour the charts and alerts say nothing. */
const REFRESH_INTERVAL_RANGE_MS = [100, 3_600_000] as const;
const ENV_KEY = /^console\.env\.([A-Za-z0-9_-]+)$/;

/** '/', '/rocketmq/', from 'rocketmq', '/rocketmq' or '/rocketmq/'. */
export function normalizeBasePath(raw: string, where: string): string {
  const trimmed = raw.trim().replace(/^\/+|\/+$/g, '');
  if (trimmed !== '' && !/^[A-Za-z0-9._~\-/]+$/.test(trimmed)) {
    throw new ConfigError(`${where}: base path ${raw} may hold only letters, digits and . _ ~ - /`);
  }
  return trimmed === '' ? '/' : `/${trimmed}/`;
}

function intValue(key: string, value: string, where: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
    throw new ConfigError(`${where}: ${key}=${value} is not a number from ${min} to ${max}`);
  }
  return n;
}

/** proxy-addr's names for address ranges, which fastify's trustProxy list also takes. */
const TRUST_PROXY_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** One address or CIDR (10.0.0.0/8, fd00::/8) or a named range; anything else is refused. */
function trustedProxy(entry: string, where: string): string {
  const [addr = '', bits, extra] = entry.split('/');
  const family = isIP(addr);
  const maxBits = family === 4 ? 32 : 128;
  const bitsOk = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits);
  if (TRUST_PROXY_RANGES.has(entry) || (family !== 0 && bitsOk && extra === undefined))
    return entry;
  throw new ConfigError(
    `${where}: console.trustProxy entry ${entry} is not an address, a CIDR (10.0.0.0/8) or one ` +
      `of ${[...TRUST_PROXY_RANGES].join(', ')}`,
  );
}

/** console.trustProxy: false, true, or a comma-separated list of proxy addresses and CIDRs. */
export function parseTrustProxy(raw: string, where: string): boolean | string[] {
  const v = raw.trim();
  if (v === 'false' || v === '') return false;
  if (v === 'true') return true;
  return v.split(',').map((e) => trustedProxy(e.trim(), where));
}

export interface ConsoleOverrides {
  listenAddress?: string;
  port?: number;
  basePath?: string;
  dataDir?: string;
  /** One environment per -n value; replaces the console.env.* keys. */
  namesrvAddrs?: readonly string[];
}

/** Defaults < console.conf < overrides (the command line). Unknown console.* keys are errors. */
export function parseConsoleConfig(
  text: string,
  fileName: string,
  overrides: ConsoleOverrides = {},
): ConsoleConfig {
  const values = new Map<string, { value: string; line: number }>();
  const envs: ConsoleEnvConfig[] = [];
  for (const e of parseProperties(text, fileName)) {
    const where = `${fileName}:${e.line}`;
    const env = ENV_KEY.exec(e.key);
    if (env) envs.push({ id: env[1]!, namesrvAddr: e.value.trim() });
    else if ((CONSOLE_KEYS as readonly string[]).includes(e.key)) values.set(e.key, e);
    else throw new ConfigError(`${where}: unknown key ${e.key}; known: ${CONSOLE_KEYS.join(', ')}`);
  }
  const at = (key: string) => `${fileName}:${values.get(key)?.line ?? 0}`;
  const get = (key: string) => values.get(key)?.value;
  const port = get('console.port');
  const idle = get('console.sessionIdleTimeoutMs');
  const users = get('console.users');
  const refresh = get('console.refreshIntervalMs');
  const trustProxy = get('console.trustProxy');
  const fromFlags = (overrides.namesrvAddrs ?? []).map((addr, i) => ({
    id: String(i + 1),
    namesrvAddr: addr,
  }));
  return {
    listenAddress:
      overrides.listenAddress ?? get('console.listenAddress') ?? CONSOLE_DEFAULT_LISTEN_ADDRESS,
    port:
      overrides.port ??
      (port === undefined
        ? CONSOLE_DEFAULT_PORT
        : intValue('console.port', port, at('console.port'), 0, 65535)),
    basePath: normalizeBasePath(
      overrides.basePath ?? get('console.basePath') ?? '/',
      overrides.basePath !== undefined ? '--base-path' : at('console.basePath'),
    ),
    users: users === undefined ? [] : parseUsers(users, `${at('console.users')} console.users`),
    dataDir: overrides.dataDir ?? get('console.dataDir') ?? './data/console',
    sessionIdleTimeoutMs:
      idle === undefined
        ? CONSOLE_DEFAULT_SESSION_IDLE_MS
        : intValue(
            'console.sessionIdleTimeoutMs',
            idle,
            at('console.sessionIdleTimeoutMs'),
            1_000,
            7 * 86_400_000,
          ),
    refreshIntervalMs:
      refresh === undefined
        ? CONSOLE_DEFAULTS.refreshIntervalMs
        : intValue(
            'console.refreshIntervalMs',
            refresh,
            at('console.refreshIntervalMs'),
            ...REFRESH_INTERVAL_RANGE_MS,
          ),
    trustProxy:
      trustProxy === undefined
        ? CONSOLE_DEFAULTS.trustProxy
        : parseTrustProxy(trustProxy, at('console.trustProxy')),
    envs: fromFlags.length > 0 ? fromFlags : envs,
  };
}
