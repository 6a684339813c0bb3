// One JSON config file written off the event loop (consumerOffset.json, subscriptionGroup.json).
// A synchronous write with fdatasync blocks the loop for the whole disk sync (5–30 ms on a busy
// disk), which is what sets the tail latency of every send and pull answered meanwhile. The
// guarantees are those of writeJsonFile, kept without blocking:
// - on disk the file is always a whole old or a whole new version: each version goes to a temp
//   file, is fdatasynced and renamed into place (FileIO#writeFileAtomicAsync); the version it
//   replaces is first written the same way to <name>.bak, as ConfigManager#persist keeps one;
// - writes of the file never overlap: one is in flight at a time, and snapshots handed in
//   meanwhile coalesce into a single pending one, the newest (the older ones are superseded, so
//   their callers are answered when the newer one lands);
// - the caller takes the snapshot (the text) synchronously when it calls write, so mutations
//   made while a write is in flight never tear the version being written;
// - a failed write is logged and rejects its callers; `failed` stays set until a later write
//   lands, so an owner that skips clean writes still retries;
// - flush() resolves once nothing is in flight or pending: shutdown awaits it.
import { dirname } from 'node:path';
import type { Logger } from '../../common/logger.js';
import type { FileIO } from '../../store/file-io.js';

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

export class ConfigFileWriter {
  private inFlight: Promise<void> | undefined;
  private pending: { text: string; waiters: Waiter[] } | undefined;
  /** What the file holds, for the .bak of the next version; read once, on the first write. */
  private onDisk: string | undefined;
  private onDiskKnown = false;
  private lastFailed = false;
  readonly path: string;
  private readonly io: FileIO;
  private readonly log: Logger | undefined;

  constructor(path: string, io: FileIO, log: Logger | undefined) {
    this.path = path;
    this.io = io;
    this.log = log;
  }

  /** A write has failed and none has landed since. */
  get failed(): boolean {
    return this.lastFailed;
  }

  /** A write is in flight or pending. */
  get busy(): boolean {
    return this.inFlight !== undefined;
  }

  /**
   * Queues `text` as the file's next version. Resolves once it, or a newer version that
   * superseded it, is on disk; rejects with the disk error when that write fails.
   */
  write(text: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter = { resolve, reject };
      if (this.pending) {
        this.pending.text = text;
        this.pending.waiters.push(waiter);
      } else {
        this.pending = { text, waiters: [waiter] };
      }
      if (!this.inFlight) this.inFlight = this.drain();
    });
  }

  /** Resolves once every write handed in before the call has landed or failed. */
  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  private async drain(): Promise<void> {
    // The first write starts on a later tick, so a burst of changes in one tick is one write.
    await Promise.resolve();
    while (this.pending) {
      const { text, waiters } = this.pending;
      this.pending = undefined;
      try {
        await this.writeOnce(text);
        this.lastFailed = false;
        for (const w of waiters) w.resolve();
      } catch (err) {
        this.lastFailed = true;
        this.log?.error({ err, path: this.path }, 'config file write failed; retried on the next');
        for (const w of waiters) w.reject(err);
      }
    }
    this.inFlight = undefined;
  }

  private async writeOnce(text: string): Promise<void> {
    if (!this.onDiskKnown) {
      // One read per file per process, a page-cache copy with no sync: after it the writer knows
      // what it wrote last, which is what the file holds (nothing else writes it).
      this.io.mkdirp(dirname(this.path));
      this.onDisk = this.io.readFile(this.path);
      this.onDiskKnown = true;
    }
    if (this.onDisk !== undefined)
      await this.io.writeFileAtomicAsync(`${this.path}.bak`, this.onDisk);
    await this.io.writeFileAtomicAsync(this.path, text);
    this.onDisk = text;
  }
}
