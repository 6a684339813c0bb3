// Committed consumer offsets (ConsumerOffsetManager): "<topic>@<group>" → queueId → next offset
// to consume. Persisted to <root>/config/consumerOffset.json every flushConsumerOffsetInterval
// and at shutdown (through an injectable FileIO); a commit is in memory first, as in RocketMQ.
// The file is written off the event loop by a ConfigFileWriter (one write in flight, newer
// snapshots coalesced): a periodic persist never stalls sends and pulls behind a disk sync.
import { join } from 'node:path';
import { assert } from '../../common/assert.js';
import type { Logger } from '../../common/logger.js';
import { type FileIO, nodeFileIO } from '../../store/file-io.js';
import { readJsonFile } from './config-file.js';
import { ConfigFileWriter } from './config-file-writer.js';

const SEP = '@';

/** table[key][queueId] = offset, the inner map made on first use. */
function setQueueOffset(
  table: Map<string, Map<number, number>>,
  key: string,
  queueId: number,
  offset: number,
): void {
  let m = table.get(key);
  if (!m) {
    m = new Map();
    table.set(key, m);
  }
  m.set(queueId, offset);
}

export class ConsumerOffsetManager {
  private readonly table = new Map<string, Map<number, number>>();
  /** Last nextBeginOffset handed out per key/queue (GET_CONSUME_STATS pullOffset). */
  private readonly pullOffsets = new Map<string, Map<number, number>>();
  /**
   * Server-side resets (5.x useServerSideResetOffset): the next pull of each queue is answered
   * PULL_OFFSET_MOVED to this offset, and commits for the queue are ignored until then.
   */
  private readonly resets = new Map<string, Map<number, number>>();
  private readonly path: string;
  private dirty = false;
  private readonly io: FileIO;
  private readonly writer: ConfigFileWriter;

  constructor(storePathRootDir: string, io: FileIO = nodeFileIO, log?: Logger) {
    this.path = join(storePathRootDir, 'config', 'consumerOffset.json');
    this.io = io;
    this.writer = new ConfigFileWriter(this.path, io, log);
  }

  load(): void {
    const file = readJsonFile<{
      offsetTable: Record<string, Record<string, number>>;
      resetOffsetTable?: Record<string, Record<string, number>>;
    }>(this.path, this.io);
    for (const [table, from] of [
      [this.table, file?.offsetTable],
      [this.resets, file?.resetOffsetTable],
    ] as const) {
      for (const [key, queues] of Object.entries(from ?? {})) {
        const m = new Map<number, number>();
        for (const [q, off] of Object.entries(queues)) m.set(Number(q), off);
        table.set(key, m);
      }
    }
  }

  commitOffset(group: string, topic: string, queueId: number, offset: number): void {
    assert(Number.isSafeInteger(offset), 'offsets are validated by the processor');
    const key = topic + SEP + group;
    setQueueOffset(this.table, key, queueId, offset);
    this.dirty = true;
  }

  /** Commits `offset` and marks it pending for the next pull (INVOKE_BROKER_TO_RESET_OFFSET). */
  resetOffset(group: string, topic: string, queueId: number, offset: number): void {
    this.commitOffset(group, topic, queueId, offset);
    const key = topic + SEP + group;
    setQueueOffset(this.resets, key, queueId, offset);
  }

  hasPendingReset(group: string, topic: string, queueId: number): boolean {
    return this.resets.get(topic + SEP + group)?.has(queueId) ?? false;
  }

  /** The pending reset of a queue, cleared as it is handed out; undefined when there is none. */
  takePendingReset(group: string, topic: string, queueId: number): number | undefined {
    const key = topic + SEP + group;
    const m = this.resets.get(key);
    const offset = m?.get(queueId);
    if (offset === undefined) return undefined;
    m!.delete(queueId);
    if (m!.size === 0) this.resets.delete(key);
    this.dirty = true;
    return offset;
  }

  /** Every committed offset, "<topic>@<group>" → queueId → offset (GET_ALL_CONSUMER_OFFSET). */
  offsetTable(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const [key, m] of this.table) out[key] = Object.fromEntries(m);
    return out;
  }

  /**
   * A slave applying its master's table (SlaveSynchronize#syncConsumerOffset): each queue keeps
   * the larger of the two offsets. RocketMQ puts the master's entries over the slave's, so a
   * commit a consumer made to the slave while the master was down is thrown away when the master
   * returns, and the group consumes those messages again (rocketmq#1094, #1440). Offsets only
   * move forward in normal consumption. The one move backwards, a reset on the master, is not
   * carried over: should the master be lost afterwards, the slave answers the offset from before
   * the reset (as it would for a reset made while it was unreachable). Entries the master dropped
   * (a deleted topic) stay here, as with RocketMQ's putAll. Returns how many queues changed.
   */
  mergeMax(master: ReadonlyMap<string, ReadonlyMap<number, number>>): number {
    let changed = 0;
    for (const [key, queues] of master) {
      for (const [queueId, offset] of queues) {
        assert(Number.isSafeInteger(offset), 'offset bodies are validated when decoded');
        const mine = this.table.get(key)?.get(queueId);
        if (mine !== undefined && mine >= offset) continue;
        setQueueOffset(this.table, key, queueId, offset);
        changed++;
      }
    }
    if (changed > 0) this.dirty = true;
    return changed;
  }

  /** -1 when the group has no committed offset for that queue. */
  queryOffset(group: string, topic: string, queueId: number): number {
    return this.table.get(topic + SEP + group)?.get(queueId) ?? -1;
  }

  commitPullOffset(group: string, topic: string, queueId: number, offset: number): void {
    const key = topic + SEP + group;
    setQueueOffset(this.pullOffsets, key, queueId, offset);
  }

  /** The last nextBeginOffset handed to the group for the queue; -1 before any pull. */
  queryPullOffset(group: string, topic: string, queueId: number): number {
    return this.pullOffsets.get(topic + SEP + group)?.get(queueId) ?? -1;
  }

  /** whichTopicByConsumer: the topics a group has committed offsets on. */
  topicsOfGroup(group: string): string[] {
    const out: string[] = [];
    for (const key of this.table.keys()) {
      const i = key.lastIndexOf(SEP);
      if (key.slice(i + 1) === group) out.push(key.slice(0, i));
    }
    return out;
  }

  /** Groups with committed offsets on a topic. */
  groupsOfTopic(topic: string): string[] {
    const out: string[] = [];
    for (const key of this.table.keys()) {
      const i = key.lastIndexOf(SEP);
      if (key.slice(0, i) === topic) out.push(key.slice(i + 1));
    }
    return out;
  }

  /** removeOffset: forgets every offset of `group` (DELETE_SUBSCRIPTIONGROUP with cleanOffset). */
  removeOffset(group: string): number {
    let n = 0;
    for (const table of [this.table, this.pullOffsets, this.resets]) {
      for (const key of [...table.keys()]) {
        if (key.slice(key.lastIndexOf(SEP) + 1) !== group) continue;
        table.delete(key);
        if (table === this.table) n++;
      }
    }
    if (n > 0) this.dirty = true;
    return n;
  }

  /**
   * cloneOffset: `destGroup` takes a copy of `srcGroup`'s committed offsets of `topic`, replacing
   * its own; nothing happens when the source has none.
   */
  cloneOffset(srcGroup: string, destGroup: string, topic: string): boolean {
    const src = this.table.get(topic + SEP + srcGroup);
    if (!src) return false;
    this.table.set(topic + SEP + destGroup, new Map(src));
    this.dirty = true;
    return true;
  }

  /** Forgets every group's offsets of `topic` (cleanOffsetByTopic, when the topic is deleted). */
  cleanOffsetByTopic(topic: string): number {
    let n = 0;
    const prefix = topic + SEP;
    for (const table of [this.table, this.pullOffsets, this.resets]) {
      for (const key of [...table.keys()]) {
        // Group names cannot hold '@', so the topic is everything before the last one.
        if (key.startsWith(prefix) && key.lastIndexOf(SEP) === prefix.length - 1) {
          table.delete(key);
          if (table === this.table) n++;
        }
      }
    }
    if (n > 0) this.dirty = true;
    return n;
  }

  /**
   * Writes the table as it is now (the snapshot is taken before this returns, so later commits
   * do not tear it); resolves once that version, or a newer one, is on disk. Callers that
   * promise durability in their answer (a reset, a clone) await it; the periodic flush does not.
   * A failed write rejects, is logged by the writer and is retried by the next persist.
   */
  persist(force = false): Promise<void> {
    if (!this.dirty && !force && !this.writer.failed) return Promise.resolve();
    const offsetTable: Record<string, Record<string, number>> = {};
    for (const [key, m] of this.table) offsetTable[key] = Object.fromEntries(m);
    const resetOffsetTable: Record<string, Record<string, number>> = {};
    for (const [key, m] of this.resets) resetOffsetTable[key] = Object.fromEntries(m);
    const text = JSON.stringify({ offsetTable, resetOffsetTable }, null, 2);
    this.dirty = false;
    return this.writer.write(text);
  }

  /** At shutdown: the last version written, after any write still in flight or pending. */
  async close(): Promise<void> {
    await this.persist(true).catch(() => {}); // logged by the writer
    await this.writer.flush();
  }
}
