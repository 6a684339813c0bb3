// Consume offsets of a BROADCASTING consumer, kept by the client itself (LocalFileOffsetStore):
// every member reads every queue, so the broker keeps no offsets for it. One JSON file per
// instance and group ({"offsetTable": {"<topic>@<broker>@<queueId>": offset}}), written
// atomically (temp file + rename) by persistAll, read by load.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../../common/logger.js';
import { type MessageQueue, queueKey } from './allocate.js';
import type { OffsetStore } from './consumer-parts.js';

export class LocalOffsetStore implements OffsetStore {
  readonly remote = false;
  readonly path: string;
  private readonly log: Logger;
  private readonly offsets = new Map<string, number>();
  private dirty = false;

  constructor(path: string, log: Logger) {
    this.path = path;
    this.log = log;
  }

  /** Reads the file if there is one; a damaged file starts the offsets over, with a warning. */
  load(): void {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      return; // no file yet
    }
    try {
      const table = (JSON.parse(text) as { offsetTable?: Record<string, number> }).offsetTable;
      for (const [k, v] of Object.entries(table ?? {})) {
        if (Number.isSafeInteger(v) && v >= 0) this.offsets.set(k, v);
      }
    } catch (err) {
      this.log.warn({ err, path: this.path }, 'offset file damaged; starting over');
    }
  }

  async readOffset(mq: MessageQueue): Promise<number> {
    return this.offsets.get(queueKey(mq)) ?? -1;
  }

  async updateOffset(mq: MessageQueue, offset: number): Promise<boolean> {
    if (this.offsets.get(queueKey(mq)) === offset) return true;
    this.offsets.set(queueKey(mq), offset);
    this.dirty = true;
    return true;
  }

  /** Writes the file when an offset changed; a failed write is retried at the next call. */
  persistAll(): void {
    if (!this.dirty) return;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      const tmp = `${this.path}.tmp`;
      writeFileSync(tmp, JSON.stringify({ offsetTable: Object.fromEntries(this.offsets) }));
      renameSync(tmp, this.path);
      this.dirty = false;
    } catch (err) {
      this.log.warn({ err }, 'writing the local offset file failed; will retry');
    }
  }
}
