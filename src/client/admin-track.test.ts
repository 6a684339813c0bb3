import { describe, expect, it } from 'vitest';
import { subscriptionTakes } from './admin-track.js';

describe('subscriptionTakes', () => {
  it("takes every tag for '*' and only the listed ones otherwise", () => {
    expect(subscriptionTakes({ topic: 'T', subString: '*' }, undefined)).toBe(true);
    const ab = { topic: 'T', subString: 'TagA || TagB', tagsSet: ['TagA', 'TagB'] };
    expect(subscriptionTakes(ab, 'TagB')).toBe(true);
    expect(subscriptionTakes(ab, 'TagC')).toBe(false);
    expect(subscriptionTakes(ab, undefined)).toBe(false);
    // A client that sent no tagsSet: the expression itself is split.
    expect(subscriptionTakes({ topic: 'T', subString: 'TagA||TagC' }, 'TagC')).toBe(true);
  });

  it('leaves SQL92 subscriptions to the broker', () => {
    const sql = { topic: 'T', subString: 'a > 1', expressionType: 'SQL92' };
    expect(subscriptionTakes(sql, 'TagZ')).toBe(true);
  });
});
