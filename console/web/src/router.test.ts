import { describe, expect, it } from 'vitest';
import { fmt } from './i18n.js';
import { href, PAGES, parseRoute } from './router.js';

describe('hash routes', () => {
  it('round-trips names that need escaping', () => {
    const topic = '%RETRY%group/with space';
    expect(parseRoute(href('topics', topic))).toEqual({ page: 'topic', topic });
    expect(parseRoute(href('groups', 'G1'))).toEqual({ page: 'group', group: 'G1' });
  });

  it('opens the dashboard for an empty or unknown hash', () => {
    expect(parseRoute('')).toEqual({ page: 'dashboard' });
    expect(parseRoute('#/nowhere')).toEqual({ page: 'dashboard' });
    expect(parseRoute('#/topics/')).toEqual({ page: 'topics' });
    expect(parseRoute('#/audit')).toEqual({ page: 'audit' });
    expect(parseRoute('#/cluster')).toEqual({ page: 'cluster' });
  });

  it('every page in the navigation opens itself', () => {
    for (const page of PAGES) expect(parseRoute(href(page))).toEqual({ page });
  });
});

describe('fmt', () => {
  it('fills known placeholders and leaves unknown ones visible', () => {
    expect(fmt('{n} 秒 / {n} s', { n: 3 })).toBe('3 秒 / 3 s');
    expect(fmt('broker {addr} {missing}', { addr: '127.0.0.1:10911' })).toBe(
      'broker 127.0.0.1:10911 {missing}',
    );
    expect(fmt('scanned {n} of {m} queues', { n: 4, m: 8 })).toBe('scanned 4 of 8 queues');
  });
});
