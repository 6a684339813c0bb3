import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from './evaluate.js';
import { WebhookNotifier } from './webhook.js';

const alert = (state: Alert['state'], value = 0): Alert => ({
  rule: 'down',
  type: 'brokerDown',
  target: 'broker-a/0',
  state,
  value,
  threshold: 0,
  since: 1,
  at: 2,
});

let server: Server | undefined;
afterEach(async () => {
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let s = '';
    req.on('data', (c: Buffer) => {
      s += c.toString('utf8');
    });
    req.on('end', () => resolve(s));
  });

/** A receiver answering each request with the next status of `statuses` (then 200). */
async function receiver(statuses: number[]): Promise<{ url: string; bodies: string[] }> {
  const bodies: string[] = [];
  server = createServer(async (req, res) => {
    bodies.push(await readBody(req));
    res.statusCode = statuses.shift() ?? 200;
    res.end();
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, bodies };
}

describe('WebhookNotifier', () => {
  it('posts one JSON document per firing and resolved alert, never for pending', async () => {
    const r = await receiver([]);
    const n = new WebhookNotifier({ url: r.url });
    n.notify(alert('pending'));
    n.notify(alert('firing', 1));
    n.notify(alert('resolved'));
    await n.idle();
    expect(r.bodies.map((b) => JSON.parse(b))).toEqual([
      {
        rule: 'down',
        type: 'brokerDown',
        state: 'firing',
        value: 1,
        threshold: 0,
        target: 'broker-a/0',
        at: 2,
      },
      {
        rule: 'down',
        type: 'brokerDown',
        state: 'resolved',
        value: 0,
        threshold: 0,
        target: 'broker-a/0',
        at: 2,
      },
    ]);
    expect(n.stats).toMatchObject({ sent: 2, failed: 0 });
  });

  it('retries a 5xx a bounded number of times, and gives a 4xx up at once', async () => {
    const r = await receiver([503, 503, 503, 400]);
    const n = new WebhookNotifier({ url: r.url, retries: 2 }, 1);
    n.notify(alert('firing'));
    await n.idle();
    expect(r.bodies).toHaveLength(3);
    expect(n.stats).toMatchObject({ sent: 0, failed: 1, lastError: 'HTTP 503' });
    n.notify(alert('resolved'));
    await n.idle();
    expect(r.bodies).toHaveLength(4);
    expect(n.stats).toMatchObject({ failed: 2, lastError: 'HTTP 400' });
  });

  it('notify returns before the receiver answers, and a dead receiver only counts failures', async () => {
    const n = new WebhookNotifier(
      { url: 'http://127.0.0.1:1/none', retries: 1, timeoutMs: 500 },
      1,
    );
    let returned = false;
    n.notify(alert('firing'));
    returned = true;
    expect(returned).toBe(true);
    await n.idle();
    expect(n.stats).toMatchObject({ sent: 0, failed: 1 });
  });
});
