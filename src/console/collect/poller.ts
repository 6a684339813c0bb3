// Takes a snapshot every refreshIntervalMs and hands it to the history and the alert rules. The
// next refresh is scheduled when the previous one has finished, so two never overlap and a slow
// cluster stretches the interval instead of piling requests up. A failed refresh (the name
// server down) is logged and counted; the last good snapshot stays, and the poller goes on, to
// the next name server of the list when there are several.
import type { AdminClient } from '../../client/admin.js';
import type { Logger } from '../../common/logger.js';
import type { AlertEvaluator } from '../alerts/evaluate.js';
import { CONSOLE_DEFAULTS } from '../defaults.js';
import type { TpsHistory } from './history.js';
import { type CollectOptions, collectSnapshot } from './snapshot.js';
import type { Snapshot } from './snapshot-types.js';

export interface PollerOptions {
  admin: AdminClient;
  /** One name server, or a list (a;b): asked one at a time, the next after a failure. */
  namesrvAddr: string;
  refreshIntervalMs?: number;
  history?: TpsHistory;
  alerts?: AlertEvaluator;
  logger?: Logger;
  collect?: Omit<CollectOptions, 'prev' | 'watchGroups'>;
  /** Called after each good snapshot, once history and alerts have seen it. */
  onSnapshot?: (s: Snapshot) => void;
}

export class SnapshotPoller {
  private readonly o: PollerOptions;
  private readonly intervalMs: number;
  private readonly namesrvs: string[];
  private namesrvIndex = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<Snapshot | undefined> | undefined;
  private stopped = true;
  private last: Snapshot | undefined;
  failures = 0;
  /** Why the latest refresh failed; undefined once one succeeds. */
  lastError: string | undefined;

  constructor(o: PollerOptions) {
    this.o = o;
    this.intervalMs = o.refreshIntervalMs ?? CONSOLE_DEFAULTS.refreshIntervalMs;
    this.namesrvs = o.namesrvAddr
      .split(';')
      .map((a) => a.trim())
      .filter((a) => a !== '');
    if (this.namesrvs.length === 0) throw new RangeError('SnapshotPoller needs a name server');
  }

  get latest(): Snapshot | undefined {
    return this.last;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Waits for a refresh in flight, then stops and writes the history's open interval. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    this.o.history?.flush();
  }

  /** A refresh now, or the one already running (never a second one beside it). */
  refresh(): Promise<Snapshot | undefined> {
    this.running ??= this.once().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh().finally(() => this.schedule(this.intervalMs));
    }, delayMs);
    this.timer.unref?.();
  }

  private async once(): Promise<Snapshot | undefined> {
    const { admin, history, alerts } = this.o;
    const namesrvAddr = this.namesrvs[this.namesrvIndex % this.namesrvs.length]!;
    let s: Snapshot;
    try {
      s = await collectSnapshot(admin, namesrvAddr, {
        ...this.o.collect,
        ...(this.last ? { prev: this.last } : {}),
        watchGroups: alerts?.watchedGroups() ?? [],
      });
    } catch (err) {
      this.failures++;
      this.namesrvIndex++;
      this.lastError = `${namesrvAddr}: ${err instanceof Error ? err.message : String(err)}`;
      this.o.logger?.warn({ err: this.lastError, namesrvAddr }, 'console refresh failed');
      return undefined;
    }
    const prev = this.last;
    this.last = s;
    this.lastError = undefined;
    // A full disk must not stop the charts in memory or the alerts, nor one consumer the others.
    this.guard('history', () => history?.record(s));
    this.guard('alerts', () => alerts?.evaluate(s, prev));
    this.guard('onSnapshot', () => this.o.onSnapshot?.(s));
    return s;
  }

  private guard(what: string, fn: () => unknown): void {
    try {
      fn();
    } catch (err) {
      this.o.logger?.warn({ err: String(err) }, `console ${what} failed on a snapshot`);
    }
  }
}
