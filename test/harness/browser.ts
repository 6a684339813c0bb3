// A real browser for the console's page tests: Debian's Chromium driven by playwright-core,
// which never downloads a browser (CHROMIUM_PATH overrides /usr/bin/chromium; .ci/run installs
// the package when it is missing). Each launch gets a fresh profile in a temp dir, so no cookie,
// localStorage or cache leaks between tests, and the dir doubles as the place for failure
// screenshots. Chromium's own network chatter (updates, sync, QUIC probes) is switched off:
// the tests talk to loopback only.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

/** Playwright's own default per action; the machine is small and shared, so allow more. */
const ACTION_TIMEOUT_MS = 30_000;

export interface BrowserHandle {
  readonly context: BrowserContext;
  /** The first tab, opened with the browser. */
  readonly page: Page;
  /** The profile dir (--user-data-dir); screenshots go here too. Removed by close() unless kept. */
  readonly dir: string;
  /** Saves a full-page PNG of every open tab into dir and returns their paths. */
  screenshot(name: string): Promise<string[]>;
  close(opts?: { keepDir?: boolean }): Promise<void>;
}

export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(
      `no Chromium at ${path}: apt-get install -y chromium (as .ci/run does), ` +
        'or set CHROMIUM_PATH to a Chromium binary',
    );
  }
  return path;
}

export async function launchBrowser(
  opts: { locale?: string; viewport?: { width: number; height: number } } = {},
): Promise<BrowserHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'kitemq-browser-'));
  let context: BrowserContext;
  try {
    // launchPersistentContext is how Playwright takes a --user-data-dir (it refuses the flag).
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: chromiumPath(),
      headless: true,
      args: [...CHROMIUM_FLAGS],
      locale: opts.locale ?? 'en-US',
      viewport: opts.viewport ?? { width: 1400, height: 900 },
    });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  const page = context.pages()[0] ?? (await context.newPage());
  let shots = 0;
  return {
    context,
    page,
    dir,
    async screenshot(name) {
      const paths: string[] = [];
      for (const p of context.pages()) {
        const path = join(dir, `${name}-${++shots}.png`);
        await p.screenshot({ path, fullPage: true }).then(
          () => paths.push(path),
          () => {},
        );
      }
      return paths;
    },
    async close(closeOpts = {}) {
      await context.close().catch(() => {});
      if (closeOpts.keepDir !== true) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A browser for one test, closed when it finishes; a failed test first saves a screenshot of
 * every tab and keeps the dir, printing where (label names the suite in that line).
 */
export async function browserForTest(
  ctx: { onTestFinished(fn: (c: { task: { result?: { state?: string } } }) => unknown): void },
  label: string,
): Promise<BrowserHandle> {
  const b = await launchBrowser();
  ctx.onTestFinished(async ({ task }) => {
    const failed = task.result?.state === 'fail';
    if (failed) {
      const shots = await b.screenshot('failure');
      console.error(`${label}: screenshots of the failure: ${shots.join(', ')}`);
    }
    await b.close({ keepDir: failed });
  });
  return b;
}

/** Signs in through the console's login form and waits until the shell shows the user. */
export async function logIn(b: BrowserHandle, url: string, user: string, password: string) {
  await b.page.goto(url);
  await b.page.locator('input[name=username]').fill(user);
  await b.page.locator('input[name=password]').fill(password);
  await b.page.locator('[data-testid=login-form] button[type=submit]').click();
  await b.page.getByTestId('user-name').filter({ hasText: user }).waitFor();
}
