// Retention and disk watermarks through a real store in a temp dir; the disk's fullness and the
// segments' age come through the FileIO seam so the test needs neither hours nor a full disk
// (test/integration/disk-full.test.ts fills a real small file system).
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MessageToStore } from '../message/message.js';
import { decodeRecord } from '../message/record-codec.js';
import { type FileIO, nodeFileIO } from './file-io.js';
import type { MessageStore, MessageStoreOptions } from './message-store.js';
import { GetMessageStatus, PutMessageStatus } from './status.js';
import { enospc, OpenStores, TEST_BORN_MS, TempDirs, testMessage } from './store.fixture.js';

const ALL_HOURS = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0')).join(';');
const dirs = new TempDirs('kitemq-clean-');
const stores = new OpenStores();
afterEach(async () => {
  await stores.closeAll();
  dirs.removeAll();
});

/** A FileIO whose disk fullness and file ages the test sets. */
function fakeDisk(): {
  io: FileIO;
  disk: {
    usedRatio: number;
    ageMs: number;
    enospc: number;
    /** While it returns true, an fdatasync waits for `syncGate` (and counts in `heldSyncs`). */
    holdSync: (() => boolean) | undefined;
    syncGate: Promise<void> | undefined;
    heldSyncs: number;
  };
} {
  const disk = {
    usedRatio: 0.1,
    ageMs: 0,
    enospc: 0,
    holdSync: undefined as (() => boolean) | undefined,
    syncGate: undefined as Promise<void> | undefined,
    heldSyncs: 0,
  };
  const io: FileIO = {
    ...nodeFileIO,
    async datasync(fd) {
      if (disk.syncGate && disk.holdSync?.()) {
        disk.heldSyncs++;
        await disk.syncGate;
      }
      await nodeFileIO.datasync(fd);
    },
    diskUsedRatio: () => disk.usedRatio,
    mtimeMs: (p) => nodeFileIO.mtimeMs(p) - disk.ageMs,
    write(...args) {
      if (disk.enospc > 0) {
        disk.enospc--;
        throw enospc();
      }
      nodeFileIO.write(...args);
    },
  };
  return { io, disk };
}

/** Tiny segments and index files; every hour a deletion hour, files kept 72 h. */
const CLEAN_OPTIONS: Partial<MessageStoreOptions> = {
  mappedFileSizeCommitLog: 8 * 1024,
  mappedFileSizeConsumeQueue: 20 * 16,
  flushIntervalCommitLog: 10,
  maxMessageSize: 4 * 1024,
  maxHashSlotNum: 64,
  maxIndexNum: 256,
  clean: { deleteWhen: ALL_HOURS, fileReservedTimeHours: 72, cleanResourceInterval: 3_600_000 },
};

const open = (io: FileIO, root?: string, over: Partial<MessageStoreOptions> = {}) =>
  stores.open(root ?? dirs.make(), CLEAN_OPTIONS, { fileIO: io }, over);

function msg(i: number, queueId = 0): MessageToStore {
  return testMessage({
    queueId,
    body: Buffer.from(`message ${i} ${'x'.repeat(200)}`),
    properties: { TAGS: 'TagA', KEYS: `k${i}` },
    bornTimestamp: TEST_BORN_MS + i,
  });
}

async function putMany(store: MessageStore, from: number, n: number): Promise<number[]> {
  const acked: number[] = [];
  for (let i = from; i < from + n; i++) {
    const r = await store.putMessage(msg(i, i % 2));
    if (r.status === PutMessageStatus.PUT_OK) acked.push(i);
  }
  await store.flushService.flushNow();
  return acked;
}

/** Bodies from `from` to the end of a queue, following nextBeginOffset like a consumer. */
function drain(store: MessageStore, queueId: number, from: number): string[] {
  const out: string[] = [];
  let offset = from;
  for (;;) {
    const r = store.getMessage('T', queueId, offset, 32);
    if (r.status === GetMessageStatus.OFFSET_TOO_SMALL) {
      offset = r.nextBeginOffset;
      continue;
    }
    if (r.status !== GetMessageStatus.FOUND) return out;
    for (const b of r.buffers) out.push(decodeRecord(b, 0).body.toString().split(' ')[1]!);
    offset = r.nextBeginOffset;
  }
}

describe('retention (fileReservedTime, deleteWhen)', () => {
  it('keeps young segments, deletes expired ones, and moves queue min offsets', async () => {
    const { io, disk } = fakeDisk();
    const store = await open(io);
    await putMany(store, 0, 200);
    const segments = store.commitLog.queue.files.length;
    expect(segments).toBeGreaterThan(4);

    expect(store.cleanService.runOnce().deletedCommitLogFiles).toBe(0);
    expect(store.minPhyOffset).toBe(0);

    disk.ageMs = 73 * 3_600_000;
    const round = store.cleanService.runOnce();
    expect(round.deletedCommitLogFiles).toBe(Math.min(10, segments - 1));
    expect(store.commitLog.queue.files.length).toBe(segments - round.deletedCommitLogFiles);
    while (store.cleanService.runOnce().deletedCommitLogFiles > 0) {}
    expect(store.commitLog.queue.files.length).toBe(1); // the tail always stays
    expect(round.deletedConsumeQueueFiles).toBeGreaterThan(0);

    for (const q of [0, 1]) {
      const min = store.getMinOffsetInQueue('T', q);
      expect(min).toBeGreaterThan(0);
      const r = store.getMessage('T', q, 0, 32);
      expect(r.status).toBe(GetMessageStatus.OFFSET_TOO_SMALL);
      expect(r.nextBeginOffset).toBe(min);
      // What is left is exactly the newest messages of the queue, in order, none torn.
      const left = drain(store, q, 0).map(Number);
      const expected = Array.from({ length: 100 }, (_, k) => 2 * k + q).slice(min);
      expect(left).toEqual(expected);
    }
    expect(store.queryMessage('T', 'k0', 10, 0, Date.now() + 1).buffers).toHaveLength(0);
    expect(store.queryMessage('T', 'k199', 10, 0, Date.now() + 1).buffers).toHaveLength(1);

    // New writes land after the kept tail; a restart keeps the same heads.
    disk.ageMs = 0;
    await putMany(store, 200, 10);
    const mins = [0, 1].map((q) => store.getMinOffsetInQueue('T', q));
    const root = store.commitLog.queue.dir.replace(/\/commitlog$/, '');
    await store.shutdown();
    stores.release(store);
    const again = await open(io, root);
    expect([0, 1].map((q) => again.getMinOffsetInQueue('T', q))).toEqual(mins);
    expect(drain(again, 0, 0).map(Number).at(-1)).toBe(208);
    expect(drain(again, 1, 0).map(Number).at(-1)).toBe(209);
  });

  it('deleting head segments during a flush round leaves the round whole', async () => {
    const { io, disk } = fakeDisk();
    // No interval flush and no flush woken by a put: the test drives the one round itself.
    const store = await open(io, undefined, {
      flushIntervalCommitLog: 3_600_000,
      flushCommitLogLeastPages: 1_000_000,
    });
    for (let i = 0; i < 200; i++) await store.putMessage(msg(i, 0));
    const dirtyBefore = store.commitLog.queue.files.filter((f) => f.flushedPosition === 0);
    expect(dirtyBefore.length).toBeGreaterThan(4);
    // Let the round flush three segments, then hold it in the fourth segment's fdatasync.
    let release!: () => void;
    disk.syncGate = new Promise<void>((r) => {
      release = r;
    });
    const flushed = () => dirtyBefore.filter((f) => f.flushedPosition === f.wrotePosition);
    disk.holdSync = () => flushed().length >= 3;
    const round = store.flushService.flushNow();
    await vi.waitFor(() => expect(disk.heldSyncs).toBeGreaterThan(0), 10_000);
    expect(flushed()).toHaveLength(3); // the round is mid-way
    disk.ageMs = 73 * 3_600_000;
    expect(store.cleanService.runOnce().deletedCommitLogFiles).toBeGreaterThan(0);
    release();
    await round;
    const dirty = store.commitLog.queue.files.filter((f) => f.flushedPosition < f.wrotePosition);
    expect(dirty.map((f) => f.fileFromOffset)).toEqual([]);
    expect(store.commitLog.queue.flushedOffset).toBe(store.maxPhyOffset);
  });
});

describe('disk watermarks (diskMaxUsedSpaceRatio and the warning level)', () => {
  it('refuses writes past the warning level, serves reads, cleans, then takes writes again', async () => {
    const { io, disk } = fakeDisk();
    const store = await open(io);
    const acked = await putMany(store, 0, 120);
    expect(acked).toHaveLength(120);

    disk.usedRatio = 0.8; // over diskMaxUsedSpaceRatio 75: only expired files may go
    expect(store.cleanService.runOnce().deletedCommitLogFiles).toBe(0);
    expect((await store.putMessage(msg(120))).status).toBe(PutMessageStatus.PUT_OK);

    disk.usedRatio = 0.95; // over 90: refuse writes, and clean young files too (forcibly)
    const round = store.cleanService.runOnce();
    expect(round.deletedCommitLogFiles).toBeGreaterThan(0);
    const refused = await store.putMessage(msg(121));
    expect(refused.status).toBe(PutMessageStatus.SERVICE_NOT_AVAILABLE);
    expect(refused.remark).toMatch(/disk .* is full \(95% used/);
    expect(drain(store, 0, 0).length).toBeGreaterThan(0); // reads still served

    disk.usedRatio = 0.5;
    store.cleanService.runOnce();
    expect((await store.putMessage(msg(122, 0))).status).toBe(PutMessageStatus.PUT_OK);
    // Everything acknowledged at or after each queue's new head is there, in order.
    const q0 = drain(store, 0, 0).map(Number);
    const head = q0[0]!;
    const want = [...acked, 120].filter((i) => i % 2 === 0 && i >= head);
    expect(q0).toEqual([...want, 122]);
  });

  it('a write failing with ENOSPC refuses writes at once, acknowledges nothing, corrupts nothing', async () => {
    const { io, disk } = fakeDisk();
    const store = await open(io);
    await putMany(store, 0, 10);
    disk.enospc = 1;
    const r = await store.putMessage(msg(10, 0));
    expect(r.status).toBe(PutMessageStatus.SERVICE_NOT_AVAILABLE);
    expect(store.cleanService.isDiskFull).toBe(true);
    expect((await store.putMessage(msg(12, 0))).status).toBe(
      PutMessageStatus.SERVICE_NOT_AVAILABLE,
    );
    store.cleanService.runOnce(); // the disk reads 10% used again
    expect((await store.putMessage(msg(14, 0))).status).toBe(PutMessageStatus.PUT_OK);
    const root = store.commitLog.queue.dir.replace(/\/commitlog$/, '');
    await store.shutdown();
    stores.release(store);
    // The refused message was rolled back, not written once space came back: refused means not
    // stored (write-rollback.test.ts covers the rollback itself).
    const again = await open(io, root);
    expect(drain(again, 0, 0).map(Number)).toEqual([0, 2, 4, 6, 8, 14]);
  });
});

describe('follower mode (brokerRole=SLAVE)', () => {
  it("deletes only below the master's head, never by age, and forcibly only past the ratio", async () => {
    const { io, disk } = fakeDisk();
    const store = await open(io, undefined, {
      clean: { ...CLEAN_OPTIONS.clean, cleanFileForciblyEnable: true },
    });
    await putMany(store, 0, 200);
    const files = store.commitLog.queue.files;
    const segments = files.length;
    expect(segments).toBeGreaterThan(4);
    store.cleanService.followMaster();
    disk.ageMs = 73 * 3_600_000; // every segment is past fileReservedTime
    expect(store.cleanService.runOnce().deletedCommitLogFiles).toBe(0);
    expect(store.minPhyOffset).toBe(0);

    // The master has dropped its first two segments and part of the third.
    const size = store.commitLog.queue.fileSize;
    store.cleanService.setMasterMinOffset(2 * size + 10);
    expect(store.cleanService.runOnce().deletedCommitLogFiles).toBe(2);
    expect(store.minPhyOffset).toBe(2 * size);
    expect(store.cleanService.runOnce().deletedCommitLogFiles).toBe(0);
    store.cleanService.setMasterMinOffset(size); // an older answer does not move it back
    expect(store.minPhyOffset).toBe(2 * size);

    disk.usedRatio = 0.9; // past diskSpaceCleanForciblyRatio (85 %): the last resort
    expect(store.cleanService.runOnce().deletedCommitLogFiles).toBeGreaterThan(0);
    expect(store.minPhyOffset).toBeGreaterThan(2 * size);
  });
});
