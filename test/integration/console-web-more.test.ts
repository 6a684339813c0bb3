// More of the console in Chromium against a real name server, broker and console: a message
// found by the ids the SDK's send returned (its unique id, then its offset id) and opened, a
// group's dead letters exported as the page's download, half messages left UNKNOWN rolled
// back and committed from the transactions page, and a consumer group created and then edited
// from its dialog. What the page did is checked against the
// broker (consume queue offsets) and a consumer of the topic, not only against the page's text.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AdminClient } from '../../src/client/admin.js';
import { allSubscriptionGroups } from '../../src/client/admin-messages.js';
import { TransactionProducer } from '../../src/client/transaction-producer.js';
import { silentLogger } from '../../src/common/logger.js';
import { DLQ_GROUP_TOPIC_PREFIX } from '../../src/message/message.js';
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
import { pushConsumer, quietPushConsumer, startProducer } from '../harness/sdk.js';

const msgTopic = uniqueName('WebById');
const dlqTopic = uniqueName('WebExportDlq');
const dlqGroup = uniqueName('WebExportCG');
const txTopic = uniqueName('WebTxEnd');

/** Searches by one message id and waits for the detail drawer of that message. */
async function openById(b: BrowserHandle, topic: string, id: string) {
  const page = b.page;
  await page.getByTestId('msg-mode').getByText('By message ID').click();
  const form = page.getByTestId('msg-search-form');
  await form.locator('input[name=topic]').fill(topic);
  await form.locator('input[name=id]').fill(id);
  await page.getByTestId('msg-search').click();
  const detail = page.getByTestId('message-detail');
  await detail.waitFor();
  return detail;
}

describe('more console pages in Chromium', () => {
  const web = useConsoleWeb({
    label: 'console-web-more',
    cluster: {
      // Retries come back after 1 s, so a message reaches the DLQ quickly.
      brokerConfig: { messageDelayLevel: '1s 1s 1s 1s 1s 1s' },
      topics: [
        { name: msgTopic, queues: 2 },
        { name: dlqTopic, queues: 1 },
        { name: txTopic, queues: 1 },
      ],
    },
  });
  const { cluster } = web;

  it('finds a message by the unique id and by the offset id its send returned', async (ctx) => {
    const producer = await startProducer(cluster.namesrvAddr);
    const body = `by id ${uniqueName('body')}`;
    const sent = await producer
      .send({ topic: msgTopic, body, tags: 'TagId', properties: { orderNo: 'o-4711' } })
      .finally(() => producer.shutdown());
    expect(sent.msgId).not.toBe(sent.offsetMsgId);
    const b = await web.asAdmin(ctx);
    const page = b.page;
    await nav(b, 'messages');

    for (const id of [sent.msgId, sent.offsetMsgId]) {
      const detail = await openById(b, msgTopic, id);
      const prop = (name: string) =>
        detail.locator(`[data-testid=msg-properties] tr[data-property=${name}] td`).last();
      expect(await prop('UNIQ_KEY').textContent()).toBe(sent.msgId);
      expect(await prop('orderNo').textContent()).toBe('o-4711');
      expect(await prop('TAGS').textContent()).toBe('TagId');
      const facts = await detail.getByTestId('msg-facts').textContent();
      expect(facts).toContain(sent.offsetMsgId);
      const q = sent.messageQueue;
      expect(facts).toContain(`${q.brokerName} / ${q.queueId} / ${sent.queueOffset}`);
      const shown = page.locator('[data-testid=msg-body][data-view=text]');
      expect(await shown.textContent()).toBe(body);
      await page.keyboard.press('Escape');
      await detail.waitFor({ state: 'detached' });
    }
  });

  it("exports a group's dead letters as the page's download", async (ctx) => {
    const failing = quietPushConsumer(cluster.namesrvAddr, dlqGroup, {
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      maxReconsumeTimes: 1,
    });
    failing.subscribe(dlqTopic, '*').registerMessageListener(() => 'RECONSUME_LATER');
    await failing.start();
    ctx.onTestFinished(() => failing.shutdown());
    const producer = await startProducer(cluster.namesrvAddr);
    const sent = await producer
      .send({ topic: dlqTopic, body: 'poison to export' })
      .finally(() => producer.shutdown());
    // The broker's own count of dead letters: the DLQ topic's consume queue.
    const dlq = DLQ_GROUP_TOPIC_PREFIX + dlqGroup;
    const stored = await pollUntil(
      () => cluster.raw.maxOffset(dlq, 0).catch(() => 0),
      (n) => n === 1,
      SHOWN_TIMEOUT_MS,
      200,
    );
    expect(stored).toBe(1);

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
    await listed.getByRole('button', { name: dlqGroup }).click();
    await page.locator('[data-testid=dlq-table] tr[data-msgid]').first().waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('dlq-export').click(),
    ]);
    expect(download.suggestedFilename()).toBe(`dlq-${dlqGroup}.jsonl`);
    const path = await download.path();
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(stored);
    const row = JSON.parse(lines[0]!);
    expect(row.msgId).toBe(sent.msgId);
    expect(row.topic).toBe(dlq);
    expect(row.originTopic).toBe(dlqTopic);
    expect(Buffer.from(row.bodyBase64, 'base64').toString()).toBe('poison to export');
  });

  it('rolls back one half message left UNKNOWN and commits another; only that one is delivered', async (ctx) => {
    const tx = new TransactionProducer({
      namesrvAddr: cluster.namesrvAddr,
      producerGroup: uniqueName('WebTxEndPG'),
      logger: silentLogger(),
      transactionListener: {
        executeLocalTransaction: () => 'UNKNOWN',
        checkLocalTransaction: () => 'UNKNOWN',
      },
    });
    await tx.start();
    ctx.onTestFinished(() => tx.shutdown());
    const rolledBack = await tx.send({ topic: txTopic, body: 'transfer rolled back' }, null);
    const committed = await tx.send({ topic: txTopic, body: 'transfer committed' }, null);
    const seen: string[] = [];
    const consumer = pushConsumer(cluster.namesrvAddr, uniqueName('WebTxEndCG'), {
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    });
    consumer.subscribe(txTopic, '*').registerMessageListener((msgs) => {
      for (const m of msgs) seen.push(m.body.toString());
      return 'CONSUME_SUCCESS';
    });
    await consumer.start();
    web.closeAfterAll(consumer);
    // Half messages wait in the broker's half topic: nothing of txTopic is stored yet.
    expect(await cluster.raw.maxOffset(txTopic, 0)).toBe(0);

    const b = await web.asAdmin(ctx);
    const page = b.page;
    await nav(b, 'transactions');
    const rowOf = (id: string) => page.locator(`[data-testid=tx-pending] tr[data-msgid="${id}"]`);
    const listed = () =>
      Promise.all([
        rowOf(rolledBack.transactionId).count(),
        rowOf(committed.transactionId).count(),
      ]);
    expect(await refreshUntil(listed, (n) => n[0] === 1 && n[1] === 1, refresh(b))).toEqual([1, 1]);

    const resolve = async (id: string, action: 'rollback' | 'commit') => {
      await rowOf(id).getByTestId(`tx-${action}`).click();
      const dialog = page.getByTestId('resolve-dialog');
      await dialog.waitFor();
      await page.getByTestId('resolve-confirm').click();
      await dialog.waitFor({ state: 'detached' });
      expect(
        await refreshUntil(
          () => rowOf(id).count(),
          (c) => c === 0,
          refresh(b),
        ),
      ).toBe(0);
    };
    await resolve(rolledBack.transactionId, 'rollback');
    // Rolled back: still nothing of txTopic stored, and the other half still pending.
    expect(await cluster.raw.maxOffset(txTopic, 0)).toBe(0);
    expect(await rowOf(committed.transactionId).count()).toBe(1);
    await resolve(committed.transactionId, 'commit');

    const got = await pollUntil(
      () => seen,
      (s) => s.length > 0,
      SHOWN_TIMEOUT_MS,
    );
    expect(got).toEqual(['transfer committed']);
    // Offset 1 is the whole topic: the rolled-back body never reached its consume queue.
    expect(await cluster.raw.maxOffset(txTopic, 0)).toBe(1);
  });

  it('creates a consumer group from its dialog, then edits it; the broker holds each config', async (ctx) => {
    const group = uniqueName('WebMadeCG');
    const admin = new AdminClient({ namesrvAddr: cluster.namesrvAddr, logger: silentLogger() });
    ctx.onTestFinished(() => admin.close());
    const held = async () => (await allSubscriptionGroups(admin, cluster.brokerAddr))[group];
    const b = await web.asAdmin(ctx);
    const page = b.page;
    await nav(b, 'groups');
    await page.getByTestId('create-group').click();
    const form = page.getByTestId('group-config-form');
    await form.locator('input[name=group]').fill(group);
    await form.locator('input[name=retryMaxTimes]').fill('3');
    await form.getByLabel('Broadcast consumption allowed').uncheck();
    await page.getByTestId('group-config-submit').click();
    await page.getByTestId('group-saved').waitFor();
    const made = await held();
    expect(made?.retryMaxTimes).toBe(3);
    expect(made?.consumeBroadcastEnable).toBe(false);
    expect(made?.retryQueueNums).toBe(1);
    await page.keyboard.press('Escape');
    await form.waitFor({ state: 'detached' });

    await page.goto(`${web.server.url}#/groups/${group}`);
    await page.getByTestId('group-edit').click();
    // The form starts from what the broker holds, its name fixed.
    const name = form.locator('input[name=group]');
    expect(await name.inputValue()).toBe(group);
    expect(await name.isDisabled()).toBe(true);
    const retries = form.locator('input[name=retryMaxTimes]');
    expect(await retries.inputValue()).toBe('3');
    await retries.fill('');
    await page.getByTestId('group-config-submit').click();
    // A cleared number is named by the browser's check, and nothing is sent.
    await page.locator('[data-testid=form-problems][data-source=browser]').waitFor();
    expect((await held())?.retryMaxTimes).toBe(3);
    await retries.fill('5');
    await page.getByTestId('group-config-submit').click();
    await page.getByTestId('group-saved').waitFor();
    const edited = await held();
    expect(edited?.retryMaxTimes).toBe(5);
    expect(edited?.consumeBroadcastEnable).toBe(false);
  });
});
