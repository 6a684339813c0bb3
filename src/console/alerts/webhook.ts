// The alert webhook: when an alert fires or resolves, one HTTP POST of JSON
//   {"rule":id,"type":…,"state":"firing"|"resolved","value":n,"threshold":n,"target":…,"at":ms}
// to the configured URL. notify() only queues (bounded; the oldest is dropped when full), so
// evaluation never waits on the receiver; one sender posts in order, each attempt under a
// timeout, retried with a growing backoff a bounded number of times, then given up and counted.
import { CONSOLE_DEFAULTS } from '../defaults.js';
import type { Alert } from './evaluate.js';
import type { WebhookConfig } from './rules.js';

export interface WebhookPayload {
  rule: string;
  type: string;
  state: string;
  value: number | null;
  threshold: number;
  target: string;
  at: number;
}

export interface WebhookStats {
  sent: number;
  failed: number;
  dropped: number;
  lastError?: string;
}

export function webhookPayload(a: Alert): WebhookPayload {
  return {
    rule: a.rule,
    type: a.type,
    state: a.state,
    value: a.value,
    threshold: a.threshold,
    target: a.target,
    at: a.at,
  };
}

export class WebhookNotifier {
  private readonly url: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly queue: WebhookPayload[] = [];
  private sending: Promise<void> | undefined;
  private closed = false;
  readonly stats: WebhookStats = { sent: 0, failed: 0, dropped: 0 };

  constructor(cfg: WebhookConfig, backoffMs: number = CONSOLE_DEFAULTS.webhookRetryBackoffMs) {
    this.url = cfg.url;
    this.timeoutMs = cfg.timeoutMs ?? CONSOLE_DEFAULTS.webhookTimeoutMs;
    this.retries = cfg.retries ?? CONSOLE_DEFAULTS.webhookRetries;
    this.backoffMs = backoffMs;
  }

  /** An AlertListener: queues the alert's POST and returns at once. */
  readonly notify = (a: Alert): void => {
    if (this.closed || a.state === 'pending') return;
    if (this.queue.length >= CONSOLE_DEFAULTS.webhookQueueMax) {
      this.queue.shift();
      this.stats.dropped++;
    }
    this.queue.push(webhookPayload(a));
    this.sending ??= this.drain().finally(() => {
      this.sending = undefined;
    });
  };

  /** Resolves once everything queued so far was posted or given up. */
  async idle(): Promise<void> {
    while (this.sending) await this.sending;
  }

  close(): void {
    this.closed = true;
    this.queue.length = 0;
  }

  private async drain(): Promise<void> {
    for (let p = this.queue.shift(); p !== undefined && !this.closed; p = this.queue.shift())
      await this.deliver(p);
  }

  private async deliver(p: WebhookPayload): Promise<void> {
    const body = JSON.stringify(p);
    for (let attempt = 0; attempt <= this.retries && !this.closed; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, this.backoffMs * 2 ** (attempt - 1)));
      try {
        const res = await fetch(this.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined);
        // A 4xx other than 408/429 will not get better by asking again.
        if (res.ok || (res.status < 500 && res.status !== 408 && res.status !== 429)) {
          if (res.ok) this.stats.sent++;
          else this.recordFailure(`HTTP ${res.status}`);
          return;
        }
        this.stats.lastError = `HTTP ${res.status}`;
      } catch (err) {
        this.stats.lastError = err instanceof Error ? err.message : String(err);
      }
    }
    this.recordFailure(this.stats.lastError ?? 'closed');
  }

  private recordFailure(why: string): void {
    this.stats.failed++;
    this.stats.lastError = why;
  }
}
