// The console web app in a real browser (Chromium via test/harness/browser.ts) against a real
// console server, name server and broker. Waiting is on what the page shows (locators wait,
// pollUntil re-reads), never on time. A failing test leaves a screenshot of every tab in its
// browser's temp dir and prints the path.
import { describe, expect, it } from 'vitest';
import { type BrowserHandle, logIn } from '../harness/browser.js';
import { startConsole } from '../harness/console.js';
import { nav, refresh, refreshUntil, useConsoleWeb } from '../harness/console-web.js';
import { uniqueName } from '../harness/names.js';
import { pollUntil } from '../harness/poll.js';

/** Writes reach the name server's routes a moment after the API answers. */
const LISTED_TIMEOUT_MS = 30_000;

/** Clicks the page's refresh until the locator matches count rows (the list is re-read). */
const rowsUntil = (b: BrowserHandle, selector: string, count: number) =>
  refreshUntil(
    () => b.page.locator(selector).count(),
    (n) => n === count,
    refresh(b),
    LISTED_TIMEOUT_MS,
  );

/** The env picker's option for one name server list ("<id> · <addr>"), matched whole. */
const envLabel = (addr: string) => new RegExp(` · ${addr.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

const schemeOf = (b: BrowserHandle) =>
  b.page.locator('html').getAttribute('data-mantine-color-scheme');

describe('console web app in Chromium', () => {
  const web = useConsoleWeb({ label: 'console-web', cluster: { spareNamesrv: true } });
  const { cluster } = web;

  it('an admin sees the broker, switches language and scheme, creates and deletes a topic', async (ctx) => {
    const b = await web.asAdmin(ctx);
    const page = b.page;
    await nav(b, 'cluster');

    const row = page.getByTestId(`broker-${cluster.broker.brokerName}-0`);
    await row.waitFor();
    expect(await row.textContent()).toContain(cluster.brokerAddr);
    expect(await page.getByTestId('role').textContent()).toMatch(/admin/i);

    await page.getByTestId('lang-switch').getByText('中文').click();
    await page.getByRole('heading', { level: 2, name: '集群' }).waitFor();
    expect(await page.getByTestId('nav').textContent()).toContain('消费组');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await page.reload();
    await page.getByRole('heading', { level: 2, name: '集群' }).waitFor();
    await page.getByTestId('lang-switch').getByText('English').click();
    await page.getByRole('heading', { level: 2, name: 'Cluster' }).waitFor();

    expect(await schemeOf(b)).toBe('light');
    await page.getByTestId('scheme-switch').click();
    expect(
      await pollUntil(
        () => schemeOf(b),
        (s) => s === 'dark',
        10_000,
      ),
    ).toBe('dark');

    await nav(b, 'topics');
    await page.getByRole('heading', { level: 2, name: 'Topics' }).waitFor();
    const topic = uniqueName('ConsoleWeb');
    await page.getByTestId('create-topic').click();
    await page.locator('[data-testid=create-topic-form] input[name=topic]').fill(topic);
    await page.getByTestId('create-submit').click();
    await page.getByTestId('create-topic-form').waitFor({ state: 'detached' });
    const listed = `[data-testid=topics-table] tr[data-topic="${topic}"]`;
    expect(await rowsUntil(b, listed, 1)).toBe(1);

    await page.locator(listed).getByRole('button', { name: 'Delete' }).click();
    const preview = page.getByTestId('delete-preview');
    await preview.waitFor();
    expect(await preview.textContent()).toContain(cluster.broker.brokerName);
    expect(Number(await page.getByTestId('preview-queues').textContent())).toBeGreaterThan(0);
    await page.getByTestId('confirm-delete').click();
    await preview.waitFor({ state: 'detached' });
    expect(await rowsUntil(b, listed, 0)).toBe(0);

    await nav(b, 'audit');
    const audit = page.getByTestId('audit-table');
    await audit.waitFor();
    const logged = await audit.locator('tr', { hasText: topic }).allTextContents();
    expect(logged.join('\n')).toMatch(/topic\.delete[\s\S]*topic\.create/);

    await page.getByTestId('logout').click();
    await page.getByTestId('login-form').waitFor();
    await page.reload();
    await page.getByTestId('login-form').waitFor();
  });

  it('a read-only user sees write buttons disabled, and a lost session goes back to login', async (ctx) => {
    const b = await web.asViewer(ctx);
    const page = b.page;
    expect(await page.getByTestId('role').textContent()).toMatch(/read-only/i);
    await nav(b, 'topics');
    const create = page.getByTestId('create-topic');
    await create.waitFor();
    expect(await create.isDisabled()).toBe(true);

    await b.context.clearCookies();
    await page.getByTestId('refresh').click();
    await page.getByTestId('login-form').waitFor();
  });

  it('works behind a reverse proxy base path, with an environment per cluster', async (ctx) => {
    const proxied = await startConsole({
      namesrvAddr: [cluster.namesrvAddr, cluster.spareNamesrv.addr],
      basePath: '/rocketmq/',
    });
    // Registered first so it runs last: the browser's keep-alive connection closes before.
    ctx.onTestFinished(() => proxied.stop());
    const b = await web.browser(ctx);
    const page = b.page;
    expect(new URL(proxied.url).pathname).toBe('/rocketmq/');
    await logIn(b, proxied.url, 'admin', proxied.adminPassword);
    await nav(b, 'cluster');
    const row = page.getByTestId(`broker-${cluster.broker.brokerName}-0`);
    await row.waitFor();

    // The spare name server has no broker: its environment shows an empty cluster.
    await page.getByTestId('env-picker').click();
    await page.getByRole('option', { name: envLabel(cluster.spareNamesrv.addr) }).click();
    await row.waitFor({ state: 'detached' });
    expect(await page.getByTestId('namesrvs').textContent()).toContain(cluster.spareNamesrv.addr);
    await page.getByTestId('env-picker').click();
    await page.getByRole('option', { name: envLabel(cluster.namesrvAddr) }).click();
    await row.waitFor();
  });
});
