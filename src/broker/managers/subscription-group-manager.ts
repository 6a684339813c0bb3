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
import { type FileIO, nodeFileIO } from '../../store/file-io.js';
import { validateGroup } from '../topic-validator.js';
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
  private lastWrite: Promise<void> = Promise.resolve();

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
    this.changed();
    return created;
  }

  /** updateSubscriptionGroupConfig: the group as given replaces the old one, persisted. */
  upsert(cfg: SubscriptionGroupConfig): void {
    this.table.set(cfg.groupName, cfg);
    this.changed();
  }

  /** deleteSubscriptionGroupConfig: returns whether the group existed (Java only logs it). */
  delete(group: string): boolean {
    if (!this.table.delete(group)) return false;
    this.changed();
    return true;
  }

  /**
   * Resolves once the table as of the last change is on disk; rejects when that write failed.
   * A change is in memory at once and written in the background, so an admin request whose
   * answer promises the change is stored awaits this; a heartbeat that auto-creates does not.
   */
  stored(): Promise<void> {
    return this.lastWrite;
  }

  /**
   * A slave taking its master's groups (SlaveSynchronize#syncSubscriptionGroupConfig), only when
   * the master's DataVersion differs; returns whether anything was replaced.
   */
  replaceAll(groups: readonly SubscriptionGroupConfig[], dataVersion: DataVersion): boolean {
    if (sameVersion(this.version, dataVersion)) return false;
    this.table.clear();
    for (const g of groups) this.table.set(g.groupName, g);
    this.version = { stateVersion: 0, ...dataVersion };
    this.persist();
    return true;
  }

  get dataVersion(): DataVersion {
    return { ...this.version };
  }

  /** DataVersion#nextVersion: a slave or a tool comparing versions sees the table moved. */
  private changed(): void {
    this.version = { ...this.version, counter: this.version.counter + 1, timestamp: Date.now() };
    this.persist();
  }

  all(): SubscriptionGroupConfig[] {
    return [...this.table.values()];
  }

  /** Writes the table as it is now (the snapshot is taken before this returns); see stored(). */
  persist(): void {
    const text = JSON.stringify(
      { subscriptionGroupTable: Object.fromEntries(this.table), dataVersion: this.version },
      null,
      2,
    );
    const write = this.writer.write(text);
    // Whoever does not await stored() still must not see an unhandled rejection; the writer has
    // logged the failure, and the next change or close() writes the whole table again.
    write.catch(() => {});
    this.lastWrite = write;
  }

  /** At shutdown: a failed last write is tried once more, then every write is awaited. */
  async close(): Promise<void> {
    if (this.writer.failed) this.persist(); // its failure, if any, is logged by the writer
    await this.writer.flush();
  }
}
