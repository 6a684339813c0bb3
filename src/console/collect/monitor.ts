// One environment's watch: the snapshot poller, its TPS history (<dir>/history/) and the alert
// rules (<dir>/alert-rules.json) evaluated on every refresh, with the webhook the rules name.
// The console makes one per environment at start and stops it on close. The dashboard, alert and
// group-list pages read the last snapshot, so a page view costs the cluster nothing.
import { mkdirSync } from 'node:fs';
import type { AdminClient } from '../../client/admin.js';
import type { Logger } from '../../common/logger.js';
import { type Alert, AlertEvaluator } from '../alerts/evaluate.js';
import { type AlertRulesFile, loadAlertRules, saveAlertRules } from '../alerts/rules.js';
import { WebhookNotifier } from '../alerts/webhook.js';
import { CONSOLE_DEFAULTS } from '../defaults.js';
import { ConsoleError } from '../errors.js';
import { TpsHistory } from './history.js';
import { SnapshotPoller } from './poller.js';
import type { Snapshot } from './snapshot-types.js';

export interface EnvMonitorOptions {
  admin: AdminClient;
  /** The environment's name servers (a;b), asked in turn when one fails. */
  namesrvAddr: string;
  /** This environment's own directory under the console's data dir. */
  dir: string;
  refreshIntervalMs: number;
  logger: Logger;
}

const alertKey = (a: Alert) => `${a.rule}\0${a.target}`;

export class EnvMonitor {
  readonly refreshIntervalMs: number;
  readonly history: TpsHistory;
  private readonly o: EnvMonitorOptions;
  private readonly poller: SnapshotPoller;
  private readonly evaluator: AlertEvaluator;
  private doc: AlertRulesFile;
  private webhook: WebhookNotifier | undefined;
  /** The latest resolutions, newest last, one per rule and target. */
  private readonly resolved: Alert[] = [];

  constructor(o: EnvMonitorOptions) {
    this.o = o;
    this.refreshIntervalMs = o.refreshIntervalMs;
    mkdirSync(o.dir, { recursive: true });
    this.doc = this.loadRules();
    this.webhook = this.doc.webhook ? new WebhookNotifier(this.doc.webhook) : undefined;
    this.evaluator = new AlertEvaluator(this.doc.rules, (a) => this.onTransition(a));
    this.history = new TpsHistory({ dataDir: o.dir });
    this.poller = new SnapshotPoller({
      admin: o.admin,
      namesrvAddr: o.namesrvAddr,
      refreshIntervalMs: o.refreshIntervalMs,
      history: this.history,
      alerts: this.evaluator,
      logger: o.logger,
    });
  }

  start(): void {
    this.poller.start();
  }

  async stop(): Promise<void> {
    await this.poller.stop();
    this.webhook?.close();
  }

  /** The last good snapshot; before the first one, the refresh in flight (or a new one). */
  async snapshot(): Promise<Snapshot> {
    const s = this.poller.latest ?? (await this.poller.refresh());
    if (!s) {
      const why = this.poller.lastError ?? 'no answer';
      throw new ConsoleError('UPSTREAM', `no snapshot of ${this.o.namesrvAddr} yet: ${why}`);
    }
    return s;
  }

  /** Why the latest refresh failed (the snapshot shown is older), or null. */
  refreshError(): string | null {
    return this.poller.lastError ?? null;
  }

  /** Firing, then pending, then recently resolved alerts; oldest first within each. */
  alerts(): Alert[] {
    const active = this.evaluator.active();
    const live = new Set(active.map(alertKey));
    const order = { firing: 0, pending: 1, resolved: 2 } as const;
    return [...active, ...this.resolved.filter((a) => !live.has(alertKey(a)))].sort(
      (a, b) => order[a.state] - order[b.state] || a.since - b.since,
    );
  }

  rules(): AlertRulesFile {
    return structuredClone(this.doc);
  }

  /** Validates and saves (AlertRuleError listing every bad field), then applies at once. */
  setRules(raw: unknown): AlertRulesFile {
    const doc = saveAlertRules(this.o.dir, raw);
    if (JSON.stringify(doc.webhook) !== JSON.stringify(this.doc.webhook)) {
      this.webhook?.close();
      this.webhook = doc.webhook ? new WebhookNotifier(doc.webhook) : undefined;
    }
    this.doc = doc;
    this.evaluator.setRules(doc.rules);
    const ids = new Set(doc.rules.map((r) => r.id));
    const kept = this.resolved.filter((a) => ids.has(a.rule));
    this.resolved.splice(0, this.resolved.length, ...kept);
    return this.rules();
  }

  private onTransition(a: Alert): void {
    if (a.state === 'resolved') {
      const i = this.resolved.findIndex((r) => alertKey(r) === alertKey(a));
      if (i >= 0) this.resolved.splice(i, 1);
      this.resolved.push(a);
      if (this.resolved.length > CONSOLE_DEFAULTS.alertsResolvedKept) this.resolved.shift();
    }
    this.webhook?.notify(a);
  }

  /** A rules file edited by hand into something invalid leaves the console running, rule-less. */
  private loadRules(): AlertRulesFile {
    try {
      return loadAlertRules(this.o.dir);
    } catch (err) {
      this.o.logger.warn(
        { err: err instanceof Error ? err.message : String(err), dir: this.o.dir },
        'alert rules not loaded; fix the file or PUT api/alerts/rules',
      );
      return { rules: [] };
    }
  }
}
