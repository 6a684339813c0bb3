import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ALERT_RULES_FILE,
  AlertRuleError,
  loadAlertRules,
  parseAlertRules,
  saveAlertRules,
} from './rules.js';

const problemsOf = (doc: unknown): readonly string[] => {
  try {
    parseAlertRules(doc);
  } catch (err) {
    if (err instanceof AlertRuleError) return err.problems;
    throw err;
  }
  return [];
};

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('alert rules', () => {
  it('accepts every rule type and fills the defaults', () => {
    const doc = parseAlertRules({
      webhook: { url: 'http://127.0.0.1:9/hook', retries: 1 },
      rules: [
        { id: 'lag', type: 'consumerLag', target: '*', unit: 'messages', threshold: 100 },
        { id: 'lag-s', type: 'consumerLag', target: 'G', unit: 'seconds', threshold: 60, forMs: 5 },
        { id: 'off', type: 'noOnlineConsumer', target: 'G', enabled: false },
        { id: 'dlq', type: 'dlqGrowth', target: '*', threshold: 0 },
        { id: 'disk', type: 'diskRatio', target: 'broker-a', threshold: 0.9 },
        { id: 'down', type: 'brokerDown', target: '*', forMs: 10_000 },
      ],
    });
    expect(doc.webhook).toEqual({ url: 'http://127.0.0.1:9/hook', retries: 1 });
    expect(doc.rules.map((r) => [r.id, r.threshold, r.forMs, r.enabled])).toEqual([
      ['lag', 100, 0, true],
      ['lag-s', 60, 5, true],
      ['off', 0, 0, false],
      ['dlq', 0, 0, true],
      ['disk', 0.9, 0, true],
      ['down', 0, 10_000, true],
    ]);
  });

  it('names every bad field, one line each', () => {
    const problems = problemsOf({
      webhook: { url: 'ftp://x', timeoutMs: 0 },
      rules: [
        { id: 'bad id!', type: 'consumerLag', target: 'G', threshold: 5 },
        { id: 'a', type: 'diskRatio', target: '*', threshold: 90 },
        { id: 'b', type: 'noOnlineConsumer', target: '*', unit: 'messages' },
        { id: 'c', type: 'cpu', target: 'x' },
        { id: 'd', type: 'brokerDown', target: '', forMs: -1, colour: 'red' },
        { id: 'a', type: 'dlqGrowth', target: 'G', threshold: -1 },
        'not a rule',
      ],
    });
    expect(problems).toEqual([
      'webhook.url: an http:// or https:// URL is needed, got ftp://x',
      'webhook.timeoutMs: an integer > 0 is needed',
      "rules[0].id: 1–64 letters, digits, '_', '.', '-' are needed",
      'rules[0].unit: consumerLag counts "messages" or "seconds"',
      'rules[1].threshold: diskRatio takes a ratio in (0, 1] (0.9 = 90 %), got 90',
      'rules[2].target: noOnlineConsumer names one group (its clients are asked)',
      'rules[2].unit: only consumerLag takes a unit',
      'rules[3].type: one of consumerLag, noOnlineConsumer, dlqGrowth, diskRatio, brokerDown is needed, got cpu',
      'rules[4].colour: unknown field',
      'rules[4].target: a broker name or "*"',
      'rules[4].forMs: an integer number of milliseconds ≥ 0 is needed',
      'rules[5].threshold: a number ≥ 0 is needed, got -1',
      'rules[6]: a rule is an object, got "not a rule"',
    ]);
  });

  it('refuses a duplicate id and a document without rules', () => {
    expect(
      problemsOf({
        rules: [
          { id: 'x', type: 'brokerDown', target: '*' },
          { id: 'x', type: 'brokerDown', target: 'b' },
        ],
      }),
    ).toEqual(['rules[1].id: x is used twice']);
    expect(problemsOf({})).toEqual(['rules: an array of rules is needed']);
    expect(problemsOf([])).toEqual(['(file): an object {webhook?, rules} is needed']);
  });

  it('saves through a rename and loads back; a missing file is no rules; bad JSON is an error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kite-rules-'));
    dirs.push(dir);
    expect(loadAlertRules(dir)).toEqual({ rules: [] });
    const saved = saveAlertRules(dir, { rules: [{ id: 'd', type: 'brokerDown', target: '*' }] });
    expect(loadAlertRules(dir)).toEqual(saved);
    expect(() => saveAlertRules(dir, { rules: [{ id: 'd' }] })).toThrow(AlertRuleError);
    expect(loadAlertRules(dir)).toEqual(saved); // a refused save leaves the file alone
    expect(JSON.parse(readFileSync(join(dir, ALERT_RULES_FILE), 'utf8')).rules).toHaveLength(1);
    writeFileSync(join(dir, ALERT_RULES_FILE), '{"rules": [');
    expect(() => loadAlertRules(dir)).toThrow(/alert-rules\.json: not JSON/);
  });
});
