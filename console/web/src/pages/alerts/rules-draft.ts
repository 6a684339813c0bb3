// The rule editor's working copy. Durations are edited in seconds (what people set) and sent in
// ms (what api/alerts/rules takes); a unit is sent only for the rule type that has one, and an
// empty webhook URL means no webhook, which the API spells null.
import { ALERT_TYPES, type AlertRule, type AlertRules, type AlertType } from '../../types.js';

export interface DraftRule {
  id: string;
  type: AlertType;
  target: string;
  unit: 'messages' | 'seconds';
  threshold: number;
  forSeconds: number;
  enabled: boolean;
}

export interface Draft {
  rules: DraftRule[];
  webhookUrl: string;
  /** Kept as read, so saving the URL does not drop settings the editor does not show. */
  webhookRest: { timeoutMs?: number; retries?: number };
}

/** A starting threshold a person would pick for each type: a ratio for disk, counts otherwise. */
export const DEFAULT_THRESHOLD: Record<AlertType, number> = {
  consumerLag: 1000,
  noOnlineConsumer: 0,
  dlqGrowth: 1,
  diskRatio: 0.85,
  brokerDown: 0,
};

const DEFAULT_FOR_SECONDS = 60;

export const hasUnit = (type: AlertType): boolean => type === 'consumerLag';

export function toDraft(r: AlertRules): Draft {
  const { url = '', ...webhookRest } = r.webhook ?? {};
  return {
    rules: r.rules.map((x) => ({
      id: x.id,
      type: x.type,
      target: x.target,
      unit: x.unit ?? 'messages',
      threshold: x.threshold,
      forSeconds: x.forMs / 1000,
      enabled: x.enabled,
    })),
    webhookUrl: url,
    webhookRest,
  };
}

export function fromDraft(d: Draft): AlertRules {
  const rules = d.rules.map((x): AlertRule => {
    const rule: AlertRule = {
      id: x.id,
      type: x.type,
      target: x.target.trim(),
      threshold: x.threshold,
      forMs: Math.round(x.forSeconds * 1000),
      enabled: x.enabled,
    };
    return hasUnit(x.type) ? { ...rule, unit: x.unit } : rule;
  });
  const url = d.webhookUrl.trim();
  return { rules, webhook: url === '' ? null : { url, ...d.webhookRest } };
}

/** An id no other rule in the draft has; the server keys alerts by it. */
export function newRuleId(type: AlertType, taken: readonly string[], nowMs: number): string {
  const base = `${type}-${nowMs.toString(36)}`;
  if (!taken.includes(base)) return base;
  for (let n = 1; ; n++) {
    const id = `${base}-${n}`;
    if (!taken.includes(id)) return id;
  }
}

export function newRule(type: AlertType, taken: readonly string[], nowMs: number): DraftRule {
  return {
    id: newRuleId(type, taken, nowMs),
    type,
    target: '*',
    unit: 'messages',
    threshold: DEFAULT_THRESHOLD[type],
    forSeconds: DEFAULT_FOR_SECONDS,
    enabled: true,
  };
}

export const isAlertType = (v: string | null): v is AlertType => ALERT_TYPES.some((t) => t === v);
