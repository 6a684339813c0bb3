import { describe, expect, it } from 'vitest';
import { type BlockSource, READ_CACHE_MIN_WINDOW_BYTES, ReadCache } from './read-cache.js';

const BLOCK = 1024;

/** A segment of `fileSize` bytes whose byte i is (from + i) % 251, written up to `wrote`. */
function segment(from: number, fileSize: number, wrote: number) {
  const reads: [number, number][] = [];
  const f: BlockSource & { wrotePosition: number; reads: typeof reads } = {
    fileFromOffset: from,
    fileSize,
    wrotePosition: wrote,
    reads,
    readInto(pos, dst) {
      expect(pos + dst.length).toBeLessThanOrEqual(f.wrotePosition);
      reads.push([pos, dst.length]);
      for (let i = 0; i < dst.length; i++) dst[i] = (from + pos + i) % 251;
    },
  };
  return f;
}

const bytes = (from: number, n: number) =>
  Buffer.from(Array.from({ length: n }, (_, i) => (from + i) % 251));

describe('ReadCache', () => {
  const big = READ_CACHE_MIN_WINDOW_BYTES;

  it('answers reads inside a completely written block from one file read', () => {
    const c = new ReadCache(4, BLOCK);
    const f = segment(1_000_000 * BLOCK, 8 * BLOCK, 8 * BLOCK);
    expect(c.read(f, 100, 10, big)).toEqual(bytes(f.fileFromOffset + 100, BLOCK - 100));
    expect(c.read(f, 500, 10, 20)).toEqual(bytes(f.fileFromOffset + 500, 20));
    expect(c.read(f, 1_500, 10, big)).toEqual(bytes(f.fileFromOffset + 1_500, BLOCK - 476));
    expect(f.reads).toEqual([
      [0, BLOCK],
      [BLOCK, BLOCK],
    ]);
    expect([c.hits, c.misses]).toEqual([1, 2]);
  });

  it('leaves the block being written, reads crossing a block end and small misses to the file', () => {
    const c = new ReadCache(4, BLOCK);
    const f = segment(0, 8 * BLOCK, 2 * BLOCK + 10);
    expect(c.read(f, 2 * BLOCK, 5, big)).toBeUndefined(); // the tail block is not complete
    expect(c.read(f, BLOCK - 4, 8, big)).toBeUndefined(); // the record crosses into block 1
    expect(c.read(f, 0, 8, 100)).toBeUndefined(); // a small read does not load a block
    expect(f.reads).toEqual([]);
    expect(c.read(f, 0, 8, big)?.length).toBe(BLOCK);
    expect(c.read(f, 0, 8, 100)?.length).toBe(100); // now it is cached: served
  });

  it('keeps the most recently used blocks up to its capacity', () => {
    const c = new ReadCache(2, BLOCK);
    const f = segment(0, 8 * BLOCK, 8 * BLOCK);
    c.read(f, 0, 1, big);
    c.read(f, BLOCK, 1, big);
    c.read(f, 0, 1, big); // block 0 used again: block 1 is now the oldest
    c.read(f, 2 * BLOCK, 1, big);
    expect(c.size).toBe(2);
    f.reads.length = 0;
    c.read(f, 0, 1, big);
    c.read(f, BLOCK, 1, big);
    expect(f.reads).toEqual([[BLOCK, BLOCK]]);
  });

  it("reads an evicted block's slot again instead of allocating", () => {
    const c = new ReadCache(2, BLOCK);
    const f = segment(0, 8 * BLOCK, 8 * BLOCK);
    const first = c.read(f, 0, 1, big)!;
    c.read(f, BLOCK, 1, big);
    const third = c.read(f, 2 * BLOCK, 1, big)!; // evicts block 0 and takes over its slot
    expect(third.buffer).toBe(first.buffer);
    expect(third.byteOffset).toBe(first.byteOffset);
    expect(first).toEqual(bytes(2 * BLOCK, BLOCK)); // the old view now shows the new block
  });

  it('keeps its blocks when a read into a taken-over slot fails', () => {
    const c = new ReadCache(1, BLOCK);
    const f = segment(0, 8 * BLOCK, 8 * BLOCK);
    c.read(f, 0, 1, big);
    const broken = {
      ...f,
      readInto: () => {
        throw new Error('EIO');
      },
    };
    expect(() => c.read(broken, BLOCK, 1, big)).toThrow('EIO');
    f.reads.length = 0;
    expect(c.read(f, 10, 1, big)).toEqual(bytes(10, BLOCK - 10));
    expect(f.reads).toEqual([]); // block 0 still cached
  });

  it('never lets a block span two segments', () => {
    const c = new ReadCache(4, BLOCK);
    const f = segment(3 * 1536, 1536, 1536); // a segment of a block and a half
    expect(c.read(f, BLOCK + 100, 10, big)).toEqual(bytes(f.fileFromOffset + BLOCK + 100, 412));
    expect(f.reads).toEqual([[BLOCK, 512]]);
  });
});
