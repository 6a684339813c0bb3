// Live consumers per group (ConsumerManager + ConsumerGroupInfo): which connections belong to a
// group and what they subscribe to. Membership changes are announced to the group with
// NOTIFY_CONSUMER_IDS_CHANGED, oneway, because ali-ons never answers broker requests.
import { assert } from '../../common/assert.js';
import type { Logger } from '../../common/logger.js';
import { createRequest } from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import type { Connection } from '../../remoting/connection.js';

export interface SubscriptionData {
  topic: string;
  subString: string;
  tagsSet: string[];
  codeSet: number[];
  subVersion: number;
  expressionType: string;
  classFilterMode?: boolean;
}

export interface ClientChannelInfo {
  clientId: string;
  language: string;
  version: number;
  lastUpdateTimestamp: number;
}

export interface ConsumerGroupInfo {
  groupName: string;
  consumeType: string;
  messageModel: string;
  consumeFromWhere: string;
  channels: Map<Connection, ClientChannelInfo>;
  subscriptions: Map<string, SubscriptionData>;
}

export interface ConsumerRegistration {
  group: string;
  consumeType: string;
  messageModel: string;
  consumeFromWhere: string;
  subscriptions: SubscriptionData[];
}

export class ConsumerManager {
  private readonly groups = new Map<string, ConsumerGroupInfo>();
  private readonly log: Logger;

  constructor(log: Logger) {
    this.log = log;
  }

  get(group: string): ConsumerGroupInfo | undefined {
    return this.groups.get(group);
  }

  groupNames(): string[] {
    return [...this.groups.keys()];
  }

  /** registerConsumer: returns true when membership or subscriptions changed. */
  register(reg: ConsumerRegistration, conn: Connection, info: ClientChannelInfo): boolean {
    let g = this.groups.get(reg.group);
    if (!g) {
      g = {
        groupName: reg.group,
        consumeType: reg.consumeType,
        messageModel: reg.messageModel,
        consumeFromWhere: reg.consumeFromWhere,
        channels: new Map(),
        subscriptions: new Map(),
      };
      this.groups.set(reg.group, g);
    }
    g.consumeType = reg.consumeType;
    g.messageModel = reg.messageModel;
    g.consumeFromWhere = reg.consumeFromWhere;
    const prev = g.channels.get(conn);
    let changed = prev === undefined || prev.clientId !== info.clientId;
    g.channels.set(conn, info);
    const seen = new Set<string>();
    for (const sub of reg.subscriptions) {
      seen.add(sub.topic);
      const old = g.subscriptions.get(sub.topic);
      if (!old) {
        g.subscriptions.set(sub.topic, sub);
        changed = true;
      } else if (sub.subVersion > old.subVersion) {
        if (old.subString !== sub.subString) changed = true;
        g.subscriptions.set(sub.topic, sub);
      }
    }
    for (const topic of [...g.subscriptions.keys()]) {
      if (!seen.has(topic)) {
        g.subscriptions.delete(topic);
        changed = true;
      }
    }
    if (changed) this.notify(g);
    return changed;
  }

  unregister(group: string, conn: Connection): void {
    const g = this.groups.get(group);
    if (!g?.channels.delete(conn)) return;
    if (g.channels.size === 0) this.groups.delete(group);
    else this.notify(g);
  }

  /** A closed connection leaves every group at once (doChannelCloseEvent). */
  onChannelClose(conn: Connection): void {
    for (const g of [...this.groups.values()]) {
      if (!g.channels.delete(conn)) continue;
      this.log.info({ group: g.groupName, remote: conn.remoteAddress }, 'consumer channel closed');
      if (g.channels.size === 0) this.groups.delete(g.groupName);
      else this.notify(g);
    }
  }

  /** Drops channels silent for longer than timeoutMs and closes their connections. */
  scanExpired(now: number, timeoutMs: number): void {
    for (const g of [...this.groups.values()]) {
      for (const [conn, info] of [...g.channels]) {
        if (now - info.lastUpdateTimestamp <= timeoutMs) continue;
        this.log.warn({ group: g.groupName, clientId: info.clientId }, 'consumer channel expired');
        conn.close(); // the close event removes it and notifies the rest
        g.channels.delete(conn);
      }
      if (g.channels.size === 0) this.groups.delete(g.groupName);
    }
  }

  clientIds(group: string): string[] {
    const g = this.groups.get(group);
    return g ? [...g.channels.values()].map((c) => c.clientId) : [];
  }

  private notify(g: ConsumerGroupInfo): void {
    if (g.messageModel === 'BROADCASTING') return;
    assert(g.channels.size > 0, 'only groups with members are notified');
    for (const conn of g.channels.keys()) {
      conn.invokeOneway(
        createRequest(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, 0, { consumerGroup: g.groupName }),
      );
    }
  }
}
