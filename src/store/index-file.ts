// One key-index file (IndexFile): a 40-byte header, a hash-slot table, then fixed 20-byte
// entries chained per slot, newest first — RocketMQ's layout:
//   header  beginTimestamp i64 | endTimestamp i64 | beginPhyOffset i64 | endPhyOffset i64 |
//           hashSlotCount i32 | indexCount i32
//   slots   hashSlotNum × i32: number of the newest entry of the slot (0 = empty)
//   entries keyHash i32 | phyOffset i64 | timeDiff i32 (s since beginTimestamp) | prevIndex i32
// The active file keeps its slots in memory and writes the changed ones at each flush; entries
// are appended through a staging buffer. Entry numbers start at 1.
import { assert } from '../common/assert.js';
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

export class IndexFile {
  readonly path: string;
  readonly header: IndexHeader;
  private readonly io: FileIO;
  private readonly fd: number;
  private readonly slotNum: number;
  private readonly maxIndexNum: number;
  private slots: Int32Array | undefined;
  private readonly dirtySlots = new Set<number>();
  private staged: Buffer[] = [];
  private stagedFrom = 0;

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
    const hash = Math.abs(javaStringHashCode(key)) | 0;
    return { hash, slot: Math.abs(hash % this.slotNum) };
  }

  private loadSlots(): Int32Array {
    if (!this.slots) {
      const b = Buffer.alloc(this.slotNum * 4);
      if (this.io.size(this.fd) > INDEX_HEADER_BYTES)
        this.io.read(this.fd, b, 0, b.length, INDEX_HEADER_BYTES);
      this.slots = new Int32Array(this.slotNum);
      for (let i = 0; i < this.slotNum; i++) this.slots[i] = b.readInt32BE(i * 4);
    }
    return this.slots;
  }

  put(key: string, phyOffset: number, storeTimestamp: number): boolean {
    if (this.isFull) return false;
    const slots = this.loadSlots();
    const h = this.header;
    if (h.indexCount === 1 && h.beginTimestamp === 0) {
      h.beginTimestamp = storeTimestamp;
      h.beginPhyOffset = phyOffset;
    }
    const { hash, slot } = this.slotOf(key);
    const prev = slots[slot] ?? 0;
    const n = h.indexCount;
    const e = Buffer.allocUnsafe(ENTRY_BYTES);
    e.writeInt32BE(hash, 0);
    e.writeBigInt64BE(BigInt(phyOffset), 4);
    e.writeInt32BE(Math.max(0, Math.floor((storeTimestamp - h.beginTimestamp) / 1000)), 12);
    e.writeInt32BE(prev, 16);
    this.staged.push(e);
    if (prev === 0) h.hashSlotCount++;
    slots[slot] = n;
    this.dirtySlots.add(slot);
    h.indexCount = n + 1;
    h.endTimestamp = storeTimestamp;
    h.endPhyOffset = phyOffset;
    assert(h.indexCount - this.stagedFrom === this.staged.length, 'staged entries are contiguous');
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
      if (e.readInt32BE(0) === hash && ts >= begin - 1000 && ts <= end)
        out.push(Number(e.readBigInt64BE(4)));
      const prev = e.readInt32BE(16);
      if (prev >= n) break; // a corrupt chain must not loop
      n = prev;
    }
  }

  private readEntry(n: number): Buffer {
    if (n >= this.stagedFrom) return this.staged[n - this.stagedFrom]!;
    const b = Buffer.alloc(ENTRY_BYTES);
    this.io.read(this.fd, b, 0, ENTRY_BYTES, this.entryPos(n));
    return b;
  }

  /** Writes staged entries, changed slots and the header, then fdatasyncs. */
  async flush(): Promise<void> {
    if (this.staged.length > 0) {
      const all = Buffer.concat(this.staged);
      this.io.write(this.fd, all, 0, all.length, this.entryPos(this.stagedFrom));
      this.stagedFrom += this.staged.length;
      this.staged = [];
    }
    const b = Buffer.allocUnsafe(4);
    for (const slot of this.dirtySlots) {
      b.writeInt32BE(this.slots![slot]!, 0);
      this.io.write(this.fd, b, 0, 4, INDEX_HEADER_BYTES + slot * 4);
    }
    this.dirtySlots.clear();
    const h = Buffer.alloc(INDEX_HEADER_BYTES);
    h.writeBigInt64BE(BigInt(this.header.beginTimestamp), 0);
    h.writeBigInt64BE(BigInt(this.header.endTimestamp), 8);
    h.writeBigInt64BE(BigInt(this.header.beginPhyOffset), 16);
    h.writeBigInt64BE(BigInt(this.header.endPhyOffset), 24);
    h.writeInt32BE(this.header.hashSlotCount, 32);
    h.writeInt32BE(this.header.indexCount, 36);
    this.io.write(this.fd, h, 0, INDEX_HEADER_BYTES, 0);
    await this.io.datasync(this.fd);
  }

  /** Drops the in-memory slot table of a file that is no longer written. */
  release(): void {
    if (this.dirtySlots.size === 0 && this.staged.length === 0) this.slots = undefined;
  }

  close(): void {
    this.io.close(this.fd);
  }

  destroy(): void {
    this.io.close(this.fd);
    this.io.unlink(this.path);
  }
}
