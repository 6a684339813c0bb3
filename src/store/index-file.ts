// One key-index file (IndexFile): a 40-byte header, a hash-slot table, then fixed 20-byte
// entries chained per slot, newest first — RocketMQ's layout:
//   header  beginTimestamp i64 | endTimestamp i64 | beginPhyOffset i64 | endPhyOffset i64 |
//           hashSlotCount i32 | indexCount i32
//   slots   hashSlotNum × i32: number of the newest entry of the slot (0 = empty)
//   entries keyHash i32 | phyOffset i64 | timeDiff i32 (s since beginTimestamp) | prevIndex i32
// The active file keeps its slots in memory and writes the changed ones at each flush; entries
// are appended through a staging buffer. Entry numbers start at 1.
import { assert } from '../common/assert.js';
import { INDEX_MAX_PAGES_PER_WRITE } from '../common/limits.js';
import { readInt64BE, writeInt64BE } from '../message/int64.js';
import { javaStringHashCode } from '../message/tag-hash.js';
import type { FileIO } from './file-io.js';

export const INDEX_HEADER_BYTES = 40;
const ENTRY_BYTES = 20;

export interface IndexHeader {
  beginTimestamp: number;
  endTimestamp: number;
  beginPhyOffset: number;
  endPhyOffset: number;
  hashSlotCount: number;
  indexCount: number;
}

const SLOTS_PER_PAGE = 1024;
const isLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** IndexFile#indexKeyHashMethod: abs of String#hashCode (MIN_VALUE stays negative, as in Java). */
function keyHash(hashCode: number): number {
  return Math.abs(hashCode) | 0;
}

export class IndexFile {
  readonly path: string;
  readonly header: IndexHeader;
  private readonly io: FileIO;
  private readonly fd: number;
  private readonly slotNum: number;
  private readonly maxIndexNum: number;
  private slots: Int32Array | undefined;
  /** Pages (SLOTS_PER_PAGE slots) of the slot table changed since the last flush. */
  private readonly dirtyPages = new Set<number>();
  /** Entries not yet written, back to back (grown by doubling; reused after each flush). */
  private staged = Buffer.allocUnsafe(16 * ENTRY_BYTES);
  private stagedCount = 0;
  private stagedFrom = 0;
  /** Entries handed to an async write not yet finished: reads are served from here meanwhile. */
  private writing: { from: number; count: number; buf: Buffer } | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(io: FileIO, path: string, slotNum: number, maxIndexNum: number) {
    this.io = io;
    this.path = path;
    this.slotNum = slotNum;
    this.maxIndexNum = maxIndexNum;
    const fresh = !io.exists(path);
    this.fd = io.open(path);
    this.header = {
      beginTimestamp: 0,
      endTimestamp: 0,
      beginPhyOffset: 0,
      endPhyOffset: 0,
      hashSlotCount: 0,
      indexCount: 1,
    };
    if (!fresh && io.size(this.fd) >= INDEX_HEADER_BYTES) {
      const h = Buffer.alloc(INDEX_HEADER_BYTES);
      io.read(this.fd, h, 0, INDEX_HEADER_BYTES, 0);
      Object.assign(this.header, {
        beginTimestamp: Number(h.readBigInt64BE(0)),
        endTimestamp: Number(h.readBigInt64BE(8)),
        beginPhyOffset: Number(h.readBigInt64BE(16)),
        endPhyOffset: Number(h.readBigInt64BE(24)),
        hashSlotCount: h.readInt32BE(32),
        indexCount: Math.max(1, h.readInt32BE(36)),
      });
    }
    this.stagedFrom = this.header.indexCount;
  }

  get isFull(): boolean {
    return this.header.indexCount >= this.maxIndexNum;
  }

  private entryPos(n: number): number {
    return INDEX_HEADER_BYTES + this.slotNum * 4 + n * ENTRY_BYTES;
  }

  private slotOf(key: string): { hash: number; slot: number } {
    const hash = keyHash(javaStringHashCode(key));
    return { hash, slot: Math.abs(hash % this.slotNum) };
  }

  private loadSlots(): Int32Array {
    if (!this.slots) {
      this.slots = new Int32Array(this.slotNum);
      if (this.io.size(this.fd) > INDEX_HEADER_BYTES) {
        // The file is big-endian; read into the array's bytes, then swap in place.
        const b = Buffer.from(this.slots.buffer, this.slots.byteOffset, this.slots.byteLength);
        this.io.read(this.fd, b, 0, b.length, INDEX_HEADER_BYTES);
        if (isLittleEndian) b.swap32();
      }
    }
    return this.slots;
  }

  /**
   * The changed pages of the slot table as big-endian copies, runs of adjacent pages together:
   * a busy file touches most pages each second, and one write per slot cost more than the data.
   */
  private dirtySlotRuns(): { position: number; buf: Buffer }[] {
    if (this.dirtyPages.size === 0) return [];
    const slots = this.slots!;
    const pages = [...this.dirtyPages].sort((a, b) => a - b);
    this.dirtyPages.clear();
    const runs: { position: number; buf: Buffer }[] = [];
    for (let i = 0; i < pages.length; ) {
      let j = i + 1;
      while (
        j < pages.length &&
        pages[j] === pages[j - 1]! + 1 &&
        j - i < INDEX_MAX_PAGES_PER_WRITE
      )
        j++;
      const from = pages[i]! * SLOTS_PER_PAGE;
      const to = Math.min(this.slotNum, (pages[j - 1]! + 1) * SLOTS_PER_PAGE);
      const buf = Buffer.from(slots.buffer.slice(from * 4, to * 4));
      if (isLittleEndian) buf.swap32();
      runs.push({ position: INDEX_HEADER_BYTES + from * 4, buf });
      i = j;
    }
    return runs;
  }

  put(key: string, phyOffset: number, storeTimestamp: number): boolean {
    return this.putHashed(javaStringHashCode(key), phyOffset, storeTimestamp);
  }

  /** put() for a key whose String#hashCode the caller computed (IndexService, per message). */
  putHashed(keyHashCode: number, phyOffset: number, storeTimestamp: number): boolean {
    if (this.isFull) return false;
    const slots = this.loadSlots();
    const h = this.header;
    if (h.indexCount === 1 && h.beginTimestamp === 0) {
      h.beginTimestamp = storeTimestamp;
      h.beginPhyOffset = phyOffset;
    }
    const hash = keyHash(keyHashCode);
    const slot = Math.abs(hash % this.slotNum);
    const prev = slots[slot] ?? 0;
    const n = h.indexCount;
    if ((this.stagedCount + 1) * ENTRY_BYTES > this.staged.length) {
      const bigger = Buffer.allocUnsafe(Math.max(16 * ENTRY_BYTES, this.staged.length * 2));
      this.staged.copy(bigger, 0, 0, this.stagedCount * ENTRY_BYTES);
      this.staged = bigger;
    }
    const e = this.stagedCount * ENTRY_BYTES;
    const b = this.staged;
    b.writeInt32BE(hash, e);
    writeInt64BE(b, phyOffset, e + 4);
    b.writeInt32BE(Math.max(0, Math.floor((storeTimestamp - h.beginTimestamp) / 1000)), e + 12);
    b.writeInt32BE(prev, e + 16);
    this.stagedCount++;
    if (prev === 0) h.hashSlotCount++;
    slots[slot] = n;
    this.dirtyPages.add(Math.floor(slot / SLOTS_PER_PAGE));
    h.indexCount = n + 1;
    h.endTimestamp = storeTimestamp;
    h.endPhyOffset = phyOffset;
    assert(h.indexCount - this.stagedFrom === this.stagedCount, 'staged entries are contiguous');
    return true;
  }

  /** Commit-log offsets of entries for `key` within [begin, end] ms, newest first. */
  select(key: string, maxNum: number, begin: number, end: number, out: number[]): void {
    const { hash, slot } = this.slotOf(key);
    let n = this.loadSlots()[slot] ?? 0;
    let guard = 0;
    while (n > 0 && out.length < maxNum && guard++ < this.maxIndexNum) {
      const e = this.readEntry(n);
      const ts = this.header.beginTimestamp + e.readInt32BE(12) * 1000;
      if (e.readInt32BE(0) === hash && ts >= begin - 1000 && ts <= end) out.push(readInt64BE(e, 4));
      const prev = e.readInt32BE(16);
      if (prev >= n) break; // a corrupt chain must not loop
      n = prev;
    }
  }

  private readEntry(n: number): Buffer {
    const w = this.writing;
    if (w && n >= w.from && n < w.from + w.count) {
      const at = (n - w.from) * ENTRY_BYTES;
      return Buffer.from(w.buf.subarray(at, at + ENTRY_BYTES));
    }
    if (n >= this.stagedFrom) {
      const at = (n - this.stagedFrom) * ENTRY_BYTES;
      return Buffer.from(this.staged.subarray(at, at + ENTRY_BYTES));
    }
    const b = Buffer.alloc(ENTRY_BYTES);
    this.io.read(this.fd, b, 0, ENTRY_BYTES, this.entryPos(n));
    return b;
  }

  /**
   * Writes staged entries, changed slots and the header, then fdatasyncs. The writes run on the
   * libuv pool from copies: a busy file has most of its slot table dirty each second (megabytes),
   * and writing that on the event loop stalled every connection. Flushes run one after another.
   */
  flush(): Promise<void> {
    const run = this.flushing.then(() => this.flushOnce());
    this.flushing = run.catch(() => {}); // a failed flush must not block the next ones
    return run;
  }

  private async flushOnce(): Promise<void> {
    const writes: Promise<void>[] = [];
    if (this.stagedCount > 0) {
      const bytes = this.stagedCount * ENTRY_BYTES;
      const copy = Buffer.from(this.staged.subarray(0, bytes));
      this.writing = { from: this.stagedFrom, count: this.stagedCount, buf: copy };
      writes.push(this.io.writeAsync(this.fd, copy, 0, bytes, this.entryPos(this.stagedFrom)));
      this.stagedFrom += this.stagedCount;
      this.stagedCount = 0;
    }
    for (const run of this.dirtySlotRuns()) {
      writes.push(this.io.writeAsync(this.fd, run.buf, 0, run.buf.length, run.position));
    }
    const h = Buffer.alloc(INDEX_HEADER_BYTES);
    h.writeBigInt64BE(BigInt(this.header.beginTimestamp), 0);
    h.writeBigInt64BE(BigInt(this.header.endTimestamp), 8);
    h.writeBigInt64BE(BigInt(this.header.beginPhyOffset), 16);
    h.writeBigInt64BE(BigInt(this.header.endPhyOffset), 24);
    h.writeInt32BE(this.header.hashSlotCount, 32);
    h.writeInt32BE(this.header.indexCount, 36);
    writes.push(this.io.writeAsync(this.fd, h, 0, INDEX_HEADER_BYTES, 0));
    try {
      await Promise.all(writes);
    } finally {
      this.writing = undefined;
    }
    await this.io.datasync(this.fd);
  }

  /** Drops the in-memory slot table of a file that is no longer written. */
  release(): void {
    if (this.dirtyPages.size === 0 && this.stagedCount === 0) {
      this.slots = undefined;
      this.staged = Buffer.alloc(0);
    }
  }

  close(): void {
    this.io.close(this.fd);
  }

  destroy(): void {
    this.io.close(this.fd);
    this.io.unlink(this.path);
  }
}
