// The divergence helpers on real stores: boundaries found by walking segments (across a blank),
// a record compared with another store's, and an empty log begun at a master's segment.
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageStore } from './message-store.js';
import { boundaryAtOrBelow, boundaryBefore, holdsRecord, replicaEnd } from './raw-verify.js';
import { OpenStores, TempDirs, testMessage } from './store.fixture.js';

const dirs = new TempDirs('kitemq-raw-verify-');
const stores = new OpenStores();
const SEGMENT = 8 * 1024;

afterEach(async () => {
  await stores.closeAll();
  dirs.removeAll();
});

/** Puts n messages of varying size; returns each record's start. */
async function fill(store: MessageStore, n: number, tag = 'v'): Promise<number[]> {
  const starts: number[] = [];
  for (let i = 0; i < n; i++) {
    const body = Buffer.from(`${tag}${i} ${'y'.repeat((i * 71) % 1500)}`);
    const r = await store.putMessage(testMessage({ body }));
    starts.push(r.appendResult!.wroteOffset);
  }
  return starts;
}

describe('raw-verify', () => {
  it('finds the record starts before the end, across segments and their blanks', async () => {
    const store = await stores.open(dirs.make(), { mappedFileSizeCommitLog: SEGMENT });
    const starts = await fill(store, 30);
    expect(store.commitLog.queue.files.length).toBeGreaterThan(2);
    const end = replicaEnd(store.commitLog);
    expect(boundaryBefore(store.commitLog, end, 1)).toBe(starts[29]);
    expect(boundaryBefore(store.commitLog, end, 10)).toBe(starts[20]);
    expect(boundaryBefore(store.commitLog, end, 1000)).toBe(0);
    expect(boundaryBefore(store.commitLog, end, 1000, 1)).toBe(starts[1]);
    expect(boundaryBefore(store.commitLog, starts[12]!, 3)).toBe(starts[9]);
    expect(boundaryAtOrBelow(store.commitLog, starts[7]! + 5)).toBe(starts[7]);
    expect(boundaryAtOrBelow(store.commitLog, starts[7]!)).toBe(starts[7]);
    expect(boundaryAtOrBelow(store.commitLog, end + 100)).toBe(store.maxPhyOffset);
  });

  it("tells a record equal to another store's from one that differs", async () => {
    const a = await stores.open(dirs.make(), { mappedFileSizeCommitLog: SEGMENT });
    const b = await stores.open(dirs.make(), { mappedFileSizeCommitLog: SEGMENT });
    const sa = await fill(a, 3, 'same');
    const rec1 = a.commitLog.read(sa[1]!, sa[2]! - sa[1]!)!;
    // b holds a's first records byte for byte, then its own.
    expect((await b.appendRaw(0, a.commitLog.read(0, sa[2]!)!)).ok).toBe(true);
    await fill(b, 1, 'other');
    expect(holdsRecord(b.commitLog, sa[1]!, rec1)).toBe(true);
    const rec2 = a.commitLog.read(sa[2]!, a.maxPhyOffset - sa[2]!)!;
    expect(holdsRecord(b.commitLog, sa[2]!, rec2)).toBe(false);
    expect(holdsRecord(b.commitLog, b.maxPhyOffset, rec2)).toBe(false);
  });

  it('begins an empty log at a segment start and nowhere else', async () => {
    const store = await stores.open(dirs.make(), { mappedFileSizeCommitLog: SEGMENT });
    expect(store.startReplicaAt(SEGMENT + 1).ok).toBe(false);
    expect(store.startReplicaAt(3 * SEGMENT)).toEqual({ ok: true, maxPhyOffset: 3 * SEGMENT });
    expect(store.minPhyOffset).toBe(3 * SEGMENT);
    await fill(store, 1);
    expect(store.startReplicaAt(4 * SEGMENT).ok).toBe(false); // not empty any more
  });
});
