// console.trustProxy: the login throttle counts per (user, request.ip), and request.ip comes from
// X-Forwarded-For only when the peer is a trusted proxy. Trusted, two forwarded clients are
// throttled apart; not trusted (the default, or a list the peer is not in), a made-up header
// changes nothing, so it cannot buy more guesses.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../common/errors.js';
import { silentLogger } from '../common/logger.js';
import { hashPassword } from './auth.js';
import { parseConsoleConfig, parseTrustProxy } from './config.js';
import { CONSOLE_LOGIN_MAX_FAILURES } from './login-throttle.js';
import { type RunningConsole, startConsoleServer } from './server.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start(trustProxy?: string): Promise<{ c: RunningConsole; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kitemq-console-proxy-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const h = await hashPassword('right');
  const extra = trustProxy === undefined ? '' : `\nconsole.trustProxy=${trustProxy}`;
  const config = parseConsoleConfig(`console.users=ops:${h}:admin${extra}`, 'test', {
    port: 0,
    dataDir,
    namesrvAddrs: ['127.0.0.1:1'], // nothing listens there; logins need no cluster
  });
  const c = await startConsoleServer({
    config,
    logger: silentLogger(),
    webRoot: join(dataDir, 'missing'),
  });
  cleanups.push(() => c.close());
  return { c, dataDir };
}

async function login(c: RunningConsole, forwardedFor: string, password = 'wrong') {
  const res = await fetch(`${c.url}api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
    body: JSON.stringify({ username: 'ops', password }),
  });
  await res.arrayBuffer();
  return res.status;
}

async function failUntilLocked(c: RunningConsole, forwardedFor: string) {
  const statuses: number[] = [];
  for (let i = 0; i < CONSOLE_LOGIN_MAX_FAILURES; i++) statuses.push(await login(c, forwardedFor));
  expect(statuses.every((s) => s === 401)).toBe(true);
  expect(await login(c, forwardedFor)).toBe(429);
}

describe('console.trustProxy', () => {
  it('on: throttles each forwarded client apart, and audits the forwarded address', async () => {
    const { c, dataDir } = await start('true');
    await failUntilLocked(c, '203.0.113.7');
    expect(await login(c, '198.51.100.9')).toBe(401);
    expect(await login(c, '198.51.100.9', 'right')).toBe(200);
    const audit = readFileSync(join(dataDir, 'audit.log'), 'utf8');
    const throttled = audit
      .split('\n')
      .filter((l) => l.includes('session.throttle'))
      .map((l) => JSON.parse(l).params.addr);
    expect(throttled).toEqual(['203.0.113.7']);
    // Every entry names the client, here the forwarded one.
    const logins = audit
      .split('\n')
      .filter((l) => l.includes('session.login'))
      .map((l) => JSON.parse(l).addr);
    expect(new Set(logins)).toEqual(new Set(['203.0.113.7', '198.51.100.9']));
  });

  it('off (the default): a made-up X-Forwarded-For does not escape the throttle', async () => {
    const { c, dataDir } = await start();
    await failUntilLocked(c, '203.0.113.7');
    expect(await login(c, '198.51.100.9')).toBe(429);
    expect(await login(c, '198.51.100.9', 'right')).toBe(429);
    const addrs = readFileSync(join(dataDir, 'audit.log'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('session.login'))
      .map((l) => JSON.parse(l).addr);
    expect(new Set(addrs)).toEqual(new Set(['127.0.0.1']));
  });

  it('a list trusts only the proxies named in it', async () => {
    const { c } = await start('10.9.9.9, 192.168.0.0/16');
    await failUntilLocked(c, '203.0.113.7');
    expect(await login(c, '198.51.100.9')).toBe(429); // the peer, 127.0.0.1, is not listed
    const { c: viaLoopback } = await start('loopback');
    await failUntilLocked(viaLoopback, '203.0.113.7');
    expect(await login(viaLoopback, '198.51.100.9')).toBe(401);
  });

  it('parses false, true and lists, and refuses what is not an address', () => {
    expect(parseTrustProxy('false', 'f:1')).toBe(false);
    expect(parseTrustProxy(' true ', 'f:1')).toBe(true);
    expect(parseTrustProxy('10.0.0.1, 10.0.0.0/8,fd00::/8,loopback', 'f:1')).toEqual([
      '10.0.0.1',
      '10.0.0.0/8',
      'fd00::/8',
      'loopback',
    ]);
    for (const bad of ['yes', '10.0.0.0/33', '10.0.0.0/8/1', 'proxy.example.com', '1,'])
      expect(() => parseTrustProxy(bad, 'f:1'), bad).toThrow(ConfigError);
    expect(parseConsoleConfig('', 'f').trustProxy).toBe(false);
    expect(() => parseConsoleConfig('console.trustProxy=on', 'console.conf')).toThrow(
      /console.conf:1: console.trustProxy entry on is not/,
    );
  });
});
