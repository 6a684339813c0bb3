// Subscription group configs (SubscriptionGroupManager): auto-created on first heartbeat or pull
// when autoCreateSubscriptionGroup is on, persisted in <root>/config/subscriptionGroup.json with
// the DataVersion that counts its changes (GET_ALL_SUBSCRIPTIONGROUP_CONFIG hands both out).
// Each change is written off the event loop (ConfigFileWriter: one write in flight, newer
// snapshots coalesced), so a burst of auto-created groups never stalls the broker on disk syncs;
// the admin requests that promise the change is stored await the write before answering.
import { join } from 'node:path';
import type { BrokerConfig } from '../../common/config/broker-config.js';
import type { Logger } from '../../common/logger.js';
import type { DataVersion } from '../../protocol/bodies/route-data.js';
import {
  type SubscriptionGroupConfigBody,
  subscriptionGroupBody,
} from '../../protocol/bodies/subscription-group.js';
import { validateGroup } from '../topic-validator.js';
import { type FileIO, nodeFileIO } from '../../store/file-io.js';
import { readJsonFile } from './config-file.js';
import { ConfigFileWriter } from './config-file-writer.js';
import { sameVersion } from './topic-config-manager.js';

/** Every field of RocketMQ 5's SubscriptionGroupConfig, as subscriptionGroup.json keeps it. */
export type SubscriptionGroupConfig = SubscriptionGroupConfigBody;

export function newSubscriptionGroupConfig(groupName: string): SubscriptionGroupConfig {
  return subscriptionGroupBody({ groupName });
}

export class SubscriptionGroupManager {
  private readonly table = new Map<string, SubscriptionGroupConfig>();
  private readonly path: string;
  private readonly autoCreate: boolean;
  private version: DataVersion = { counter: 0, stateVersion: 0, timestamp: Date.now() };
  private readonly writer: ConfigFileWriter;

  constructor(config: BrokerConfig, log?: Logger, io: FileIO = nodeFileIO) {
    this.path = join(config.storePathRootDir, 'config', 'subscriptionGroup.json');
    this.autoCreate = config.autoCreateSubscriptionGroup;
    this.writer = new ConfigFileWriter(this.path, io, log);
  }

  load(): void {
    const file = readJsonFile<{
      subscriptionGroupTable: Record<string, SubscriptionGroupConfig>;
      dataVersion?: DataVersion;
    }>(this.path);
    if (file?.dataVersion) this.version = { ...this.version, ...file.dataVersion };
    for (const [name, g] of Object.entries(file?.subscriptionGroupTable ?? {})) {
      this.table.set(name, { ...newSubscriptionGroupConfig(name), ...g });
    }
  }

  /** findSubscriptionGroupConfig: auto-creates a valid group when allowed. */
  find(group: string): SubscriptionGroupConfig | undefined {
    const existing = this.table.get(group);
    if (existing || !this.autoCreate || validateGroup(group) !== null) return existing;
    const created = newSubscriptionGroupConfig(group);
    this.table.set(group, created);
    // Not awaited: the heartbeat or pull that made it does not promise it is stored (a failure
    // is logged by the writer, and the next change writes the whole table again).
    this.changed().catch(() => {});
    return created;
  }

  /**
   * updateSubscriptionGroupConfig: the group as given replaces the old one at once; resolves
   * once the table holding it is on disk.
   */
  upsert(cfg: SubscriptionGroupConfig): Promise<void> {
    this.table.set(cfg.groupName, cfg);
    return this.changed();
  }

  /**
   * deleteSubscriptionGroupConfig: `existed` says whether the group was there (Java only logs
   * it); `stored` resolves once the table without it is on disk.
   */
  delete(group: string): { existed: boolean; stored: Promise<void> } {
    if (!this.table.delete(group)) return { existed: false, stored: Promise.resolve() };
    return { existed: true, stored: this.changed() };
  }

  /**
   * A slave taking its master's groups (SlaveSynchronize#syncSubscriptionGroupConfig), only when
   * the master's DataVersion differs; returns whether anything was replaced.
   */
  async replaceAll(
    groups: readonly SubscriptionGroupConfig[],
    dataVersion: DataVersion,
  ): Promise<boolean> {
    if (sameVersion(this.version, dataVersion)) return false;
    this.table.clear();
    for (const g of groups) this.table.set(g.groupName, g);
    this.version = { stateVersion: 0, ...dataVersion };
    await this.persist();
    return true;
  }

  get dataVersion(): DataVersion {
    return { ...this.version };
  }

  /** DataVersion#nextVersion: a slave or a tool comparing versions sees the table moved. */
  private changed(): Promise<void> {
    this.version = { ...this.version, counter: this.version.counter + 1, timestamp: Date.now() };
    return this.persist();
  }

  all(): SubscriptionGroupConfig[] {
    return [...this.table.values()];
  }

  /** Writes the table as it is now (snapshot taken before this returns); resolves once stored. */
  persist(): Promise<void> {
    const text = JSON.stringify(
      { subscriptionGroupTable: Object.fromEntries(this.table), dataVersion: this.version },
      null,
      2,
    );
    return this.writer.write(text);
  }

  /** At shutdown: a failed last write is tried once more, then every write is awaited. */
  async close(): Promise<void> {
    if (this.writer.failed) await this.persist().catch(() => {}); // logged by the writer
    await this.writer.flush();
  }
}
