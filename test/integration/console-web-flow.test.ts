// The console's operator flow, end to end in Chromium against a real name server, broker and
// console, with our SDK's consumers started here: log in, create a topic, send a message from
// the page, find it by key, watch the group's lag reach 0, reset its offset to before the send
// (preview, then confirm) and see the running consumer take the message again, resend a
// dead letter; a read-only user's write buttons are disabled; bad input in a form gets a clear
// message and changes nothing (checked with the admin client, not the page). Waiting is on what
// the page shows or what a consumer got, re-read after a refresh click, never on time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../../src/client/admin.js';
import type { PushConsumer } from '../../src/client/push-consumer.js';
import { silentLogger } from '../../src/common/logger.js';
import type { BrowserHandle } from '../harness/browser.js';
import {
  nav,
  refresh,
  refreshUntil,
  SHOWN_TIMEOUT_MS,
  useConsoleWeb,
} from '../harness/console-web.js';
import { uniqueName } from '../harness/names.js';
import { pollUntil } from '../harness/poll.js';
import { pushConsumer, quietPushConsumer, sendMessages } from '../harness/sdk.js';

const topic = uniqueName('WebFlow');
const group = uniqueName('WebFlowCG');
const key = uniqueName('flow-key');
const dlqTopic = uniqueName('WebFlowDlq');
const dlqGroup = uniqueName('WebFlowDlqCG');

/** A datetime-local value for ms, computed in the page so it uses the browser's time zone. */
const localInput = (b: BrowserHandle, ms: number) =>
  b.page.evaluate((t) => {
    const d = new Date(t);
    const p = (n: number) => String(n).padStart(2, '0');
    const date = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
    return `${date}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  }, ms);

/** A consumer of group on topic from its first offset, its bodies collected in seen. */
async function startCollector(namesrvAddr: string, seen: string[]): Promise<PushConsumer> {
  const c = pushConsumer(namesrvAddr, group, {
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    persistConsumerOffsetInterval: 500,
  });
  c.subscribe(topic, '*').registerMessageListener((msgs) => {
    for (const m of msgs) seen.push(m.body.toString());
    return 'CONSUME_SUCCESS';
  });
  await c.start();
  return c;
}

describe('the console flow in Chromium', () => {
  const web = useConsoleWeb({
    label: 'console-web-flow',
    cluster: {
      // Retries come back after 1 s, so a message reaches the DLQ quickly.
      brokerConfig: { messageDelayLevel: '1s 1s 1s 1s 1s 1s' },
      topics: [{ name: dlqTopic, queues: 1 }],
    },
  });
  const { cluster } = web;
  let admin: AdminClient | undefined;
  /** Before the page's send: a reset to this time puts the message back in the backlog. */
  let beforeSendMs = 0;

  beforeAll(() => {
    admin = new AdminClient({ namesrvAddr: cluster.namesrvAddr, logger: silentLogger() });
  });
  afterAll(() => {
    admin?.close();
  });
  const offsetsOf = (queues: number[]) =>
    Promise.all(queues.map((q) => admin!.queryConsumerOffset(cluster.brokerAddr, group, topic, q)));

  it('creates a topic, sends a keyed message from the page and finds it by key', async (ctx) => {
    const b = await web.asAdmin(ctx);
    const page = b.page;
    await nav(b, 'topics');
    await page.getByTestId('create-topic').click();
    const form = page.getByTestId('create-topic-form');
    await form.locator('input[name=topic]').fill(topic);
    await form.locator('input[name=readQueueNums]').fill('2');
    await form.locator('input[name=writeQueueNums]').fill('2');
    await page.getByTestId('create-submit').click();
    await form.waitFor({ state: 'detached' });
    const row = page.locator(`[data-testid=topics-table] tr[data-topic="${topic}"]`);
    expect(
      await refreshUntil(
        () => row.count(),
        (n) => n === 1,
        refresh(b),
      ),
    ).toBe(1);
    expect(await row.textContent()).toContain('2 / 2');

    beforeSendMs = Date.now() - 1_000;
    await row.getByTestId('topic-send').click();
    const send = page.getByTestId('send-form');
    await send.locator('textarea[name=body]').fill('hello from the page');
    await send.locator('input[name=tag]').fill('TagFlow');
    await send.locator('input[name=keys]').fill(key);
    // The broker's new route reaches the console's producer a moment after the create.
    const sent = page.getByTestId('sent-msgid');
    const n = await refreshUntil(
      () => sent.count(),
      (c) => c === 1,
      () => page.getByTestId('send-submit').click(),
    );
    expect(n).toBe(1);
    const msgId = (await sent.textContent()) ?? '';
    expect(msgId).toMatch(/^[0-9A-F]{32}$/);
    await page.keyboard.press('Escape');

    await nav(b, 'messages');
    await page.getByTestId('msg-mode').getByText('By key').click();
    const search = page.getByTestId('msg-search-form');
    await search.locator('input[name=topic]').fill(topic);
    await search.locator('input[name=key]').fill(key);
    const found = page.locator(`[data-testid=messages-table] tr[data-msgid="${msgId}"]`);
    expect(
      await refreshUntil(
        () => found.count(),
        (c) => c === 1,
        () => page.getByTestId('msg-search').click(),
      ),
    ).toBe(1);
    expect(await found.textContent()).toContain('TagFlow');
  });

  it("sees the group's lag reach 0, resets it to before the send and consumes again", async (ctx) => {
    const seen: string[] = [];
    const first = await startCollector(cluster.namesrvAddr, seen);
    expect(
      await pollUntil(
        () => seen,
        (s) => s.length === 1,
        SHOWN_TIMEOUT_MS,
      ),
    ).toEqual(['hello from the page']);
    const b = await web.asAdmin(ctx);
    const page = b.page;
    await page.goto(`${web.server.url}#/groups/${group}`);
    const lag = page.getByTestId('group-diff-total');
    expect(
      await refreshUntil(
        () => lag.textContent(),
        (t) => t === '0',
        refresh(b),
      ),
    ).toBe('0');
    // The consumer stays online: the reset must reach it while it runs (PULL_OFFSET_MOVED on
    // its next pull), and its own commits must not put the old offset back.
    web.closeAfterAll(first);
    const committed = await offsetsOf([0, 1]);
    // One queue holds the message (committed 1); the other is 0, or -1 if never committed.
    expect(Math.max(...committed)).toBe(1);

    await page.getByTestId('group-reset').click();
    const reset = page.getByTestId('reset-form');
    await reset.locator('input[name=topic]').fill(topic);
    await reset.locator('input[name=resetTime]').fill(await localInput(b, beforeSendMs));
    await page.getByTestId('reset-preview-button').click();
    const preview = page.getByTestId('reset-preview');
    await preview.waitFor();
    expect(await preview.locator('[data-testid=new-offset]').allTextContents()).toEqual(['0', '0']);
    expect(await offsetsOf([0, 1])).toEqual(committed);
    await page.getByTestId('reset-confirm').click();
    await page.getByTestId('reset-done').waitFor();
    await page.keyboard.press('Escape');

    const again = await pollUntil(
      () => seen,
      (s) => s.length === 2,
      SHOWN_TIMEOUT_MS,
    );
    expect(again).toEqual(['hello from the page', 'hello from the page']);
    // The running consumer commits past the message again, and the page shows it.
    const recommitted = await pollUntil(
      () => offsetsOf([0, 1]),
      (o) => Math.max(...o) === 1,
      SHOWN_TIMEOUT_MS,
    );
    expect(Math.max(...recommitted)).toBe(1);
    expect(
      await refreshUntil(
        () => lag.textContent(),
        (t) => t === '0',
        refresh(b),
      ),
    ).toBe('0');
  });

  it('resends a dead letter from the dead-letter page', async (ctx) => {
    const failing = quietPushConsumer(cluster.namesrvAddr, dlqGroup, {
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      maxReconsumeTimes: 1,
    });
    failing.subscribe(dlqTopic, '*').registerMessageListener(() => 'RECONSUME_LATER');
    await failing.start();
    await sendMessages(cluster.namesrvAddr, [{ topic: dlqTopic, body: 'poison' }]);
    const b = await web.asAdmin(ctx);
    const page = b.page;
    await nav(b, 'dlq');
    const listed = page.locator(`[data-testid=dlq-groups] tr[data-group="${dlqGroup}"]`);
    expect(
      await refreshUntil(
        () => listed.count(),
        (c) => c === 1,
        refresh(b),
      ),
    ).toBe(1);
    await failing.shutdown();

    const seen: string[] = [];
    const healed = pushConsumer(cluster.namesrvAddr, dlqGroup, {
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    });
    healed.subscribe(dlqTopic, '*').registerMessageListener((msgs) => {
      for (const m of msgs) seen.push(m.body.toString());
      return 'CONSUME_SUCCESS';
    });
    await healed.start();
    web.closeAfterAll(healed);
    await listed.getByRole('button', { name: dlqGroup }).click();
    const dead = page.locator('[data-testid=dlq-table] tr[data-msgid]');
    await dead.first().waitFor();
    await dead.first().getByRole('checkbox').check();
    await page.getByTestId('dlq-resend-selected').click();
    expect(await page.getByTestId('resend-outcome').textContent()).toContain('Resent 1');
    expect(
      await pollUntil(
        () => seen,
        (s) => s.length > 0,
        SHOWN_TIMEOUT_MS,
      ),
    ).toEqual(['poison']);
  });

  it('a read-only user sees every topic and group write button disabled', async (ctx) => {
    const b = await web.asViewer(ctx);
    const page = b.page;
    await nav(b, 'topics');
    const row = page.locator(`[data-testid=topics-table] tr[data-topic="${topic}"]`);
    await page.getByTestId('topic-search').fill(topic);
    await row.waitFor();
    expect(await page.getByTestId('create-topic').isDisabled()).toBe(true);
    expect(await row.getByTestId('topic-edit').isDisabled()).toBe(true);
    expect(await row.getByTestId('topic-send').isDisabled()).toBe(true);
    await nav(b, 'groups');
    expect(await page.getByTestId('create-group').isDisabled()).toBe(true);
    await page.goto(`${web.server.url}#/groups/${group}`);
    await page.getByTestId('group-queues').waitFor();
    for (const id of ['group-edit', 'group-reset', 'group-skip']) {
      expect(await page.getByTestId(id).isDisabled(), id).toBe(true);
    }
  });

  it('refuses an illegal name, a negative queue count and a future reset; nothing changes', async (ctx) => {
    const b = await web.asAdmin(ctx);
    const page = b.page;
    const problems = page.getByTestId('form-problems');
    await nav(b, 'topics');
    await page.getByTestId('create-topic').click();
    const form = page.getByTestId('create-topic-form');
    const illegal = `${uniqueName('WebBad')}#1`;
    await form.locator('input[name=topic]').fill(illegal);
    await page.getByTestId('create-submit').click();
    expect(await problems.textContent()).toContain('"#" is not allowed');

    const negative = uniqueName('WebNegative');
    await form.locator('input[name=topic]').fill(negative);
    await form.locator('input[name=readQueueNums]').fill('-3');
    await page.getByTestId('create-submit').click();
    await problems.filter({ hasText: 'Read queues: -3 is not allowed' }).waitFor();

    // A system name passes the browser's check; the server's problem line is shown instead.
    const system = `rmq_sys_${uniqueName('WebSys')}`;
    await form.locator('input[name=topic]').fill(system);
    await form.locator('input[name=readQueueNums]').fill('2');
    await page.getByTestId('create-submit').click();
    await page.locator('[data-testid=form-problems][data-source=server]').waitFor();
    const topics = await admin!.getAllTopics();
    for (const t of [illegal, negative, system]) expect(topics).not.toContain(t);
    await page.keyboard.press('Escape');

    const before = await offsetsOf([0, 1]);
    await page.goto(`${web.server.url}#/groups/${group}`);
    await page.getByTestId('group-reset').click();
    const reset = page.getByTestId('reset-form');
    await reset.locator('input[name=topic]').fill(topic);
    const tomorrow = Date.now() + 86_400_000;
    await reset.locator('input[name=resetTime]').fill(await localInput(b, tomorrow));
    await page.getByTestId('reset-preview-button').click();
    expect(await problems.textContent()).toContain('Reset time is in the future');
    expect(await page.getByTestId('reset-confirm').isDisabled()).toBe(true);
    expect(await offsetsOf([0, 1])).toEqual(before);
  });

  it('shows the 429 line after too many failed logins for one user', async (ctx) => {
    const b = await web.browser(ctx);
    const page = b.page;
    const user = uniqueName('guesser');
    await page.goto(web.server.url);
    const error = page.getByTestId('login-error');
    // The server counts the failures; the sixth try within its window is refused with a wait.
    const throttled = await pollUntil(
      async () => {
        await page.locator('input[name=username]').fill(user);
        await page.locator('input[name=password]').fill('wrong');
        await page.locator('[data-testid=login-form] button[type=submit]').click();
        await error.waitFor();
        await page
          .locator('[data-testid=login-form] button[type=submit]:not([data-loading])')
          .waitFor();
        return error.getAttribute('data-throttled');
      },
      (t) => t === 'true',
      SHOWN_TIMEOUT_MS,
    );
    expect(throttled).toBe('true');
    expect(await error.textContent()).toMatch(new RegExp(`too many failed logins for ${user}`));
  });
});
