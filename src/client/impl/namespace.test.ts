import { describe, expect, it } from 'vitest';
import { unwrapNamespace, wrapNamespace } from './namespace.js';

describe('namespaces', () => {
  it('wraps topics, groups and retry/DLQ topics once, and unwraps them', () => {
    expect(wrapNamespace('NS', 'Orders')).toBe('NS%Orders');
    expect(wrapNamespace('NS', 'NS%Orders')).toBe('NS%Orders');
    expect(wrapNamespace('NS', '%RETRY%G')).toBe('%RETRY%NS%G');
    expect(wrapNamespace('NS', '%DLQ%G')).toBe('%DLQ%NS%G');
    expect(wrapNamespace('NS', 'TBW102')).toBe('TBW102');
    expect(wrapNamespace(undefined, 'Orders')).toBe('Orders');
    expect(unwrapNamespace('NS', 'NS%Orders')).toBe('Orders');
    expect(unwrapNamespace('NS', '%RETRY%NS%G')).toBe('%RETRY%G');
    expect(unwrapNamespace('NS', 'Other%Orders')).toBe('Other%Orders');
  });
});
