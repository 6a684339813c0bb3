// The read seam a master ships its commit log through: bytes as the segments hold them, one
// segment at a time (blank included), never past the last write round that succeeded.
import { afterEach, describe, expect, it } from 'vitest';
import { BLANK_MAGIC_CODE } from '../message/message.js';
import type { MessageStore } from './message-store.js';
import { OpenStores, TempDirs, testMessage } from './store.fixture.js';

const dirs = new TempDirs('kitemq-rawread-');
const stores = new OpenStores();
afterEach(async () => {
  await stores.closeAll();
  dirs.removeAll();
});

const SEGMENT = 64 * 1024;

/** Puts until the log has rolled into a second segment. */
async function rolledStore(): Promise<MessageStore> {
  const store = await stores.open(dirs.make());
  const body = Buffer.alloc(3000, 7);
  while (store.maxPhyOffset < SEGMENT + 100) await store.putMessage(testMessage({ body }));
  return store;
}

/** The log's bytes in [from, to), read file by file. */
function fileBytes(store: MessageStore, from: number, to: number): Buffer {
  const parts: Buffer[] = [];
  for (const f of store.commitLog.queue.files) {
    const start = Math.max(from, f.fileFromOffset);
    const end = Math.min(to, f.fileFromOffset + f.wrotePosition);
    if (end > start) parts.push(f.read(start - f.fileFromOffset, end - start));
  }
  return Buffer.concat(parts);
}

describe('MessageStore#readCommitLog', () => {
  it('returns the bytes from an offset, capped by maxBytes', async () => {
    const store = await stores.open(dirs.make());
    for (let i = 0; i < 5; i++) await store.putMessage(testMessage());
    const end = store.maxPhyOffset;
    expect(store.readCommitLog(0, 1 << 20)).toEqual(fileBytes(store, 0, end));
    expect(store.readCommitLog(10, 50)).toEqual(fileBytes(store, 10, 60));
    expect(store.readCommitLog(end, 100)).toBeUndefined();
    expect(store.readCommitLog(end + 1, 100)).toBeUndefined();
    expect(store.readCommitLog(0, 0)).toBeUndefined();
  });

  it('stops at the segment end, blank and its zero filler included, then the next', async () => {
    const store = await rolledStore();
    const first = store.readCommitLog(SEGMENT - 10_000, 1 << 20)!;
    expect(first.length).toBe(10_000); // up to the segment end, never into the second file
    const wrote = store.commitLog.queue.files[0]!.wrotePosition;
    const blankAt = wrote - 8;
    const blank = fileBytes(store, blankAt, wrote);
    expect(blank.readInt32BE(4)).toBe(BLANK_MAGIC_CODE);
    expect(blank.readInt32BE(0)).toBe(SEGMENT - blankAt);
    const written = wrote - (SEGMENT - 10_000);
    expect(first.subarray(0, written)).toEqual(fileBytes(store, SEGMENT - 10_000, wrote));
    expect(first.subarray(written)).toEqual(Buffer.alloc(10_000 - written));
    // A batch boundary inside the filler: the rest of it, then the next segment from its start.
    expect(store.readCommitLog(SEGMENT - 3, 100)).toEqual(Buffer.alloc(3));
    const second = store.readCommitLog(SEGMENT, 1 << 20)!;
    expect(second).toEqual(fileBytes(store, SEGMENT, store.maxPhyOffset));
  });

  it('never hands out bytes whose write round has not succeeded', async () => {
    const store = await stores.open(dirs.make());
    await store.putMessage(testMessage());
    const written = store.writtenPhyOffset;
    expect(written).toBe(store.maxPhyOffset);
    const pending = store.putMessage(testMessage()); // appended, its round not yet run
    expect(store.maxPhyOffset).toBeGreaterThan(written);
    expect(store.readCommitLog(written, 1 << 20)).toBeUndefined();
    expect(store.readCommitLog(0, 1 << 20)!.length).toBe(written);
    await pending;
    expect(store.readCommitLog(written, 1 << 20)!.length).toBe(store.maxPhyOffset - written);
  });

  it('tells a listener after each write round, once the bytes are readable', async () => {
    const store = await stores.open(dirs.make());
    const seen: number[] = [];
    store.onWritten(() => seen.push(store.readCommitLog(0, 1 << 20)?.length ?? 0));
    await store.putMessage(testMessage());
    expect(seen.at(-1)).toBe(store.maxPhyOffset);
  });
});
