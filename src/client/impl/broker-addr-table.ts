// MQClientInstance#brokerAddrTable: every address of every replica set (brokerName → brokerId →
// address), as the latest route of any topic lists it. Each refresh replaces a set's addresses
// wholesale and cleanOfflineBroker's job is done at once: a broker name no cached route lists
// any more is forgotten, so a dead master stops being "the" address as soon as the name server
// drops it. Lookups follow findBrokerAddressInPublish (the master, id 0, only) and
// findBrokerAddressInSubscribe (the id asked, then id+1 for a slave id, then any address, lowest
// id first).
import type { TopicRouteData } from '../../protocol/bodies/route-data.js';

/** MixAll.MASTER_ID. */
export const MASTER_ID = 0;

export interface FoundBroker {
  addr: string;
  brokerId: number;
  /** Not the master: the pull carries no offset commit (PullAPIWrapper#pullKernelImpl). */
  slave: boolean;
}

export class BrokerAddrTable {
  private readonly table = new Map<string, ReadonlyMap<number, string>>();

  /**
   * Takes the addresses of a fresh route of one topic; `routes` are all the routes cached (the
   * fresh one among them). Returns whether any master address changed (publish caches are stale).
   */
  update(route: TopicRouteData, routes: Iterable<TopicRouteData>): boolean {
    const mastersBefore = this.masterSnapshot();
    for (const bd of route.brokerDatas) {
      const ids = new Map<number, string>();
      for (const [id, addr] of Object.entries(bd.brokerAddrs)) {
        if (addr) ids.set(Number(id), addr);
      }
      this.table.set(bd.brokerName, ids);
    }
    const listed = new Set<string>();
    for (const r of routes) for (const bd of r.brokerDatas) listed.add(bd.brokerName);
    for (const name of [...this.table.keys()]) if (!listed.has(name)) this.table.delete(name);
    return mastersBefore !== this.masterSnapshot();
  }

  /** findBrokerAddressInPublish: producers and writes use the master only. */
  master(brokerName: string): string | undefined {
    return this.table.get(brokerName)?.get(MASTER_ID);
  }

  /** findBrokerAddressInSubscribe(brokerName, brokerId, onlyThisBroker). */
  findInSubscribe(
    brokerName: string,
    brokerId: number,
    onlyThisBroker = false,
  ): FoundBroker | undefined {
    const ids = this.table.get(brokerName);
    if (!ids || ids.size === 0) return undefined;
    const at = (id: number): FoundBroker | undefined => {
      const addr = ids.get(id);
      return addr === undefined ? undefined : { addr, brokerId: id, slave: id !== MASTER_ID };
    };
    let found = at(brokerId);
    if (!found && brokerId !== MASTER_ID) found = at(brokerId + 1);
    if (!found && !onlyThisBroker) found = at(Math.min(...ids.keys()));
    return found;
  }

  /** Every address, or only the masters' (producer-only heartbeats). */
  addrs(mastersOnly = false): string[] {
    const out = new Set<string>();
    for (const ids of this.table.values()) {
      for (const [id, addr] of ids) if (!mastersOnly || id === MASTER_ID) out.add(addr);
    }
    return [...out];
  }

  private masterSnapshot(): string {
    const parts: string[] = [];
    for (const [name, ids] of this.table) parts.push(`${name}=${ids.get(MASTER_ID) ?? ''}`);
    return parts.sort().join(';');
  }
}

/** A route entry's address for reads (BrokerData#selectBrokerAddr): the master, else a slave. */
export function readAddrOf(brokerAddrs: Readonly<Record<string, string>>): string | undefined {
  const master = brokerAddrs[String(MASTER_ID)];
  if (master) return master;
  const ids = Object.keys(brokerAddrs)
    .map(Number)
    .sort((a, b) => a - b);
  return ids.length > 0 ? brokerAddrs[String(ids[0])] : undefined;
}
