// Delivery progress of the schedule queues: <storePathRootDir>/config/delayOffset.json, as
// RocketMQ names and shapes it ({"offsetTable":{level: next queue offset}, "dataVersion":{…}},
// DelayOffsetSerializeWrapper). RocketMQ flushes it every 10 s, so a crash re-delivers up to 10 s
// of messages. Here each level writes, before it puts a batch, the batch's range and the max
// offset of every real queue it is about to write ("inflightTable", a key fastjson readers
// ignore): after a crash the copies already stored are found there and not put again. Writes
// from all levels share one file write (group commit). Through the store's FileIO, so a fault
// test can hand in a failing disk; the .bak fallback on read is config-file.ts's.
import { dirname, join } from 'node:path';
import { assert } from '../../common/assert.js';
import { type FileIO, nodeFileIO } from '../../store/file-io.js';
import { readJsonCopies } from '../managers/config-file.js';
import type { DataVersion } from '../managers/topic-config-manager.js';

/** A batch whose puts may have begun. */
export interface InflightBatch {
  /** Schedule-queue offsets [from, to). */
  from: number;
  to: number;
  /** "<topic>@<queueId>" of each real queue written → its max offset before the first put. */
  queues: Record<string, number>;
}

interface DelayOffsetFile {
  offsetTable?: Record<string, number>;
  inflightTable?: Record<string, InflightBatch>;
  dataVersion?: DataVersion;
}

/** fastjson writes Map<Integer, Long> keys unquoted ({1:5}); quote them so JSON.parse reads it. */
export function quoteNumericKeys(text: string): string {
  return text.replace(/([{,]\s*)(-?\d+)(\s*:)/g, '$1"$2"$3');
}

export class DelayOffsetStore {
  readonly path: string;
  private readonly table = new Map<number, number>();
  private readonly inflight = new Map<number, InflightBatch>();
  private dataVersion: DataVersion = { counter: 0, stateVersion: 0, timestamp: Date.now() };
  private version = 0;
  private persistedVersion = 0;
  private inFlight: Promise<void> | undefined;
  private readonly io: FileIO;

  constructor(storePathRootDir: string, io: FileIO = nodeFileIO) {
    this.path = join(storePathRootDir, 'config', 'delayOffset.json');
    this.io = io;
  }

  /**
   * Reads the file, or RocketMQ's .bak of it; a file that does not parse stops the broker rather
   * than silently starting over (which would re-deliver every scheduled message).
   */
  load(): void {
    const file = readDelayOffsetFile(this.io, this.path);
    if (!file) return;
    for (const [level, offset] of Object.entries(file.offsetTable ?? {})) {
      const l = Number(level);
      if (Number.isSafeInteger(l) && Number.isSafeInteger(offset) && offset >= 0) {
        this.table.set(l, offset);
      }
    }
    for (const [level, batch] of Object.entries(file.inflightTable ?? {})) {
      if (isInflightBatch(batch)) this.inflight.set(Number(level), batch);
    }
    if (file.dataVersion) this.dataVersion = file.dataVersion;
  }

  get(level: number): number | undefined {
    return this.table.get(level);
  }

  set(level: number, offset: number): void {
    assert(Number.isSafeInteger(offset) && offset >= 0, 'delay offsets are queue offsets');
    if (this.table.get(level) === offset) return;
    this.table.set(level, offset);
    this.version++;
  }

  getInflight(level: number): InflightBatch | undefined {
    return this.inflight.get(level);
  }

  setInflight(level: number, batch: InflightBatch | undefined): void {
    if (batch === undefined && !this.inflight.has(level)) return;
    if (batch === undefined) this.inflight.delete(level);
    else this.inflight.set(level, batch);
    this.version++;
  }

  entries(): [level: number, offset: number][] {
    return [...this.table.entries()].sort((a, b) => a[0] - b[0]);
  }

  /** The file's JSON text (GET_ALL_DELAY_OFFSET answers with it). */
  encode(): string {
    const offsetTable: Record<string, number> = {};
    for (const [level, offset] of this.entries()) offsetTable[String(level)] = offset;
    const file: DelayOffsetFile = { offsetTable, dataVersion: this.dataVersion };
    if (this.inflight.size > 0) file.inflightTable = Object.fromEntries(this.inflight);
    return JSON.stringify(file, null, 2);
  }

  get writing(): boolean {
    return this.inFlight !== undefined;
  }

  /** Resolves once every change made before the call is on disk (fsynced, renamed in place). */
  async flush(): Promise<void> {
    const want = this.version;
    while (this.persistedVersion < want) {
      if (!this.inFlight) {
        this.inFlight = this.writeOnce().finally(() => {
          this.inFlight = undefined;
        });
      }
      await this.inFlight;
    }
  }

  /**
   * At shutdown: waits for a write in flight (its failure was reported to its caller), then
   * writes what is left the same way, off the loop; a failure of that last write throws.
   */
  async close(): Promise<void> {
    await this.inFlight?.catch(() => {});
    await this.flush();
  }

  private bumpDataVersion(): void {
    this.dataVersion = {
      counter: this.dataVersion.counter + 1,
      stateVersion: this.dataVersion.stateVersion,
      timestamp: Date.now(),
    };
  }

  /**
   * Write a temp file, fsync, rename over the old one (FileIO#writeFileAtomicAsync): a crash
   * leaves the old or the new file, never a torn one and never none. No .bak is written (one
   * left by RocketMQ is still read).
   */
  private async writeOnce(): Promise<void> {
    const v = this.version;
    this.bumpDataVersion();
    const text = this.encode();
    this.io.mkdirp(dirname(this.path));
    await this.io.writeFileAtomicAsync(this.path, text);
    this.persistedVersion = Math.max(this.persistedVersion, v);
  }
}

function isInflightBatch(b: unknown): b is InflightBatch {
  const x = b as InflightBatch;
  return (
    typeof x === 'object' &&
    x !== null &&
    Number.isSafeInteger(x.from) &&
    Number.isSafeInteger(x.to) &&
    typeof x.queues === 'object' &&
    x.queues !== null
  );
}

function readDelayOffsetFile(io: FileIO, path: string): DelayOffsetFile | undefined {
  const r = readJsonCopies<DelayOffsetFile>(io, path, {
    skipBlank: false,
    transform: quoteNumericKeys,
  });
  if (r.found) return r.value;
  const first = r.damaged[0];
  if (!first) return undefined;
  throw new Error(
    `${path} does not parse (${first.err.message}); fix it, or remove it to re-deliver every ` +
      'message still in SCHEDULE_TOPIC_XXXX',
  );
}
