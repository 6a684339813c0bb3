// findBrokerAddressInPublish / findBrokerAddressInSubscribe over the addresses of the latest
// routes: the master for writes; for reads the id asked, then id+1, then any member; an address
// that left the route is gone at once.
import { describe, expect, it } from 'vitest';
import { BrokerAddrTable, readAddrOf } from './broker-addr-table.js';
import { routeOf } from './replica-set.fixture.js';

function tableWith(sets: Record<string, Record<string, string>>): BrokerAddrTable {
  const t = new BrokerAddrTable();
  const r = routeOf(sets);
  t.update(r, [r]);
  return t;
}

describe('BrokerAddrTable', () => {
  it('with master and slave: writes to 0, reads where asked', () => {
    const t = tableWith({ a: { '0': 'm:1', '1': 's:1' } });
    expect(t.master('a')).toBe('m:1');
    expect(t.findInSubscribe('a', 0)).toEqual({ addr: 'm:1', brokerId: 0, slave: false });
    expect(t.findInSubscribe('a', 1)).toEqual({ addr: 's:1', brokerId: 1, slave: true });
  });

  it('with the slave alone: no master for writes, the slave for any read', () => {
    const t = tableWith({ a: { '1': 's:1' } });
    expect(t.master('a')).toBeUndefined();
    expect(t.findInSubscribe('a', 0)).toEqual({ addr: 's:1', brokerId: 1, slave: true });
    expect(t.findInSubscribe('a', 0, true)).toBeUndefined();
  });

  it('a suggested slave that is missing: id+1 first, then any member', () => {
    const t = tableWith({ a: { '0': 'm:1', '2': 's:2' }, b: { '0': 'm:2' } });
    expect(t.findInSubscribe('a', 1)?.addr).toBe('s:2');
    expect(t.findInSubscribe('b', 1)).toEqual({ addr: 'm:2', brokerId: 0, slave: false });
    expect(t.findInSubscribe('b', 1, true)).toBeUndefined();
    expect(t.findInSubscribe('nope', 0)).toBeUndefined();
  });

  it('drops an address that left the route and says the masters changed', () => {
    const t = new BrokerAddrTable();
    const both = routeOf({ a: { '0': 'm:1', '1': 's:1' }, b: { '0': 'm:2' } });
    expect(t.update(both, [both])).toBe(true);
    expect(t.update(both, [both])).toBe(false);
    const lost = routeOf({ a: { '1': 's:1' }, b: { '0': 'm:2' } });
    expect(t.update(lost, [lost])).toBe(true);
    expect(t.master('a')).toBeUndefined();
    expect(t.addrs().sort()).toEqual(['m:2', 's:1']);
    expect(t.addrs(true)).toEqual(['m:2']);
  });

  it('forgets a broker name no cached route lists any more', () => {
    const t = new BrokerAddrTable();
    const one = routeOf({ a: { '0': 'm:1' }, b: { '0': 'm:2' } });
    t.update(one, [one]);
    const only = routeOf({ b: { '0': 'm:2' } });
    t.update(only, [only]);
    expect(t.findInSubscribe('a', 0)).toBeUndefined();
    expect(t.addrs()).toEqual(['m:2']);
  });

  it("reads (the admin client's queries) use the master, else the lowest slave", () => {
    expect(readAddrOf({ '0': 'm:1', '1': 's:1' })).toBe('m:1');
    expect(readAddrOf({ '2': 's:2', '1': 's:1' })).toBe('s:1');
    expect(readAddrOf({})).toBeUndefined();
  });
});
