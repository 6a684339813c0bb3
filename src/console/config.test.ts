import { describe, expect, it } from 'vitest';
import { ConfigError } from '../common/errors.js';
import { hashPassword } from './auth.js';
import { CONSOLE_DEFAULT_PORT, normalizeBasePath, parseConsoleConfig } from './config.js';

describe('console.conf', () => {
  it('defaults to loopback on 8082 under /', () => {
    const c = parseConsoleConfig('', '(none)');
    expect(c).toMatchObject({
      listenAddress: '127.0.0.1',
      port: CONSOLE_DEFAULT_PORT,
      basePath: '/',
      users: [],
      envs: [],
    });
    expect(CONSOLE_DEFAULT_PORT).toBe(8082);
  });

  it('reads its keys and environments, and the command line wins', async () => {
    const h = await hashPassword('pw');
    const text = [
      'console.listenAddress=0.0.0.0',
      'console.port=9000',
      'console.basePath=rocketmq',
      `console.users=viewer:${h}:read-only`,
      'console.env.prod=a:9876;b:9876',
      'console.env.test=c:9876',
    ].join('\n');
    const c = parseConsoleConfig(text, 'console.conf');
    expect(c).toMatchObject({ listenAddress: '0.0.0.0', port: 9000, basePath: '/rocketmq/' });
    expect(c.users.map((u) => u.role)).toEqual(['read-only']);
    expect(c.envs).toEqual([
      { id: 'prod', namesrvAddr: 'a:9876;b:9876' },
      { id: 'test', namesrvAddr: 'c:9876' },
    ]);
    const o = parseConsoleConfig(text, 'console.conf', { port: 1, namesrvAddrs: ['x:1', 'y:1'] });
    expect(o.port).toBe(1);
    expect(o.envs).toEqual([
      { id: '1', namesrvAddr: 'x:1' },
      { id: '2', namesrvAddr: 'y:1' },
    ]);
  });

  it('reads the refresh interval within its range, 5 s when unset', () => {
    expect(parseConsoleConfig('', 'c.conf').refreshIntervalMs).toBe(5_000);
    expect(parseConsoleConfig('console.refreshIntervalMs=200', 'c.conf').refreshIntervalMs).toBe(
      200,
    );
    expect(() => parseConsoleConfig('\n\nconsole.refreshIntervalMs=5', 'c.conf')).toThrow(
      /c\.conf:3: console\.refreshIntervalMs=5 is not a number from 100/,
    );
  });

  it('names the file and line of a bad value or an unknown key', () => {
    expect(() => parseConsoleConfig('\nconsole.port=http', 'c.conf')).toThrow(
      /c\.conf:2: console\.port/,
    );
    expect(() => parseConsoleConfig('console.prot=1', 'c.conf')).toThrow(ConfigError);
    expect(() => parseConsoleConfig('console.users=a:b:c', 'c.conf')).toThrow(/c\.conf:1/);
  });

  it('normalizes base paths to /a/b/ and refuses characters a URL path would escape', () => {
    expect(normalizeBasePath('/', 'x')).toBe('/');
    expect(normalizeBasePath('', 'x')).toBe('/');
    expect(normalizeBasePath('/rocketmq', 'x')).toBe('/rocketmq/');
    expect(normalizeBasePath('a/b/', 'x')).toBe('/a/b/');
    expect(() => normalizeBasePath('/a b', 'x')).toThrow(ConfigError);
    expect(() => normalizeBasePath('/a?b', 'x')).toThrow(ConfigError);
  });
});
