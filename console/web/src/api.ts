// One way to call the console API. The base is found from the page's own URL, so the same
// build works at / and behind a proxy at /rocketmq/. Writes carry the session's CSRF token
// (kept in memory only: a script that can read localStorage must not find it there). Any 401
// hands control back to the shell, which shows the login page.

export const apiBase = (): URL => new URL('api/', document.baseURI);

export type ApiErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'CSRF'
  | 'BAD_REQUEST'
  | 'NOT_FOUND'
  | 'UPSTREAM'
  | 'RATE_LIMITED'
  | 'NETWORK';

/** A refused or failed call; message is the server's one line a person can act on. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ApiErrorCode;
  /** A refused form's lines, one per bad field (a 400 may carry them). */
  readonly problems: readonly string[];
  constructor(status: number, code: ApiErrorCode, message: string, problems: string[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.problems = problems;
  }
}

type Query = Record<string, string | readonly string[] | undefined>;

interface CallState {
  csrfToken: string | null;
  onUnauthenticated: () => void;
}

const state: CallState = { csrfToken: null, onUnauthenticated: () => {} };

export function setCsrfToken(token: string | null): void {
  state.csrfToken = token;
}

export function onUnauthenticated(handler: () => void): void {
  state.onUnauthenticated = handler;
}

/** An API URL for a plain link (a download): the session cookie goes with it, no CSRF needed. */
export function urlFor(path: string, query?: Query): URL {
  const url = new URL(path, apiBase());
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    for (const v of typeof value === 'string' ? [value] : value) url.searchParams.append(key, v);
  }
  return url;
}

/** A proxy's own error page is HTML, not JSON: treat it as no body, and keep the status. */
function parseJson(text: string): unknown {
  try {
    return text === '' ? null : JSON.parse(text);
  } catch {
    return null;
  }
}

export async function call<T>(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  opts: { query?: Query; body?: unknown } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && state.csrfToken !== null) headers['x-csrf-token'] = state.csrfToken;
  let res: Response;
  try {
    res = await fetch(urlFor(path, opts.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
  } catch (e) {
    throw new ApiError(0, 'NETWORK', e instanceof Error ? e.message : String(e));
  }
  const json = parseJson(await res.text());
  if (res.ok) return json as T;
  const err = (json ?? {}) as { error?: string; code?: ApiErrorCode; problems?: unknown };
  // login answers 401 for a wrong password: that is the login form's error, not a lost session.
  if (res.status === 401 && path !== 'login') state.onUnauthenticated();
  const problems = Array.isArray(err.problems) ? err.problems.map(String) : [];
  throw new ApiError(
    res.status,
    err.code ?? 'UPSTREAM',
    err.error ?? `HTTP ${res.status}`,
    problems,
  );
}
