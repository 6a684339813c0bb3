// Consume offsets of a BROADCASTING consumer, kept by the client itself (LocalFileOffsetStore):
// every member reads every queue, so the broker keeps no offsets for it. One JSON file per
// instance and group, written atomically (temp file + rename).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type MessageQueue, queueKey } from './allocate.js';

export class LocalOffsetStore {
  readonly path: string;
  private readonly offsets = new Map<string, number>();
  private dirty = false;

  constructor(path: string) {
    this.path = path;
  }

  /** Reads the file if there is one; a damaged file starts the offsets over, with a warning. */
  load(onDamaged: (err: Error) => void): void {
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
      onDamaged(err as Error);
    }
  }

  read(mq: MessageQueue): number | undefined {
    return this.offsets.get(queueKey(mq));
  }

  update(mq: MessageQueue, offset: number): void {
    if (this.offsets.get(queueKey(mq)) === offset) return;
    this.offsets.set(queueKey(mq), offset);
    this.dirty = true;
  }

  persist(): void {
    if (!this.dirty) return;
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify({ offsetTable: Object.fromEntries(this.offsets) }));
    renameSync(tmp, this.path);
    this.dirty = false;
  }
}
