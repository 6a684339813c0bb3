// Alert rules the console evaluates itself (RocketMQ's dashboard only stores such rules). They
// live in <dataDir>/alert-rules.json:
//   {"webhook":{"url":"http://…","timeoutMs":3000,"retries":3},
//    "rules":[{"id":"lag-orders","type":"consumerLag","target":"Orders","unit":"messages",
//              "threshold":1000,"forMs":60000}, …]}
// Each rule names a target (a group or a broker name; "*" for every one), a threshold, and how
// long the condition must hold before the alert fires ("for", forMs). A file that does not
// validate is refused whole, with one line per bad field.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../common/errors.js';

export const RULE_TYPES = [
  'consumerLag',
  'noOnlineConsumer',
  'dlqGrowth',
  'diskRatio',
  'brokerDown',
] as const;
export type RuleType = (typeof RULE_TYPES)[number];

export interface AlertRule {
  id: string;
  type: RuleType;
  /** Group (consumerLag, noOnlineConsumer, dlqGrowth) or broker name (diskRatio, brokerDown). */
  target: string;
  /** consumerLag only: what the threshold counts. */
  unit?: 'messages' | 'seconds';
  /**
   * consumerLag: messages or seconds behind; dlqGrowth: new dead letters between two snapshots;
   * diskRatio: used/total in 0…1; noOnlineConsumer and brokerDown: 0 (not used).
   */
  threshold: number;
  forMs: number;
  enabled: boolean;
}

export interface WebhookConfig {
  url: string;
  timeoutMs?: number;
  retries?: number;
}

export interface AlertRulesFile {
  webhook?: WebhookConfig;
  rules: AlertRule[];
}

/** A rules file or rule that does not validate: every bad field, one per line. */
export class AlertRuleError extends ConfigError {
  override name = 'AlertRuleError';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`alert rules are not valid:\n  ${problems.join('\n  ')}`);
    this.problems = problems;
  }
}

export const ALERT_RULES_FILE = 'alert-rules.json';
const GROUP_TARGETED = new Set<RuleType>(['consumerLag', 'noOnlineConsumer', 'dlqGrowth']);
const KNOWN_FIELDS = new Set(['id', 'type', 'target', 'unit', 'threshold', 'forMs', 'enabled']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkThreshold(type: RuleType, t: unknown, at: string, problems: string[]): number {
  const needsNone = type === 'noOnlineConsumer' || type === 'brokerDown';
  if (t === undefined && needsNone) return 0;
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) {
    problems.push(`${at}.threshold: a number ≥ 0 is needed, got ${JSON.stringify(t)}`);
    return 0;
  }
  if (type === 'diskRatio' && (t <= 0 || t > 1))
    problems.push(`${at}.threshold: diskRatio takes a ratio in (0, 1] (0.9 = 90 %), got ${t}`);
  return t;
}

/** Validates one rule; problems are pushed with `at` (rules[2]) in front of each field. */
export function validateRule(raw: unknown, at: string, problems: string[]): AlertRule | undefined {
  if (!isObject(raw)) {
    problems.push(`${at}: a rule is an object, got ${JSON.stringify(raw)}`);
    return undefined;
  }
  const before = problems.length;
  for (const k of Object.keys(raw))
    if (!KNOWN_FIELDS.has(k)) problems.push(`${at}.${k}: unknown field`);
  const { id, type, target, unit, forMs, enabled } = raw;
  if (typeof id !== 'string' || !/^[\w.-]{1,64}$/.test(id))
    problems.push(`${at}.id: 1–64 letters, digits, '_', '.', '-' are needed`);
  if (!RULE_TYPES.includes(type as RuleType)) {
    problems.push(`${at}.type: one of ${RULE_TYPES.join(', ')} is needed, got ${String(type)}`);
    return undefined;
  }
  const t = type as RuleType;
  if (typeof target !== 'string' || target === '')
    problems.push(`${at}.target: a ${GROUP_TARGETED.has(t) ? 'group' : 'broker name'} or "*"`);
  if (t === 'noOnlineConsumer' && target === '*')
    problems.push(`${at}.target: noOnlineConsumer names one group (its clients are asked)`);
  if (t === 'consumerLag' && unit !== 'messages' && unit !== 'seconds')
    problems.push(`${at}.unit: consumerLag counts "messages" or "seconds"`);
  if (t !== 'consumerLag' && unit !== undefined)
    problems.push(`${at}.unit: only consumerLag takes a unit`);
  const threshold = checkThreshold(t, raw.threshold, at, problems);
  if (forMs !== undefined && (typeof forMs !== 'number' || !Number.isInteger(forMs) || forMs < 0))
    problems.push(`${at}.forMs: an integer number of milliseconds ≥ 0 is needed`);
  if (enabled !== undefined && typeof enabled !== 'boolean')
    problems.push(`${at}.enabled: true or false`);
  if (problems.length > before) return undefined;
  const rule: AlertRule = {
    id: id as string,
    type: t,
    target: target as string,
    threshold,
    forMs: (forMs as number | undefined) ?? 0,
    enabled: (enabled as boolean | undefined) ?? true,
  };
  if (t === 'consumerLag') rule.unit = unit as 'messages' | 'seconds';
  return rule;
}

function validateWebhook(raw: unknown, problems: string[]): WebhookConfig | undefined {
  if (raw === undefined || raw === null) return undefined; // null: "no webhook", as GET shows it
  if (!isObject(raw)) {
    problems.push('webhook: an object {url, timeoutMs?, retries?} is needed');
    return undefined;
  }
  const { url, timeoutMs, retries } = raw;
  let ok = typeof url === 'string' && /^https?:\/\//.test(url);
  if (ok) {
    try {
      new URL(url as string);
    } catch {
      ok = false;
    }
  }
  if (!ok) problems.push(`webhook.url: an http:// or https:// URL is needed, got ${String(url)}`);
  const posInt = (v: unknown) => v === undefined || (Number.isInteger(v) && (v as number) >= 0);
  if (!posInt(timeoutMs) || timeoutMs === 0)
    problems.push('webhook.timeoutMs: an integer > 0 is needed');
  if (!posInt(retries)) problems.push('webhook.retries: an integer ≥ 0 is needed');
  const out: WebhookConfig = { url: url as string };
  if (timeoutMs !== undefined) out.timeoutMs = timeoutMs as number;
  if (retries !== undefined) out.retries = retries as number;
  return out;
}

/** Validates a whole rules document; throws AlertRuleError naming every bad field. */
export function parseAlertRules(raw: unknown): AlertRulesFile {
  const problems: string[] = [];
  if (!isObject(raw)) throw new AlertRuleError(['(file): an object {webhook?, rules} is needed']);
  const webhook = validateWebhook(raw.webhook, problems);
  const rules: AlertRule[] = [];
  if (!Array.isArray(raw.rules)) problems.push('rules: an array of rules is needed');
  else {
    const ids = new Set<string>();
    raw.rules.forEach((r, i) => {
      const rule = validateRule(r, `rules[${i}]`, problems);
      if (!rule) return;
      if (ids.has(rule.id)) problems.push(`rules[${i}].id: ${rule.id} is used twice`);
      ids.add(rule.id);
      rules.push(rule);
    });
  }
  if (problems.length > 0) throw new AlertRuleError(problems);
  return webhook ? { webhook, rules } : { rules };
}

/** The rules in dataDir; none when the file does not exist yet. */
export function loadAlertRules(dataDir: string): AlertRulesFile {
  const path = join(dataDir, ALERT_RULES_FILE);
  if (!existsSync(path)) return { rules: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new AlertRuleError([`${path}: not JSON (${(err as Error).message})`]);
  }
  return parseAlertRules(raw);
}

/** Validates, then replaces the file through a rename so a crash leaves the old or the new. */
export function saveAlertRules(dataDir: string, doc: unknown): AlertRulesFile {
  const valid = parseAlertRules(doc);
  const path = join(dataDir, ALERT_RULES_FILE);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(valid, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
  return valid;
}
