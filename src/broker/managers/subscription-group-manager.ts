// Subscription group configs (SubscriptionGroupManager): auto-created on first heartbeat or pull
// when autoCreateSubscriptionGroup is on, persisted in <root>/config/subscriptionGroup.json.
import { join } from 'node:path';
import type { BrokerConfig } from '../../common/config/broker-config.js';
import { validateGroup } from '../topic-validator.js';
import { readJsonFile, writeJsonFile } from './config-file.js';

export interface SubscriptionGroupConfig {
  groupName: string;
  consumeEnable: boolean;
  consumeFromMinEnable: boolean;
  consumeBroadcastEnable: boolean;
  retryQueueNums: number;
  retryMaxTimes: number;
  brokerId: number;
  whichBrokerWhenConsumeSlowly: number;
  notifyConsumerIdsChangedEnable: boolean;
}

export function newSubscriptionGroupConfig(groupName: string): SubscriptionGroupConfig {
  return {
    groupName,
    consumeEnable: true,
    consumeFromMinEnable: true,
    consumeBroadcastEnable: true,
    retryQueueNums: 1,
    retryMaxTimes: 16,
    brokerId: 0,
    whichBrokerWhenConsumeSlowly: 1,
    notifyConsumerIdsChangedEnable: true,
  };
}

export class SubscriptionGroupManager {
  private readonly table = new Map<string, SubscriptionGroupConfig>();
  private readonly path: string;
  private readonly autoCreate: boolean;

  constructor(config: BrokerConfig) {
    this.path = join(config.storePathRootDir, 'config', 'subscriptionGroup.json');
    this.autoCreate = config.autoCreateSubscriptionGroup;
  }

  load(): void {
    const file = readJsonFile<{ subscriptionGroupTable: Record<string, SubscriptionGroupConfig> }>(
      this.path,
    );
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
    this.persist();
    return created;
  }

  upsert(cfg: SubscriptionGroupConfig): void {
    this.table.set(cfg.groupName, cfg);
    this.persist();
  }

  all(): SubscriptionGroupConfig[] {
    return [...this.table.values()];
  }

  persist(): void {
    writeJsonFile(this.path, { subscriptionGroupTable: Object.fromEntries(this.table) });
  }
}
