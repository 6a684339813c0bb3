// <root>/deletedtopics: for each deleted topic, the commit-log end at its deletion. A deleted
// topic's records stay in the commit log until retention, and recovery after a crash re-dispatches
// the last segments whatever the checkpoint says, so without this a kill -9 brings the deleted
// topic's consume queues back (and a topic made again under the same name gets its old records
// mixed into its new queue offsets). RocketMQ has the same window; this closes it. An entry goes
// once retention has removed every segment below it.
import { join } from 'node:path';
import { assert } from '../common/assert.js';
import type { FileIO } from './file-io.js';

export class DeletedTopics {
  private readonly io: FileIO;
  private readonly path: string;
  /** topic → commit-log offset at deletion: its records below this offset are not dispatched. */
  private readonly table = new Map<string, number>();

  constructor(io: FileIO, root: string) {
    this.io = io;
    this.path = join(root, 'deletedtopics');
  }

  load(): void {
    const text = this.io.readFile(this.path);
    if (text === undefined) return;
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      // Written atomically, so a bad file was edited by hand: refuse rather than resurrect.
      throw new Error(`${this.path} is not valid JSON; fix or remove it (see docs/durability.md)`);
    }
    for (const [topic, offset] of Object.entries((data as { topics?: object }).topics ?? {})) {
      if (Number.isSafeInteger(offset) && offset >= 0) this.table.set(topic, offset);
    }
  }

  get size(): number {
    return this.table.size;
  }

  /** Records a deletion durably (temp file, fdatasync, rename) before the queues are removed. */
  add(topic: string, commitLogEnd: number): void {
    assert(commitLogEnd >= 0, 'a commit-log offset');
    this.table.set(topic, Math.max(commitLogEnd, this.table.get(topic) ?? 0));
    this.persist();
  }

  /** True if a record of `topic` at `commitLogOffset` was written before the topic's deletion. */
  isDeleted(topic: string, commitLogOffset: number): boolean {
    const at = this.table.get(topic);
    return at !== undefined && commitLogOffset < at;
  }

  /** Forgets deletions whose records retention has removed (all below the log's min offset). */
  prune(commitLogMinOffset: number): void {
    let changed = false;
    for (const [topic, at] of this.table) {
      if (at > commitLogMinOffset) continue;
      this.table.delete(topic);
      changed = true;
    }
    if (changed) this.persist();
  }

  private persist(): void {
    if (this.table.size === 0) {
      this.io.unlink(this.path);
      return;
    }
    this.io.writeFileAtomic(this.path, JSON.stringify({ topics: Object.fromEntries(this.table) }));
  }
}
