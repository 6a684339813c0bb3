// Screenshots of the console for the README:
//   npm run build && npx tsx tools/console-screenshots.ts
// Starts a real name server, broker and console through the test harness (temp dirs, free loopback
// ports), seeds a little traffic (an ordered and a normal topic, a consumer group with lag, a
// dead letter, a half message left UNKNOWN, an alert rule), logs in and saves one 1280×800 PNG
// per page in light mode, the dashboard in dark, and the topics page in 中文, to docs/console/.
// A missing CJK font shows as boxes: install fonts-noto-cjk locally before running.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TransactionProducer } from '../src/client/transaction-producer.js';
import { silentLogger } from '../src/common/logger.js';
import { type BrowserHandle, launchBrowser, logIn } from '../test/harness/browser.js';
import { startConsole } from '../test/harness/console.js';
import { pollUntil } from '../test/harness/poll.js';
import { startBroker, startNamesrv } from '../test/harness/processes.js';
import {
  pushConsumer,
  quietPushConsumer,
  sendMessages,
  startProducer,
} from '../test/harness/sdk.js';
import { createTopic } from '../test/harness/topics.js';

const OUT = fileURLToPath(new URL('../docs/console/', import.meta.url));
const VIEWPORT = { width: 1280, height: 800 };
/** Seeded traffic reaches the console's answers a moment later. */
const SHOWN_TIMEOUT_MS = 60_000;
const ORDERS = 'OrderCreated';
const PAYMENTS = 'PaymentSettled';
const PAYMENTS_FEED = 'PaymentFeed';
const ORDERS_GROUP = 'billing-service';
const PAYMENTS_GROUP = 'ledger-service';

type Stop = () => Promise<unknown>;
/** Evaluated in the page (a string: this file is compiled without the DOM's types). */
const NO_LOADER = "document.querySelector('.mantine-Loader-root') === null";
/** No tooltip left from a click, and an open dialog done fading in. */
const SETTLED = `document.querySelector('.mantine-Tooltip-tooltip') === null &&
  [...document.querySelectorAll('.mantine-Modal-content')]
    .every((m) => getComputedStyle(m).opacity === '1')`;

async function seed(namesrvAddr: string, brokerAddr: string, stops: Stop[]) {
  await createTopic(brokerAddr, namesrvAddr, ORDERS, 4);
  await createTopic(brokerAddr, namesrvAddr, PAYMENTS, 2);
  await createTopic(brokerAddr, namesrvAddr, PAYMENTS_FEED, 4);
  const orders = Array.from({ length: 40 }, (_, i) => ({
    topic: ORDERS,
    body: JSON.stringify({ orderId: 10_000 + i, amount: (i * 7.5).toFixed(2) }),
    tags: i % 2 === 0 ? 'web' : 'app',
    keys: [`order-${10_000 + i}`],
  }));
  await sendMessages(namesrvAddr, orders);
  // A consumer that takes a while per message, so the group shows lag and TPS.
  const billing = pushConsumer(namesrvAddr, ORDERS_GROUP, {
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
  });
  let taken = 0;
  let release = () => {};
  const gate = new Promise<'CONSUME_SUCCESS'>((r) => {
    release = () => r('CONSUME_SUCCESS');
  });
  billing.subscribe(ORDERS, '*').registerMessageListener(() => {
    taken += 1;
    return taken <= 25 ? 'CONSUME_SUCCESS' : gate;
  });
  await billing.start();
  stops.push(() => {
    release();
    return billing.shutdown();
  });
  await pollUntil(
    () => taken,
    (n) => n >= 25,
    SHOWN_TIMEOUT_MS,
  );

  const ledger = quietPushConsumer(namesrvAddr, PAYMENTS_GROUP, {
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    maxReconsumeTimes: 1,
  });
  ledger.subscribe(PAYMENTS, '*').registerMessageListener(() => 'RECONSUME_LATER');
  await ledger.start();
  stops.push(() => ledger.shutdown());
  await sendMessages(namesrvAddr, [{ topic: PAYMENTS, body: '{"payment":"p-77","state":"?"}' }]);

  const tx = new TransactionProducer({
    namesrvAddr,
    producerGroup: 'checkout-tx',
    logger: silentLogger(),
    transactionListener: {
      executeLocalTransaction: () => 'UNKNOWN',
      checkLocalTransaction: () => 'UNKNOWN',
    },
  });
  await tx.start();
  stops.push(() => tx.shutdown());
  await tx.send({ topic: ORDERS, body: '{"orderId":20001,"reserve":true}' }, null);
}

/** Waits until no loader spins and no error is shown, then saves the viewport. */
async function shot(b: BrowserHandle, name: string) {
  const page = b.page;
  await page.getByRole('heading', { level: 2 }).first().waitFor();
  await page.waitForFunction(NO_LOADER);
  await page.mouse.move(0, 0);
  await page.waitForFunction(SETTLED);
  await page.screenshot({ path: `${OUT}${name}.png` });
  console.log(`docs/console/${name}.png`);
}

/** Opens a hash route and reloads it until selector is on the page (seeded data comes later). */
async function openUntil(b: BrowserHandle, url: string, selector: string) {
  await b.page.goto(url);
  const n = await pollUntil(
    async () => {
      await b.page.getByRole('heading', { level: 2 }).first().waitFor();
      await b.page.waitForFunction(NO_LOADER);
      const found = await b.page.locator(selector).count();
      // The same hash again is no navigation: reload to ask the server afresh.
      if (found === 0) await b.page.reload();
      return found;
    },
    (c) => c > 0,
    SHOWN_TIMEOUT_MS,
    1_000,
  );
  if (n === 0) {
    const path = `${b.dir}/never-shown.png`;
    await b.page.screenshot({ path });
    throw new Error(`${url} never showed ${selector}; the page as it was: ${path}`);
  }
}

/** A few messages a second while the pages are shot, so TPS and the chart are not flat. */
async function traffic(namesrvAddr: string, stops: Stop[]) {
  // Topic TPS is read from consume stats, so the feed has a group that keeps up with it.
  const indexer = pushConsumer(namesrvAddr, 'search-indexer');
  indexer.subscribe(PAYMENTS_FEED, '*').registerMessageListener(() => 'CONSUME_SUCCESS');
  await indexer.start();
  stops.push(() => indexer.shutdown());
  const p = await startProducer(namesrvAddr);
  let n = 0;
  const timer = setInterval(() => {
    for (let i = 0; i < 5; i++) {
      n += 1;
      p.send({ topic: PAYMENTS_FEED, body: `tick ${n}` }).catch(() => {});
    }
  }, 500);
  stops.push(async () => {
    clearInterval(timer);
    await p.shutdown();
  });
}

/** A lag rule on the slow group, saved through the page, then shown firing. */
async function alertRule(b: BrowserHandle, url: string) {
  const page = b.page;
  await page.goto(`${url}#/alerts`);
  await page.getByTestId('add-rule').click();
  const rule = page.locator('[data-testid=rules-table] tbody tr').last();
  await rule.getByLabel('Type').click();
  await page.getByRole('option', { name: 'Consumer lag' }).click();
  await rule.getByLabel('Target').fill(ORDERS_GROUP);
  await rule.getByLabel('Threshold').fill('5');
  await rule.getByLabel('For (s)').fill('0');
  await page.getByTestId('save-rules').click();
  await page.getByTestId('rules-saved').waitFor();
  await openUntil(b, `${url}#/alerts`, '[data-testid=active-alerts] tr[data-state=firing]');
}

async function pages(b: BrowserHandle, url: string) {
  const page = b.page;
  await openUntil(b, `${url}#/dashboard`, '[data-testid=top-topics] tbody tr');
  await shot(b, 'dashboard');
  await page.goto(`${url}#/cluster`);
  await shot(b, 'cluster');
  await openUntil(b, `${url}#/topics`, `tr[data-topic="${ORDERS}"]`);
  await shot(b, 'topics');
  await page.getByTestId('create-topic').click();
  await page.locator('input[name=topic]').fill('order events');
  await page.locator('input[name=readQueueNums]').fill('-1');
  await page.getByTestId('create-submit').click();
  await page.getByTestId('form-problems').waitFor();
  await shot(b, 'topic-create-refused');
  await page.keyboard.press('Escape');
  await page.getByTestId('create-topic-form').waitFor({ state: 'detached' });
  await page.locator(`tr[data-topic="${ORDERS}"]`).getByTestId('topic-send').click();
  await page.locator('textarea[name=body]').fill('{"orderId":10041}');
  await page.locator('input[name=keys]').fill('order-10041');
  await page.getByTestId('send-submit').click();
  await page.getByTestId('send-result').waitFor();
  await shot(b, 'topic-send');
  await page.keyboard.press('Escape');
  await page.goto(`${url}#/topics/${ORDERS}`);
  await page.getByTestId('topic-queues').waitFor();
  await shot(b, 'topic-detail');
  await openUntil(b, `${url}#/groups`, `tr[data-group="${ORDERS_GROUP}"]`);
  await shot(b, 'groups');
  await page.goto(`${url}#/groups/${ORDERS_GROUP}`);
  await page.getByTestId('group-queues').waitFor();
  await shot(b, 'group-detail');
  await page.getByTestId('running-info-open').first().click();
  await page.getByTestId('running-info').waitFor();
  await shot(b, 'group-running-info');
  await page.keyboard.press('Escape');
  await page.getByTestId('group-reset').click();
  await page.getByTestId('reset-preview-button').click();
  await page.getByTestId('reset-preview').waitFor();
  await shot(b, 'group-reset');
  await page.keyboard.press('Escape');
  await page.goto(`${url}#/messages`);
  await page.locator('[data-testid=msg-search-form] input[name=topic]').fill(ORDERS);
  await page.getByTestId('msg-search').click();
  await page.locator('[data-testid=messages-table] tr[data-msgid]').first().waitFor();
  await shot(b, 'messages');
  await openUntil(b, `${url}#/dlq`, `tr[data-group="${PAYMENTS_GROUP}"]`);
  await page.getByRole('button', { name: PAYMENTS_GROUP }).click();
  await page.locator('[data-testid=dlq-table] tr[data-msgid]').first().waitFor();
  await shot(b, 'dlq');
  await openUntil(b, `${url}#/transactions`, '[data-testid=tx-pending] tr[data-msgid]');
  await shot(b, 'transactions');
  await alertRule(b, url);
  await shot(b, 'alerts');
  await page.goto(`${url}#/audit`);
  await shot(b, 'audit');

  await page.goto(`${url}#/dashboard`);
  await page.getByTestId('scheme-switch').click();
  await page.locator('html[data-mantine-color-scheme=dark]').waitFor({ state: 'attached' });
  await shot(b, 'dashboard-dark');
  await page.getByTestId('scheme-switch').click();
  await page.getByTestId('lang-switch').getByText('中文').click();
  await page.goto(`${url}#/topics`);
  await page.getByRole('heading', { level: 2, name: '主题' }).waitFor();
  await shot(b, 'topics-zh');
  await page.getByTestId('lang-switch').getByText('English').click();
}

async function main() {
  mkdirSync(OUT, { recursive: true });
  const stops: Stop[] = [];
  let failed = true;
  try {
    const namesrv = await startNamesrv();
    stops.push(() => namesrv.stop());
    // Retries come back after 1 s, so the seeded message reaches the DLQ quickly.
    const conf = { messageDelayLevel: '1s 1s 1s 1s 1s 1s', brokerName: 'broker-a' };
    const broker = await startBroker({ namesrvAddr: namesrv.addr, conf });
    stops.push(() => broker.stop());
    const server = await startConsole({ namesrvAddr: namesrv.addr });
    stops.push(() => server.stop());
    await seed(namesrv.addr, broker.addr, stops);
    await traffic(namesrv.addr, stops);
    const b = await launchBrowser({ viewport: VIEWPORT });
    stops.push(() => b.close({ keepDir: failed }));
    await logIn(b, server.url, 'admin', server.adminPassword);
    await pages(b, server.url);
    failed = false;
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {});
  }
}

await main();
