// <root>/checkpoint (StoreCheckpoint) and <root>/abort. The checkpoint records the commit-log
// offset below which every consume-queue unit is known durable, so recovery re-dispatches only
// from there; the abort marker exists while the store is open, telling a crash from a clean stop.
import { join } from 'node:path';
import { assert } from '../common/assert.js';
import type { FileIO } from './file-io.js';

export interface CheckpointData {
  /** Every message below this commit-log offset is indexed in a flushed consume queue. */
  logicsSafeOffset: number;
  /** Commit-log end at the last clean shutdown (0 if never). */
  physicMaxOffset: number;
  timestamp: number;
}

export class StoreCheckpoint {
  private readonly io: FileIO;
  private readonly path: string;
  private readonly abortPath: string;

  constructor(io: FileIO, root: string) {
    this.io = io;
    this.path = join(root, 'checkpoint');
    this.abortPath = join(root, 'abort');
  }

  /** The last checkpoint, or undefined when missing or unreadable (recovery then starts early). */
  read(): CheckpointData | undefined {
    const text = this.io.readFile(this.path);
    if (!text) return undefined;
    let data: Partial<CheckpointData>;
    try {
      data = JSON.parse(text) as Partial<CheckpointData>;
    } catch {
      return undefined;
    }
    const isOffset = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;
    if (!isOffset(data.logicsSafeOffset) || !isOffset(data.physicMaxOffset)) return undefined;
    return {
      logicsSafeOffset: data.logicsSafeOffset,
      physicMaxOffset: data.physicMaxOffset,
      timestamp: Number(data.timestamp) || 0,
    };
  }

  write(data: CheckpointData): void {
    assert(data.logicsSafeOffset >= 0 && data.physicMaxOffset >= 0, 'checkpoint offsets');
    this.io.writeFileAtomic(this.path, JSON.stringify(data));
  }

  /** The periodic write, off the event loop (the one at shutdown stays synchronous). */
  writeAsync(data: CheckpointData): Promise<void> {
    assert(data.logicsSafeOffset >= 0 && data.physicMaxOffset >= 0, 'checkpoint offsets');
    return this.io.writeFileAtomicAsync(this.path, JSON.stringify(data));
  }

  /** True if the previous run did not shut down cleanly. */
  wasAborted(): boolean {
    return this.io.exists(this.abortPath);
  }

  markOpen(): void {
    this.io.writeFileAtomic(this.abortPath, String(process.pid));
  }

  markClean(): void {
    this.io.unlink(this.abortPath);
  }
}
