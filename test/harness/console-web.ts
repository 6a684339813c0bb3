// What every browser test file of the console needs, once: a real cluster and a `kitemq console`
// in front of it with one read-only user beside the generated admin, a browser per test already
// signed in, and the page moves the tests repeat (open a page from the nav, click refresh until
// the page shows a state).
//
//   const web = useConsoleWeb({ label: 'console-web-x', cluster: { topics: [...] } });
//   it('...', async (ctx) => {
//     const b = await web.asAdmin(ctx);
//     await nav(b, 'topics');
//   });
//
// Called at the top level of a file (or a describe), like useCluster, whose hooks it registers
// first: the console starts after the cluster and stops before it, and clients given to
// closeAfterAll() are shut down before the console.
import { afterAll, beforeAll } from 'vitest';
import { type BrowserHandle, browserForTest, logIn } from './browser.js';
import { type Cluster, type ClusterOptions, useCluster } from './cluster.js';
import { type ConsoleHandle, type ConsoleUserSpec, startConsole } from './console.js';
import { pollUntil } from './poll.js';

/** Sends, offsets, routes and half messages reach the console's answers a moment later. */
export const SHOWN_TIMEOUT_MS = 60_000;

export type TestCtx = Parameters<typeof browserForTest>[0];

export interface ConsoleWebOptions {
  /** Names the file in the line that says where a failure's screenshots are. */
  label: string;
  cluster?: ClusterOptions;
  /** The read-only user's password; each file has its own, so a leaked one names its file. */
  viewerPassword?: string;
}

export interface ConsoleWeb {
  readonly cluster: Cluster;
  /** The running console; read it once beforeAll has run. */
  readonly server: ConsoleHandle;
  readonly viewer: ConsoleUserSpec;
  /** A fresh browser for this test, not signed in. */
  browser(ctx: TestCtx): Promise<BrowserHandle>;
  asAdmin(ctx: TestCtx): Promise<BrowserHandle>;
  asViewer(ctx: TestCtx): Promise<BrowserHandle>;
  /** Shut down in afterAll, before the console and the cluster stop. */
  closeAfterAll(c: { shutdown(): Promise<void> }): void;
}

export function useConsoleWeb(opts: ConsoleWebOptions): ConsoleWeb {
  const cluster = useCluster(opts.cluster ?? {});
  const viewer: ConsoleUserSpec = {
    name: 'viewer',
    password: opts.viewerPassword ?? `viewer-${opts.label}`,
    role: 'read-only',
  };
  let server: ConsoleHandle | undefined;
  const toClose: { shutdown(): Promise<void> }[] = [];
  beforeAll(async () => {
    server = await startConsole({ namesrvAddr: cluster.namesrvAddr, users: [viewer] });
  });
  afterAll(async () => {
    for (const c of toClose.splice(0)) await c.shutdown();
    await server?.stop();
  });
  const running = () => {
    if (!server) throw new Error(`${opts.label}: the console is read before beforeAll started it`);
    return server;
  };
  const signedIn = async (ctx: TestCtx, user: string, password: string) => {
    const b = await browserForTest(ctx, opts.label);
    await logIn(b, running().url, user, password);
    return b;
  };
  return {
    cluster,
    get server() {
      return running();
    },
    viewer,
    browser: (ctx) => browserForTest(ctx, opts.label),
    asAdmin: (ctx) => signedIn(ctx, 'admin', running().adminPassword),
    asViewer: (ctx) => signedIn(ctx, viewer.name, viewer.password),
    closeAfterAll: (c) => {
      toClose.push(c);
    },
  };
}

/** Opens one of the shell's pages from the nav (page is its route: 'topics', 'dlq', …). */
export const nav = (b: BrowserHandle, page: string) =>
  b.page.getByTestId('nav').locator(`a[href="#/${page}"]`).click();

/** The page's own refresh button, as an act for refreshUntil. */
export const refresh = (b: BrowserHandle) => () => b.page.getByTestId('refresh').click();

/** Runs act (a refresh click) until get() satisfies done, and hands back the last value. */
export async function refreshUntil<T>(
  get: () => Promise<T>,
  done: (v: T) => boolean,
  act: () => Promise<unknown>,
  timeoutMs = SHOWN_TIMEOUT_MS,
): Promise<T> {
  return pollUntil(
    async () => {
      const v = await get();
      if (!done(v)) await act();
      return v;
    },
    done,
    timeoutMs,
    500,
  );
}
