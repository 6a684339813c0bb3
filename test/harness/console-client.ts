// A browser-like client of the console's JSON API for integration tests: it keeps the session
// cookie as a browser would and sends the CSRF token on the writes that should carry it, so a
// test can also send a write without it (call) and see the refusal.

// biome-ignore lint/suspicious/noExplicitAny: API answers are checked field by field
export type Json = any;

export interface ApiAnswer {
  status: number;
  json: Json;
  headers: Headers;
  setCookie: string | null;
}

export class ConsoleClient {
  cookie = '';
  csrf = '';
  readonly base: string;

  constructor(base: string) {
    this.base = base;
  }

  /** A client already logged in as `user`; throws when the login is refused. */
  static async as(base: string, user: { name: string; password: string }): Promise<ConsoleClient> {
    const c = new ConsoleClient(base);
    const r = await c.login(user.name, user.password);
    if (r.status !== 200)
      throw new Error(`login as ${user.name}: ${r.status} ${JSON.stringify(r.json)}`);
    return c;
  }

  /** The fetch Response itself (downloads), with the session cookie kept. */
  async raw(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const h: Record<string, string> = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (body !== undefined) h['content-type'] = 'application/json';
    const res = await fetch(new URL(path, this.base), {
      method,
      headers: h,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0]!;
    return res;
  }

  /** One request as given: no CSRF header unless `headers` has one. */
  async call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiAnswer> {
    const res = await this.raw(method, path, body, headers);
    const text = await res.text();
    return {
      status: res.status,
      json: text ? JSON.parse(text) : undefined,
      headers: res.headers,
      setCookie: res.headers.get('set-cookie'),
    };
  }

  async login(username: string, password: string): Promise<ApiAnswer> {
    const r = await this.call('POST', 'api/login', { username, password });
    if (r.status === 200) this.csrf = r.json.csrfToken;
    return r;
  }

  get = (path: string) => this.call('GET', path);
  /** GET, answering the JSON body alone (for polls that only read). */
  getJson = async (path: string): Promise<Json> => (await this.get(path)).json;
  /** A write as the web app sends it: with the session's CSRF token. */
  write = (method: string, path: string, body?: unknown) =>
    this.call(method, path, body, { 'x-csrf-token': this.csrf });
  post = (path: string, body?: unknown) => this.write('POST', path, body);
  put = (path: string, body?: unknown) => this.write('PUT', path, body);
  del = (path: string) => this.write('DELETE', path);
}
