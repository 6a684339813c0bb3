// Topic configurations owned by this broker (TopicConfigManager): persisted in
// <root>/config/topics.json, versioned by a DataVersion the name server compares, and seeded with
// the system topics RocketMQ brokers create at start (TBW102 when autoCreateTopicEnable).
// A change is one line appended to topics.json.log (topic-config-log.ts) rather than a rewrite of
// every topic; topics.json is rewritten when that log outgrows it, at start and at shutdown.

import { join } from 'node:path';
import { assert } from '../../common/assert.js';
import type { BrokerConfig } from '../../common/config/broker-config.js';
import {
  SCHEDULE_TOPIC_QUEUE_NUM,
  TOPIC_CONFIG_LOG_MIN_COMPACT_BYTES,
} from '../../common/limits.js';
import type { Logger } from '../../common/logger.js';
import { isInherited, PERM_INHERIT, PERM_READ, PERM_WRITE } from '../../common/perm.js';
import { parseMessageDelayLevel, SCHEDULE_TOPIC } from '../../message/delay-level.js';
import { TIMER_TOPIC } from '../../message/system-topics.js';
import { retryTopic, TBW102 } from '../topic-validator.js';
import { readJsonFile, replaceKeepingBak, replaceKeepingBakAsync } from './config-file.js';
import { TopicConfigLog, type TopicLogEntry } from './topic-config-log.js';

export type TopicFilterType = 'SINGLE_TAG' | 'MULTI_TAG';

export interface TopicConfig {
  topicName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicFilterType: TopicFilterType;
  topicSysFlag: number;
  order: boolean;
  attributes: Record<string, string>;
}

export interface DataVersion {
  counter: number;
  stateVersion: number;
  timestamp: number;
}

interface TopicsFile {
  dataVersion: DataVersion;
  topicConfigTable: Record<string, TopicConfig>;
}

export function newTopicConfig(
  topicName: string,
  queues: number,
  perm = PERM_READ | PERM_WRITE,
): TopicConfig {
  return {
    topicName,
    readQueueNums: queues,
    writeQueueNums: queues,
    perm,
    topicFilterType: 'SINGLE_TAG',
    topicSysFlag: 0,
    order: false,
    attributes: {},
  };
}

/** DataVersion#equals: counter, timestamp and stateVersion. */
export function sameVersion(
  a: Pick<DataVersion, 'counter' | 'timestamp'> & { stateVersion?: number },
  b: Pick<DataVersion, 'counter' | 'timestamp'> & { stateVersion?: number },
): boolean {
  return (
    a.counter === b.counter &&
    a.timestamp === b.timestamp &&
    (a.stateVersion ?? 0) === (b.stateVersion ?? 0)
  );
}

export class TopicConfigManager {
  private readonly table = new Map<string, TopicConfig>();
  private readonly path: string;
  dataVersion: DataVersion = { counter: 0, stateVersion: 0, timestamp: Date.now() };
  /**
   * Called after each change, so the broker can register it at once: with the topics created or
   * updated, or undefined when name servers need every topic again (a delete, a version bump, a
   * slave's sync).
   */
  onChange: (changed: TopicConfig[] | undefined) => void = () => {};
  private readonly changeLog: TopicConfigLog;
  /** Size of topics.json when last written: the log is folded in once it grows past this. */
  private snapshotBytes = 0;
  /** Bumped by every rewrite of topics.json: a background one overtaken by another is dropped. */
  private snapshotGen = 0;
  private compaction: Promise<void> | undefined;

  private readonly config: BrokerConfig;
  private readonly log: Logger;

  constructor(config: BrokerConfig, log: Logger) {
    this.config = config;
    this.log = log;
    this.path = join(config.storePathRootDir, 'config', 'topics.json');
    this.changeLog = new TopicConfigLog(`${this.path}.log`);
  }

  load(): void {
    const file = readJsonFile<TopicsFile>(this.path);
    if (file) {
      for (const [name, tc] of Object.entries(file.topicConfigTable ?? {})) {
        this.table.set(name, { ...newTopicConfig(name, tc.readQueueNums), ...tc });
      }
      if (file.dataVersion) this.dataVersion = file.dataVersion;
    }
    const { entries, note } = this.changeLog.replay(this.dataVersion);
    if (note) this.log.warn({ path: this.changeLog.path }, note);
    for (const e of entries) this.apply(e);
    this.seedSystemTopics();
    // The replayed changes go into topics.json now, so the file people copy is current.
    if (!file || entries.length > 0 || note) this.persist();
    else this.changeLog.reset(this.dataVersion);
    this.log.info({ topics: this.table.size, replayed: entries.length }, 'topic configs loaded');
  }

  private apply(e: TopicLogEntry): void {
    if ('put' in e)
      this.table.set(e.put.topicName, {
        ...newTopicConfig(e.put.topicName, e.put.readQueueNums),
        ...e.put,
      });
    else if ('del' in e) this.table.delete(e.del);
    this.dataVersion = { ...e.v, stateVersion: e.v.stateVersion ?? 0 };
  }

  private seedSystemTopics(): void {
    const c = this.config;
    const seed = (tc: TopicConfig) => {
      if (!this.table.has(tc.topicName)) this.table.set(tc.topicName, tc);
    };
    if (c.autoCreateTopicEnable) {
      seed(newTopicConfig(TBW102, c.defaultTopicQueueNums, PERM_READ | PERM_WRITE | PERM_INHERIT));
    }
    seed(newTopicConfig('SELF_TEST_TOPIC', 1));
    seed(newTopicConfig(c.brokerClusterName, 16, PERM_INHERIT | PERM_READ | PERM_WRITE));
    seed(newTopicConfig(c.brokerName, 1, PERM_INHERIT | PERM_READ | PERM_WRITE));
    seed(newTopicConfig('OFFSET_MOVED_EVENT', 1));
    // One queue per delay level; RocketMQ seeds 18 (SCHEDULE_TOPIC_QUEUE_NUM) whatever the levels.
    const levels = parseMessageDelayLevel(c.messageDelayLevel).length;
    seed(newTopicConfig(SCHEDULE_TOPIC, Math.max(SCHEDULE_TOPIC_QUEUE_NUM, levels)));
    if (c.timerWheelEnable) seed(newTopicConfig(TIMER_TOPIC, 1)); // TopicConfigManager, 5.x
    seed(newTopicConfig(`${c.brokerClusterName}_REPLY_TOPIC`, 1));
  }

  get(topic: string): TopicConfig | undefined {
    return this.table.get(topic);
  }

  all(): TopicConfig[] {
    return [...this.table.values()];
  }

  /** Creates or replaces a topic; returns false when nothing changed (idempotent admin call). */
  createOrUpdate(tc: TopicConfig): boolean {
    assert(
      tc.readQueueNums >= 0 && tc.writeQueueNums >= 0,
      'queue numbers are validated by callers',
    );
    const old = this.table.get(tc.topicName);
    if (old && JSON.stringify(old) === JSON.stringify(tc)) return false;
    this.table.set(tc.topicName, tc);
    this.commitChange([tc], topicEntry);
    this.log.info({ topic: tc.topicName, old, new: tc }, 'topic config updated');
    return true;
  }

  delete(topic: string): boolean {
    if (!this.table.delete(topic)) return false;
    this.commitChange(undefined, (v) => ({ v, del: topic }));
    return true;
  }

  /**
   * A slave taking its master's table whole (SlaveSynchronize#syncTopicConfig): same topics, same
   * DataVersion, so the next round sees nothing new and the name server sees the master's
   * version. Returns false when the version was already the master's.
   */
  replaceAll(
    table: readonly TopicConfig[],
    dataVersion: Pick<DataVersion, 'counter' | 'timestamp'> & { stateVersion?: number },
  ): boolean {
    if (sameVersion(this.dataVersion, dataVersion)) return false;
    this.table.clear();
    for (const tc of table) this.table.set(tc.topicName, tc);
    this.dataVersion = { stateVersion: 0, ...dataVersion };
    this.persist();
    this.onChange(undefined);
    return true;
  }

  /**
   * Auto-creation through a default topic (AbstractSendMessageProcessor#msgCheck →
   * TopicConfigManager#createTopicInSendMessageMethod). Returns null when not allowed.
   */
  createTopicInSendMessageMethod(
    topic: string,
    defaultTopic: string,
    queueNums: number,
  ): TopicConfig | null {
    const existing = this.table.get(topic);
    if (existing) return existing;
    const def = this.table.get(defaultTopic);
    if (!def) return null;
    let perm = def.perm;
    // With auto-creation off, TBW102 loses its inherit bit (RocketMQ treats it as perm 6).
    if (defaultTopic === TBW102 && !this.config.autoCreateTopicEnable)
      perm = PERM_READ | PERM_WRITE;
    if (!isInherited(perm)) return null;
    const n = Math.max(0, Math.min(queueNums, def.writeQueueNums));
    const tc: TopicConfig = {
      ...newTopicConfig(topic, n, perm & ~PERM_INHERIT),
      topicFilterType: def.topicFilterType,
    };
    this.table.set(topic, tc);
    this.commitChange([tc], topicEntry);
    this.log.info({ topic, queues: n, defaultTopic }, 'topic auto-created by a send');
    return tc;
  }

  /** The retry topic of a consumer group, created on first heartbeat (1 queue, RW). */
  createRetryTopicIfAbsent(group: string, queueNums = 1): TopicConfig {
    return this.createTopicInSendMessageBackMethod(
      retryTopic(group),
      queueNums,
      PERM_READ | PERM_WRITE,
    );
  }

  /** Retry and dead-letter topics (TopicConfigManager#createTopicInSendMessageBackMethod). */
  createTopicInSendMessageBackMethod(topic: string, queueNums: number, perm: number): TopicConfig {
    const existing = this.table.get(topic);
    if (existing) return existing;
    const tc = newTopicConfig(topic, queueNums, perm);
    this.table.set(topic, tc);
    this.commitChange([tc], topicEntry);
    this.log.info({ topic, queueNums, perm }, 'retry/DLQ topic created');
    return tc;
  }

  /** TopicConfigManager#getDataVersion().nextVersion(): no topic changed, but routes must. */
  nextDataVersion(): void {
    this.commitChange(undefined, (v) => ({ v }));
  }

  /** Resolves once every change made so far survives a crash; answer the change after it. */
  durable(): Promise<void> {
    return this.changeLog.durable();
  }

  private commitChange(
    changed: TopicConfig[] | undefined,
    entry: (v: DataVersion, changed: TopicConfig[] | undefined) => TopicLogEntry,
  ): void {
    this.dataVersion = {
      counter: this.dataVersion.counter + 1,
      stateVersion: this.dataVersion.stateVersion,
      timestamp: Date.now(),
    };
    // Without load() there is no log over a snapshot yet: write the snapshot itself.
    if (this.changeLog.open) this.changeLog.append(entry(this.dataVersion, changed));
    else this.persist();
    // Folded in once the log outgrows the snapshot: a rewrite of n topics every ~n changes keeps
    // the cost per change constant, and replay at start stays shorter than the snapshot's read.
    if (
      !this.compaction &&
      this.changeLog.bytes > Math.max(TOPIC_CONFIG_LOG_MIN_COMPACT_BYTES, this.snapshotBytes)
    ) {
      this.compaction = this.compactInBackground()
        .catch((err: unknown) => this.log.error({ err }, 'rewriting topics.json failed; retried'))
        .finally(() => {
          this.compaction = undefined;
        });
    }
    this.onChange(changed);
  }

  /** Rewrites topics.json (its previous version kept as .bak) and starts an empty change log. */
  persist(): void {
    this.snapshotGen++;
    this.snapshotBytes = replaceKeepingBak(this.path, snapshotChunks(this.dataVersion, this.table));
    this.changeLog.reset(this.dataVersion);
  }

  /**
   * persist() without holding the event loop: topics.json is written from the table as it was
   * (`version`, the log `mark` bytes long) in pieces while changes go on into the log; then the
   * log keeps only the lines after `mark`. A crash before that leaves a log whose lines up to
   * `version` the start skips (TopicConfigLog#replay).
   */
  private async compactInBackground(): Promise<void> {
    const gen = ++this.snapshotGen;
    const version = this.dataVersion;
    const mark = this.changeLog.bytes;
    const table = new Map(this.table);
    const bytes = await replaceKeepingBakAsync(
      this.path,
      snapshotChunks(version, table),
      () => gen === this.snapshotGen && this.changeLog.open,
    );
    // Overtaken by persist() after the rename (a slave's sync, shutdown): its log is current.
    if (bytes === undefined || gen !== this.snapshotGen || !this.changeLog.open) return;
    this.snapshotBytes = bytes;
    this.changeLog.rebase(version, mark);
  }

  /** Resolves once a background rewrite of topics.json in progress is done. */
  async compacted(): Promise<void> {
    await this.compaction;
  }

  /** At shutdown: topics.json holds every change, and the log is empty. */
  close(): void {
    this.persist();
    this.changeLog.close();
  }
}

/**
 * Each topic's part of topics.json, kept per config object (a change replaces the object), so a
 * rewrite at 100,000 topics joins strings instead of serializing every topic again.
 */
const fragments = new WeakMap<TopicConfig, string>();

/**
 * What JSON.stringify(file, null, 2) writes (RocketMQ's pretty topics.json), in pieces of a few
 * thousand topics, so a 25 MB file is never one string.
 */
export function* snapshotChunks(
  dataVersion: DataVersion,
  table: ReadonlyMap<string, TopicConfig>,
): Generator<string> {
  const indent = (json: string, pad: string) => json.replace(/\n/g, `\n${pad}`);
  const version = indent(JSON.stringify(dataVersion, null, 2), '  ');
  if (table.size === 0) {
    yield `{\n  "dataVersion": ${version},\n  "topicConfigTable": {}\n}`;
    return;
  }
  yield `{\n  "dataVersion": ${version},\n  "topicConfigTable": {\n`;
  let parts: string[] = [];
  let first = true;
  for (const [name, tc] of table) {
    let f = fragments.get(tc);
    if (f === undefined) {
      f = indent(JSON.stringify(tc, null, 2), '    ');
      fragments.set(tc, f);
    }
    parts.push(`    ${JSON.stringify(name)}: ${f}`);
    if (parts.length === SNAPSHOT_CHUNK_TOPICS) {
      yield (first ? '' : ',\n') + parts.join(',\n');
      first = false;
      parts = [];
    }
  }
  if (parts.length > 0) yield (first ? '' : ',\n') + parts.join(',\n');
  yield '\n  }\n}';
}

/** Topics per piece of a topics.json rewrite. */
const SNAPSHOT_CHUNK_TOPICS = 2000;

const topicEntry = (v: DataVersion, changed: TopicConfig[] | undefined): TopicLogEntry => {
  const tc = changed?.[0];
  assert(tc !== undefined && changed?.length === 1, 'a topic entry holds one topic');
  return { v, put: tc };
};
