// TimerWheel: <storePathRootDir>/timerwheel, one 16-byte record per slot of timerPrecisionMs,
// timerRollWindowSlot of them used as a ring: slot time t sits at record (t / precision) mod
// slots. A record holds the slot's time and the timer-log position of its newest unit; a record
// whose time is not the one asked for belongs to an earlier turn of the ring, so the slot is
// empty. The whole wheel is kept in memory (timerRollWindowSlot × 16 bytes, 2.7 MB by default,
// whatever the number of messages); changed records are written and fdatasynced by flush().
// Layout (big-endian): 0 timeMs i64 | 8 lastPos i64 (-1: no unit).
import { dirname, join } from 'node:path';
import { assert } from '../../common/assert.js';
import { readInt64BE, writeInt64BE } from '../../message/int64.js';
import type { FileIO } from '../../store/file-io.js';
import { NO_POS } from './timer-log.js';

export const SLOT_BYTES = 16;
/** Dirty records closer than this many slots are written as one run (the gap rewritten). */
const RUN_GAP_SLOTS = 256;

export class TimerWheel {
  readonly path: string;
  readonly slots: number;
  readonly precisionMs: number;
  private readonly io: FileIO;
  private readonly table: Buffer;
  private readonly dirty = new Set<number>();
  private fd = -1;
  /** Created by load(): the next flush syncs it and its directory entry. */
  private created = false;

  constructor(io: FileIO, storePathRootDir: string, slots: number, precisionMs: number) {
    assert(Number.isSafeInteger(slots) && slots >= 2, 'a timer wheel has at least two slots');
    assert(Number.isSafeInteger(precisionMs) && precisionMs > 0, 'timer precision is positive');
    this.io = io;
    this.path = join(storePathRootDir, 'timerwheel');
    this.slots = slots;
    this.precisionMs = precisionMs;
    this.table = Buffer.alloc(slots * SLOT_BYTES);
  }

  /** Opens the file (created empty when missing) and reads every record. */
  load(): void {
    this.fd = this.io.open(this.path);
    const size = this.io.size(this.fd);
    if (size === 0) {
      for (let i = 0; i < this.slots; i++) writeInt64BE(this.table, NO_POS, i * SLOT_BYTES + 8);
      this.io.write(this.fd, this.table, 0, this.table.length, 0);
      this.created = true;
      return;
    }
    assert(
      size === this.table.length,
      `${this.path} holds ${size / SLOT_BYTES} slots, the checkpoint says ${this.slots}`,
    );
    this.io.read(this.fd, this.table, 0, this.table.length, 0);
  }

  private index(slotMs: number): number {
    assert(slotMs > 0 && slotMs % this.precisionMs === 0, `slot time ${slotMs} is on the grid`);
    return (slotMs / this.precisionMs) % this.slots;
  }

  /** Position of the newest unit of the slot at `slotMs`, NO_POS when it has none. */
  lastPos(slotMs: number): number {
    const at = this.index(slotMs) * SLOT_BYTES;
    if (readInt64BE(this.table, at) !== slotMs) return NO_POS;
    return readInt64BE(this.table, at + 8);
  }

  /** The time the record for `slotMs` holds now (a past turn of the ring, or 0 when unused). */
  recordTime(slotMs: number): number {
    return readInt64BE(this.table, this.index(slotMs) * SLOT_BYTES);
  }

  set(slotMs: number, lastPos: number): void {
    const i = this.index(slotMs);
    const held = readInt64BE(this.table, i * SLOT_BYTES);
    assert(held <= slotMs, `slot ${slotMs} would overwrite the later slot ${held}: ring overrun`);
    writeInt64BE(this.table, slotMs, i * SLOT_BYTES);
    writeInt64BE(this.table, lastPos, i * SLOT_BYTES + 8);
    this.dirty.add(i);
  }

  /**
   * Empties the record of `slotMs` when it holds that slot, as if never used: time 0 reads as
   * empty for every slot and can be set by any of them (recovery: a slot that only held units
   * taken back may lie beyond the restarted cursor's window, where a stamp would overrun).
   */
  clear(slotMs: number): void {
    const i = this.index(slotMs);
    if (readInt64BE(this.table, i * SLOT_BYTES) !== slotMs) return;
    writeInt64BE(this.table, 0, i * SLOT_BYTES);
    writeInt64BE(this.table, NO_POS, i * SLOT_BYTES + 8);
    this.dirty.add(i);
  }

  /**
   * Empties every record stamped later than `lastSlotMs` (the cursor's window end) that holds no
   * unit; returns how many. Such a stamp, left by an older take-back after a crash, made every
   * link into the same record one turn earlier fail as a ring overrun.
   */
  clearEmptyAfter(lastSlotMs: number): number {
    let cleared = 0;
    for (let i = 0; i < this.slots; i++) {
      const at = i * SLOT_BYTES;
      if (readInt64BE(this.table, at) <= lastSlotMs) continue;
      if (readInt64BE(this.table, at + 8) !== NO_POS) continue;
      writeInt64BE(this.table, 0, at);
      this.dirty.add(i);
      cleared++;
    }
    return cleared;
  }

  /** The first slot time in [fromMs, toMs] with a unit, or undefined. Memory only. */
  nextOccupied(fromMs: number, toMs: number): number | undefined {
    const p = this.precisionMs;
    assert(toMs - fromMs < this.slots * p, 'a scan stays within one turn of the ring');
    for (let t = fromMs; t <= toMs; t += p) {
      const at = this.index(t) * SLOT_BYTES;
      if (readInt64BE(this.table, at) === t && readInt64BE(this.table, at + 8) !== NO_POS) return t;
    }
    return undefined;
  }

  /** Writes the changed records (in runs) and fdatasyncs the file (and its directory once). */
  async flush(): Promise<void> {
    if (this.dirty.size === 0 && !this.created) return;
    const idx = [...this.dirty].sort((a, b) => a - b);
    this.dirty.clear();
    try {
      if (idx.length > 0) await this.writeRuns(idx);
      await this.io.datasync(this.fd);
      if (this.created) await this.io.syncDir(dirname(this.path));
      this.created = false;
    } catch (err) {
      for (const i of idx) this.dirty.add(i); // written again by the next flush
      throw err;
    }
  }

  private async writeRuns(idx: number[]): Promise<void> {
    let runStart = idx[0]!;
    let runEnd = runStart;
    const write = (from: number, to: number) =>
      this.io.writeAsync(
        this.fd,
        this.table,
        from * SLOT_BYTES,
        (to - from + 1) * SLOT_BYTES,
        from * SLOT_BYTES,
      );
    for (const i of idx.slice(1)) {
      if (i - runEnd <= RUN_GAP_SLOTS) {
        runEnd = i;
        continue;
      }
      await write(runStart, runEnd);
      runStart = i;
      runEnd = i;
    }
    await write(runStart, runEnd);
  }

  close(): void {
    if (this.fd >= 0) this.io.close(this.fd);
    this.fd = -1;
  }
}
