// The console's dashboard, messages, dead-letter and alert pages in a real browser
// (Chromium via test/harness/browser.ts) against a real console server, name server and broker,
// fed by our SDK's producers and consumers. Waiting is on what the page shows (locators wait,
// pollUntil re-reads after a refresh click), never on time. A failing test leaves a screenshot
// of every tab in its browser's temp dir and prints the path.
import { describe, expect, it } from 'vitest';
import {
  nav,
  refresh,
  refreshUntil,
  SHOWN_TIMEOUT_MS,
  useConsoleWeb,
} from '../harness/console-web.js';
import { uniqueName } from '../harness/names.js';
import { pollUntil } from '../harness/poll.js';
import { pushConsumer, quietPushConsumer, sendMessages, startProducer } from '../harness/sdk.js';

const topic = uniqueName('WebMsgs');
const dlqTopic = uniqueName('WebDlq');
const dlqGroup = uniqueName('WebDlqCG');

describe('console pages in Chromium', () => {
  const web = useConsoleWeb({
    label: 'console-web-pages',
    cluster: {
      // Retries come back after 1 s, so a message reaches the DLQ quickly.
      brokerConfig: { messageDelayLevel: '1s 1s 1s 1s 1s 1s' },
      topics: [
        { name: topic, queues: 2 },
        { name: dlqTopic, queues: 1 },
      ],
    },
  });
  const { cluster } = web;

  it('lands on the dashboard, which shows the broker and its TPS after sends', async (ctx) => {
    const b = await web.asAdmin(ctx);
    const page = b.page;
    await page.getByRole('heading', { level: 2, name: 'Dashboard' }).waitFor();
    const row = page.getByTestId(`dash-broker-${cluster.broker.brokerName}-0`);
    await row.waitFor();
    expect(await row.textContent()).toContain(cluster.brokerAddr);
    const producer = await startProducer(cluster.namesrvAddr);
    try {
      // Sending goes on while the page is re-read: TPS is a rate over a recent window.
      const tps = await refreshUntil(
        async () => Number(await page.getByTestId('total-in-tps').textContent()),
        (v) => v > 0,
        async () => {
          for (let i = 0; i < 20; i++) await producer.send({ topic, body: `warm ${i}` });
          await refresh(b)();
        },
      );
      expect(tps).toBeGreaterThan(0);
    } finally {
      await producer.shutdown();
    }
  });

  it('queries a topic over the last hour, opens a message and shows its body as hex', async (ctx) => {
    const msgTopic = uniqueName('WebQuery');
    await cluster.createTopic(msgTopic, 2);
    const bodies = ['hello 0', 'hello 1', 'hello 2'];
    await sendMessages(
      cluster.namesrvAddr,
      bodies.map((body, i) => ({ topic: msgTopic, body, keys: [`key-${i}`], tags: 'TagW' })),
    );
    const b = await web.asAdmin(ctx);
    const page = b.page;
    await nav(b, 'messages');
    await page.locator('[data-testid=msg-search-form] input[name=topic]').fill(msgTopic);
    const rows = page.locator('[data-testid=messages-table] tr[data-msgid]');
    const n = await refreshUntil(
      () => rows.count(),
      (c) => c === bodies.length,
      () => page.getByTestId('msg-search').click(),
    );
    expect(n).toBe(bodies.length);
    expect(await page.getByTestId('scanned').textContent()).toBe('Scanned 2 of 2 queues');

    const first = rows.first();
    await first.getByRole('button').first().click();
    const detail = page.getByTestId('message-detail');
    await detail.waitFor();
    const keys = detail.locator('[data-testid=msg-properties] tr[data-property=KEYS]');
    expect(await keys.textContent()).toMatch(/key-\d/);
    expect(await page.getByTestId('msg-body').getAttribute('data-view')).toBe('text');
    await page.getByTestId('body-view').getByText('Hex').click();
    const hex = page.locator('[data-testid=msg-body][data-view=hex]');
    await hex.waitFor();
    // "hello " is 68 65 6c 6c 6f 20, and every body here starts with it.
    expect(await hex.textContent()).toContain('68 65 6c 6c 6f 20');
  });

  it('lists a group whose message exhausted its retries, and resends it', async (ctx) => {
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

    const seen: { topic: string; body: string }[] = [];
    const healed = pushConsumer(cluster.namesrvAddr, dlqGroup, {
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    });
    healed.subscribe(dlqTopic, '*').registerMessageListener((msgs) => {
      for (const m of msgs) seen.push({ topic: m.topic, body: m.body.toString() });
      return 'CONSUME_SUCCESS';
    });
    await healed.start();
    web.closeAfterAll(healed);

    await listed.getByRole('button', { name: dlqGroup }).click();
    const dead = page.locator('[data-testid=dlq-table] tr[data-msgid]');
    await dead.first().waitFor();
    expect(await dead.count()).toBe(1);
    expect(await dead.first().textContent()).toContain(dlqTopic);
    await dead.first().getByRole('checkbox').check();
    await page.getByTestId('dlq-resend-selected').click();
    expect(await page.getByTestId('resend-outcome').textContent()).toContain('Resent 1');
    const got = await pollUntil(
      () => seen,
      (s) => s.length > 0,
      SHOWN_TIMEOUT_MS,
    );
    expect(got).toEqual([{ topic: dlqTopic, body: 'poison' }]);
  });

  it('adds a no-online-consumer rule, sees it firing, also in 中文 and on the dashboard', async (ctx) => {
    const lonely = uniqueName('WebNobodyCG');
    const b = await web.asAdmin(ctx);
    const page = b.page;
    await nav(b, 'alerts');
    await page.getByRole('heading', { level: 2, name: 'Alerts' }).waitFor();
    await page.getByTestId('add-rule').click();
    const rule = page.locator('[data-testid=rules-table] tbody tr').last();
    await rule.getByLabel('Type').click();
    await page.getByRole('option', { name: 'No online consumer' }).click();
    await rule.getByLabel('Target').fill(lonely);
    await rule.getByLabel('For (s)').fill('0');
    await page.getByTestId('save-rules').click();
    await page.getByTestId('rules-saved').waitFor();

    const firing = page.locator(
      '[data-testid=active-alerts] tr[data-type=noOnlineConsumer][data-state=firing]',
      { hasText: lonely },
    );
    expect(
      await refreshUntil(
        () => firing.count(),
        (c) => c === 1,
        refresh(b),
      ),
    ).toBe(1);

    await page.getByTestId('lang-switch').getByText('中文').click();
    await page.getByRole('heading', { level: 2, name: '告警' }).waitFor();
    expect(await firing.textContent()).toContain('已触发');
    expect(await page.getByTestId('nav').textContent()).toContain('死信');
    await page.getByTestId('save-rules').filter({ hasText: '保存规则' }).waitFor();

    await nav(b, 'dashboard');
    await page.getByRole('heading', { level: 2, name: '仪表盘' }).waitFor();
    expect(
      await refreshUntil(
        () => firing.count(),
        (c) => c === 1,
        refresh(b),
      ),
    ).toBe(1);
  });

  // Uses the dead-letter group of the test above.
  it('a read-only user sees the write buttons of these pages disabled', async (ctx) => {
    const b = await web.asViewer(ctx);
    const page = b.page;
    await nav(b, 'alerts');
    const save = page.getByTestId('save-rules');
    await save.waitFor();
    expect(await save.isDisabled()).toBe(true);
    expect(await page.getByTestId('add-rule').isDisabled()).toBe(true);
    // A disabled button takes no pointer events: the tooltip hangs on the span around it.
    await save.locator('xpath=..').hover();
    await page.getByText('Your role is read-only').waitFor();

    await nav(b, 'dlq');
    const listed = page.locator(`[data-testid=dlq-groups] tr[data-group="${dlqGroup}"]`);
    await listed.waitFor();
    await listed.getByRole('button', { name: dlqGroup }).click();
    const all = page.getByTestId('dlq-resend-all');
    await all.waitFor();
    expect(await all.isDisabled()).toBe(true);
  });
});
