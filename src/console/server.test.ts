// The console's HTTP shell in-process (no cluster behind it): port fallback, the page served
// when the web app is not built, the built app, JSON errors, and UPSTREAM for a dead cluster.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../common/logger.js';
import { hashPassword } from './auth.js';
import { parseConsoleConfig } from './config.js';
import { type RunningConsole, startConsoleServer } from './server.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'kitemq-console-server-'));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

async function start(o: { port?: number; next?: number; basePath?: string; webRoot?: string }) {
  const h = await hashPassword('pw');
  const config = parseConsoleConfig(`console.users=ops:${h}:admin`, 'test', {
    port: o.port ?? 0,
    dataDir: tempDir(),
    namesrvAddrs: ['127.0.0.1:1'], // nothing listens there
    ...(o.basePath ? { basePath: o.basePath } : {}),
  });
  const c: RunningConsole = await startConsoleServer({
    config,
    logger: silentLogger(),
    webRoot: o.webRoot ?? join(tempDir(), 'missing'),
    nextFreePorts: o.next ?? 0,
  });
  cleanups.push(() => c.close());
  return c;
}

function occupy(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
      resolve({ server, port });
    });
  });
}

describe('console server', () => {
  it('moves to a next free port when asked to, and fails on a busy port otherwise', async () => {
    const { port } = await occupy();
    await expect(start({ port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    const c = await start({ port, next: 20 });
    expect(c.port).toBeGreaterThan(port);
    expect(c.url).toBe(`http://127.0.0.1:${c.port}/`);
  });

  it('serves a page saying how to build the app, and JSON errors elsewhere', async () => {
    const c = await start({});
    const page = await fetch(c.url);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('npm run build');
    const missing = await fetch(new URL('api/nope', c.url));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'NOT_FOUND' });
    const badJson = await fetch(new URL('api/login', c.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    const bad = (await badJson.json()) as { code: string };
    expect([badJson.status, bad.code]).toEqual([400, 'BAD_REQUEST']);
  });

  it('serves the built app under the base path', async () => {
    const web = tempDir();
    mkdirSync(join(web, 'assets'));
    writeFileSync(join(web, 'index.html'), '<div id="root"></div>');
    writeFileSync(join(web, 'assets', 'app.js'), 'console.log(1)');
    const c = await start({ basePath: '/rocketmq', webRoot: web });
    expect(c.url).toMatch(/\/rocketmq\/$/);
    const index = await fetch(c.url);
    expect(await index.text()).toBe('<div id="root"></div>');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const asset = await fetch(new URL('assets/app.js', c.url));
    expect(await asset.text()).toBe('console.log(1)');
    expect(asset.headers.get('cache-control')).toMatch(/immutable/);
  });

  it('answers 502 UPSTREAM when the cluster does not answer', async () => {
    const c = await start({});
    const login = await fetch(new URL('api/login', c.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ops', password: 'pw' }),
    });
    const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
    const r = await fetch(new URL('api/cluster', c.url), { headers: { cookie } });
    expect(r.status).toBe(502);
    expect(await r.json()).toMatchObject({ code: 'UPSTREAM' });
  });
});
