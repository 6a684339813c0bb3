// Recently read commit-log blocks, shared by pulls. The queues of a topic interleave in the commit
// log, so a pull of 32 messages from one of 8 queues spans ~300 KB of which it keeps an eighth;
// without sharing, every queue's pull read those bytes again (8x the log through pread, most of
// a drain's broker time). A block is cached only once it is completely written: bytes below the
// write position never change (recovery truncation clears the cache), so entries need no
// invalidation; a segment deleted by retention is never looked up again (findByOffset fails
// first). Subarrays handed to responses keep an evicted block alive until they are written.

// Sizes in limits.ts: a block never spans two segments; READ_CACHE_BLOCKS of them are kept; a miss
// loads a block only for a read at least READ_CACHE_MIN_WINDOW_BYTES long (shorter ones read just
// their bytes).
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
  read(pos: number, length: number): Buffer;
}

export class ReadCache {
  private readonly blocks = new Map<number, Buffer>();
  private readonly capacity: number;
  private readonly blockBytes: number;
  hits = 0;
  misses = 0;

  constructor(capacity = READ_CACHE_BLOCKS, blockBytes = READ_CACHE_BLOCK_BYTES) {
    this.capacity = capacity;
    this.blockBytes = blockBytes;
  }

  /**
   * Bytes of `f` from `pos`: at least `need` and at most `want`, ending no later than the block
   * that holds `pos`; undefined when the cache cannot answer (the caller reads the file).
   */
  read(f: BlockSource, pos: number, need: number, want: number): Buffer | undefined {
    const blockPos = pos - (pos % this.blockBytes);
    const blockLen = Math.min(this.blockBytes, f.fileSize - blockPos);
    if (pos + need > blockPos + blockLen) return undefined; // crosses into the next block
    if (blockPos + blockLen > f.wrotePosition) return undefined; // still being written
    const key = f.fileFromOffset + blockPos;
    let block = this.blocks.get(key);
    if (block) {
      this.hits++;
      this.blocks.delete(key); // most recently used goes last
    } else {
      if (want < READ_CACHE_MIN_WINDOW_BYTES) return undefined;
      this.misses++;
      block = f.read(blockPos, blockLen);
      if (this.blocks.size >= this.capacity) {
        const oldest = this.blocks.keys().next().value;
        if (oldest !== undefined) this.blocks.delete(oldest);
      }
    }
    this.blocks.set(key, block);
    const from = pos - blockPos;
    return block.subarray(from, Math.min(blockLen, from + want));
  }

  clear(): void {
    this.blocks.clear();
  }

  get size(): number {
    return this.blocks.size;
  }
}
