// Producer groups and their connections (ProducerManager); needed later for transaction
// check-back and request/reply, kept now so heartbeats and admin listings are complete.
import type { Connection } from '../../remoting/connection.js';
import type { ClientChannelInfo } from './consumer-manager.js';

export class ProducerManager {
  private readonly groups = new Map<string, Map<Connection, ClientChannelInfo>>();

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

  groupNames(): string[] {
    return [...this.groups.keys()];
  }
}
