// Recently read commit-log blocks, shared by pulls. The queues of a topic interleave in the commit
// log, so a pull of 32 messages from one of 8 queues spans ~300 KB of which it keeps an eighth;
// without sharing, every queue's pull read those bytes again (8x the log through pread, most of
// a drain's broker time). A block is cached only once it is completely written: bytes below the
// write position never change (recovery truncation clears the cache), so entries need no
// invalidation; a segment deleted by retention is never looked up again (findByOffset fails
// first).
//
// The blocks live in one slab allocated once, and an evicted block's slot is read into again.
// A fresh 256 KiB Buffer per miss was the same bytes again as the pull bodies in external
// memory, and V8 answers external growth with mark-compacts (one every ~150 ms of a drain, 20 %
// of the broker's time): so what read() returns is a view that is valid only until the next
// read() that misses. The caller copies what it keeps before it reads again (get-message.ts).

// Sizes in limits.ts: a block never spans two segments; READ_CACHE_BLOCKS of them are kept; a miss
// loads a block only for a read at least READ_CACHE_MIN_WINDOW_BYTES long (shorter ones read just
// their bytes).
import { assert } from '../common/assert.js';
import {
  READ_CACHE_BLOCK_BYTES,
  READ_CACHE_BLOCKS,
  READ_CACHE_MIN_WINDOW_BYTES,
} from '../common/limits.js';

export { READ_CACHE_BLOCK_BYTES, READ_CACHE_BLOCKS, READ_CACHE_MIN_WINDOW_BYTES };

export interface BlockSource {
  /** Absolute offset of the segment's first byte. */
  readonly fileFromOffset: number;
  readonly fileSize: number;
  readonly wrotePosition: number;
  /** Fills `dst` (exactly its length) with the segment's bytes from `pos`. */
  readInto(pos: number, dst: Buffer): void;
}

export class ReadCache {
  /** Block key (absolute offset) → slot in the slab, least recently used first. */
  private readonly slots = new Map<number, number>();
  private slab: Buffer | undefined;
  private readonly capacity: number;
  private readonly blockBytes: number;
  hits = 0;
  misses = 0;

  constructor(capacity = READ_CACHE_BLOCKS, blockBytes = READ_CACHE_BLOCK_BYTES) {
    assert(capacity > 0 && blockBytes > 0, 'a read cache holds at least one block');
    this.capacity = capacity;
    this.blockBytes = blockBytes;
  }

  /**
   * Bytes of `f` from `pos`: at least `need` and at most `want`, ending no later than the block
   * that holds `pos`; undefined when the cache cannot answer (the caller reads the file). Valid
   * until the next call that misses.
   */
  read(f: BlockSource, pos: number, need: number, want: number): Buffer | undefined {
    const blockPos = pos - (pos % this.blockBytes);
    const blockLen = Math.min(this.blockBytes, f.fileSize - blockPos);
    if (pos + need > blockPos + blockLen) return undefined; // crosses into the next block
    if (blockPos + blockLen > f.wrotePosition) return undefined; // still being written
    const key = f.fileFromOffset + blockPos;
    let slot = this.slots.get(key);
    if (slot !== undefined) {
      this.hits++;
      this.slots.delete(key); // most recently used goes last
    } else {
      if (want < READ_CACHE_MIN_WINDOW_BYTES) return undefined;
      this.misses++;
      slot = this.load(f, key, blockPos, blockLen);
    }
    this.slots.set(key, slot);
    const from = pos - blockPos;
    const out = this.view(slot, blockLen).subarray(from, Math.min(blockLen, from + want));
    assert(out.length >= need, 'a cached read returns at least what was needed');
    return out;
  }

  /**
   * Reads the block into a free slot, or into the oldest block's once the slab is full. Slots in
   * use are always 0..size-1: one is freed only by taking it over, or all of them by clear().
   * The old entry is dropped after the read, so a failed read leaves the cache as it was.
   */
  private load(f: BlockSource, key: number, blockPos: number, blockLen: number): number {
    const full = this.slots.size >= this.capacity;
    const oldest = full ? this.slots.keys().next().value : undefined;
    const slot = oldest === undefined ? this.slots.size : this.slots.get(oldest)!;
    assert(slot < this.capacity, 'a slot is inside the slab');
    f.readInto(blockPos, this.view(slot, blockLen));
    if (oldest !== undefined) this.slots.delete(oldest);
    assert(!this.slots.has(key), 'a block is loaded only when it is not cached');
    return slot;
  }

  private view(slot: number, length: number): Buffer {
    this.slab ??= Buffer.allocUnsafeSlow(this.capacity * this.blockBytes);
    const at = slot * this.blockBytes;
    return this.slab.subarray(at, at + length);
  }

  clear(): void {
    this.slots.clear();
  }

  get size(): number {
    return this.slots.size;
  }
}
