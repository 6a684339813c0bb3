import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, call, onUnauthenticated, setCsrfToken, urlFor } from './api.js';

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

let sent: Sent[] = [];
let reply: () => Response;

beforeEach(() => {
  sent = [];
  reply = () => new Response('{"ok":true}', { status: 200 });
  vi.stubGlobal('document', { baseURI: 'http://127.0.0.1:8082/rocketmq/index.html' });
  vi.stubGlobal('fetch', async (url: URL, init: RequestInit) => {
    const headers = init.headers as Record<string, string>;
    sent.push({ url: url.href, method: init.method ?? 'GET', headers, body: init.body as string });
    return reply();
  });
  setCsrfToken(null);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('console API calls', () => {
  it('resolve under the page base path, with repeated query keys', async () => {
    await call('GET', 'topics', { query: { env: 'a', q: undefined, kind: ['retry', 'dlq'] } });
    expect(sent[0]?.url).toBe(
      'http://127.0.0.1:8082/rocketmq/api/topics?env=a&kind=retry&kind=dlq',
    );
  });

  it('send the CSRF token on writes only', async () => {
    setCsrfToken('tok-1');
    await call('GET', 'session');
    await call('DELETE', 'topics/T1', { query: { env: 'a' } });
    expect(sent[0]?.headers['x-csrf-token']).toBeUndefined();
    expect(sent[1]?.headers['x-csrf-token']).toBe('tok-1');
  });

  it('carry the server error line and code, and hand a 401 to the shell', async () => {
    const lost = vi.fn();
    onUnauthenticated(lost);
    reply = () =>
      new Response('{"error":"log in again","code":"UNAUTHENTICATED"}', { status: 401 });
    const err = await call('GET', 'cluster').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', message: 'log in again' });
    expect(lost).toHaveBeenCalledTimes(1);
    // A wrong password is the login form's business, not a lost session.
    await call('POST', 'login', { body: { username: 'u', password: 'p' } }).catch(() => {});
    expect(lost).toHaveBeenCalledTimes(1);
  });

  it('keep the status when a proxy answers with HTML', async () => {
    reply = () => new Response('<html>Bad Gateway</html>', { status: 502 });
    await expect(call('GET', 'groups')).rejects.toMatchObject({ status: 502, code: 'UPSTREAM' });
  });

  it('carry a refused form its problem lines', async () => {
    reply = () =>
      new Response('{"error":"bad rules","code":"BAD_REQUEST","problems":["rules[0].threshold"]}', {
        status: 400,
      });
    const err = await call('PUT', 'alerts/rules', { body: { rules: [] } }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      status: 400,
      code: 'BAD_REQUEST',
      problems: ['rules[0].threshold'],
    });
    reply = () => new Response('{"error":"no","code":"FORBIDDEN"}', { status: 403 });
    await expect(call('GET', 'dlq')).rejects.toMatchObject({ problems: [] });
  });

  it('build a download link under the base path', () => {
    expect(urlFor('dlq/export', { env: 'a', group: '%DLQ% g' }).href).toBe(
      'http://127.0.0.1:8082/rocketmq/api/dlq/export?env=a&group=%25DLQ%25+g',
    );
  });
});
