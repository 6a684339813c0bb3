import { describe, expect, it } from 'vitest';
import type { AlertRules } from '../../types.js';
import { fromDraft, newRule, newRuleId, toDraft } from './rules-draft.js';

const rules: AlertRules = {
  rules: [
    {
      id: 'lag-1',
      type: 'consumerLag',
      target: 'G1',
      unit: 'seconds',
      threshold: 30,
      forMs: 120_000,
      enabled: true,
    },
    { id: 'disk', type: 'diskRatio', target: '*', threshold: 0.9, forMs: 0, enabled: false },
  ],
  webhook: { url: 'http://hooks.local/a', timeoutMs: 3000, retries: 2 },
};

describe('alert rule drafts', () => {
  it('round-trip rules and keep webhook settings the editor does not show', () => {
    expect(fromDraft(toDraft(rules))).toEqual(rules);
    expect(toDraft(rules).rules[0]?.forSeconds).toBe(120);
  });

  it('send a unit only for consumer lag, and an empty webhook as null', () => {
    const d = toDraft({ rules: [], webhook: null });
    expect(d.webhookUrl).toBe('');
    const rule = { ...newRule('noOnlineConsumer', [], 0), unit: 'seconds' as const };
    const out = fromDraft({ ...d, rules: [rule], webhookUrl: '  ' });
    expect(out.webhook).toBeNull();
    expect(out.rules[0]).not.toHaveProperty('unit');
    expect(out.rules[0]).toMatchObject({ type: 'noOnlineConsumer', target: '*', forMs: 60_000 });
  });

  it('give a new rule an id no other rule has', () => {
    const first = newRuleId('brokerDown', [], 36);
    expect(first).toBe('brokerDown-10');
    expect(newRuleId('brokerDown', [first], 36)).toBe('brokerDown-10-1');
    expect(newRuleId('brokerDown', [first, 'brokerDown-10-1'], 36)).toBe('brokerDown-10-2');
  });
});
