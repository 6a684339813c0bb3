// Producer groups and their connections (ProducerManager); needed later for transaction
// check-back and request/reply, kept now so heartbeats and admin listings are complete.
import type { Connection } from '../../remoting/connection.js';
import type { ClientChannelInfo } from './consumer-manager.js';

export class ProducerManager {
  private readonly groups = new Map<string, Map<Connection, ClientChannelInfo>>();
  private readonly turns = new Map<string, number>();

  register(group: string, conn: Connection, info: ClientChannelInfo): void {
    let g = this.groups.get(group);
    if (!g) {
      g = new Map();
      this.groups.set(group, g);
    }
    g.set(conn, info);
  }

  unregister(group: string, conn: Connection): void {
    const g = this.groups.get(group);
    if (!g) return;
    g.delete(conn);
    if (g.size === 0) this.groups.delete(group);
  }

  /** ProducerManager#findChannel: the connection of a producer client id (request-reply). */
  findChannel(clientId: string): Connection | undefined {
    for (const g of this.groups.values()) {
      for (const [conn, info] of g) if (info.clientId === clientId && !conn.isClosed) return conn;
    }
    return undefined;
  }

  /**
   * ProducerManager#getAvailableChannel: a live connection of `group`, taken in turn (round
   * robin), so any member of the group may answer a transaction check, not only the sender.
   */
  availableChannel(group: string): Connection | undefined {
    const g = this.groups.get(group);
    if (!g) return undefined;
    const live = [...g.keys()].filter((c) => !c.isClosed);
    if (live.length === 0) return undefined;
    const n = (this.turns.get(group) ?? 0) + 1;
    this.turns.set(group, n);
    return live[n % live.length];
  }

  onChannelClose(conn: Connection): void {
    for (const [name, g] of [...this.groups]) {
      g.delete(conn);
      if (g.size === 0) this.groups.delete(name);
    }
  }

  scanExpired(now: number, timeoutMs: number): void {
    for (const [name, g] of [...this.groups]) {
      for (const [conn, info] of [...g]) {
        if (now - info.lastUpdateTimestamp > timeoutMs) g.delete(conn);
      }
      if (g.size === 0) this.groups.delete(name);
    }
  }

  /** The group's live connections (getGroupChannelTable().get); undefined for an unknown group. */
  channels(group: string): ReadonlyMap<Connection, ClientChannelInfo> | undefined {
    return this.groups.get(group);
  }

  groupNames(): string[] {
    return [...this.groups.keys()];
  }
}
