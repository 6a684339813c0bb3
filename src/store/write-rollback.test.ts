// A write round that fails (ENOSPC) is undone: the puts waiting on it are refused, and a refused
// put is not stored — no pull, query or restart ever finds it, and its queue offsets are reused.
// The disk is real (a temp dir); only the failure comes through the FileIO seam, including a
// write(2) that stores part of its bytes before failing.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageToStore } from '../message/message.js';
import { decodeRecord } from '../message/record-codec.js';
import { type FileIO, nodeFileIO } from './file-io.js';
import { segmentName } from './mapped-file.js';
import type { MessageStore, MessageStoreOptions } from './message-store.js';
import { GetMessageStatus, PutMessageStatus } from './status.js';
import { enospc, OpenStores, TEST_BORN_MS, TempDirs, testMessage } from './store.fixture.js';

const SEGMENT = 8 * 1024;
const dirs = new TempDirs('kitemq-rollback-');
const stores = new OpenStores();
afterEach(async () => {
  await stores.closeAll();
  dirs.removeAll();
});

/** Writes pass until `failIn` more have passed; then one fails with ENOSPC, half of it stored. */
function faultyDisk() {
  const disk = { failIn: -1, usedRatio: 0.1, failed: 0 };
  const io: FileIO = {
    ...nodeFileIO,
    diskUsedRatio: () => disk.usedRatio,
    write(fd, buf, offset, length, position) {
      if (disk.failIn === 0) {
        disk.failIn = -1;
        disk.failed++;
        const part = Math.floor(length / 2);
        if (part > 0) nodeFileIO.write(fd, buf, offset, part, position);
        throw enospc();
      }
      if (disk.failIn > 0) disk.failIn--;
      nodeFileIO.write(fd, buf, offset, length, position);
    },
  };
  return { io, disk };
}

const ROLLBACK_OPTIONS: Partial<MessageStoreOptions> = {
  mappedFileSizeCommitLog: SEGMENT,
  mappedFileSizeConsumeQueue: 20 * 64,
  // No flush but the test's own: the failing write is the round's, not a flusher's.
  flushIntervalCommitLog: 3_600_000,
  flushCommitLogLeastPages: 1_000_000,
  maxMessageSize: 4 * 1024,
  maxHashSlotNum: 64,
  maxIndexNum: 512,
  clean: { cleanResourceInterval: 3_600_000 },
};

const open = (io: FileIO, root?: string, over: Partial<MessageStoreOptions> = {}) =>
  stores.open(root ?? dirs.make(), ROLLBACK_OPTIONS, { fileIO: io }, over);

function msg(i: number, queueId: number): MessageToStore {
  return testMessage({
    queueId,
    body: Buffer.from(`${i} ${'x'.repeat(200)}`),
    properties: { TAGS: 'TagA', KEYS: `k${i}` },
    bornTimestamp: TEST_BORN_MS + i,
  });
}

/** Message numbers of a queue from offset 0 on, as a consumer following nextBeginOffset reads. */
function drain(store: MessageStore, queueId: number): number[] {
  const out: number[] = [];
  let offset = 0;
  for (;;) {
    const r = store.getMessage('T', queueId, offset, 32);
    if (r.status !== GetMessageStatus.FOUND) return out;
    for (const b of r.buffers) out.push(Number(decodeRecord(b, 0).body.toString().split(' ')[0]));
    offset = r.nextBeginOffset;
  }
}

const found = (store: MessageStore, i: number) =>
  store.queryMessage('T', `k${i}`, 10, 0, Date.now() + 60_000).buffers.length;

/** Puts 0..9 (acknowledged), then 40 in one turn (two queues, past a segment end) that fail. */
async function failARound(store: MessageStore, disk: { failIn: number }, failIn: number) {
  for (let i = 0; i < 10; i++)
    expect((await store.putMessage(msg(i, i % 2))).status).toBe(PutMessageStatus.PUT_OK);
  await store.flushService.flushNow();
  const end = store.maxPhyOffset;
  const segments = store.commitLog.queue.files.length;
  disk.failIn = failIn;
  const puts = Array.from({ length: 40 }, (_, k) => store.putMessage(msg(10 + k, k % 2)));
  expect(store.commitLog.queue.files.length).toBe(segments + 1); // the round rolled a segment
  const refused = await Promise.all(puts);
  return { end, segments, refused };
}

describe('a failed write round is rolled back', () => {
  for (const [what, failIn, flushDiskType] of [
    ['the commit log write', 0, 'ASYNC_FLUSH'],
    ['the commit log write (SYNC_FLUSH)', 0, 'SYNC_FLUSH'],
    ['a consume queue write after commit log bytes were written', 2, 'ASYNC_FLUSH'],
  ] as const) {
    it(`${what} fails: every put of the round is refused and none is ever read`, async () => {
      const { io, disk } = faultyDisk();
      const store = await open(io, undefined, { flushDiskType });
      const { end, segments, refused } = await failARound(store, disk, failIn);
      expect(disk.failed).toBe(1);
      for (const r of refused) {
        expect(r.status).toBe(PutMessageStatus.SERVICE_NOT_AVAILABLE);
        expect(r.remark).toMatch(/disk holding the commit log is full/);
      }
      expect(store.cleanService.isDiskFull).toBe(true);
      // Back to where the last acknowledged put ended, in memory and on disk, segment rolled back.
      expect(store.maxPhyOffset).toBe(end);
      expect(store.commitLog.queue.files).toHaveLength(segments);
      const tail = store.commitLog.queue.last!;
      const tailPath = join(store.commitLog.queue.dir, segmentName(tail.fileFromOffset));
      expect(statSync(tailPath).size).toBe(end - tail.fileFromOffset);
      for (const q of [0, 1]) {
        expect(store.getMaxOffsetInQueue('T', q)).toBe(5);
        expect(store.getMessage('T', q, 5, 32).status).toBe(GetMessageStatus.OFFSET_OVERFLOW_ONE);
      }
      expect(drain(store, 0)).toEqual([0, 2, 4, 6, 8]);
      expect(found(store, 10)).toBe(0);
      expect(store.lookMessageByOffset(end)).toBeNull();

      store.cleanService.runOnce(); // the disk reads 10% used again: writes are taken
      const next = await store.putMessage(msg(100, 0));
      expect(next.status).toBe(PutMessageStatus.PUT_OK);
      expect(next.appendResult!.queueOffset).toBe(5);
      expect(next.appendResult!.wroteOffset).toBe(end);
      expect(found(store, 100)).toBe(1);
      expect(drain(store, 0)).toEqual([0, 2, 4, 6, 8, 100]);

      const root = store.commitLog.queue.dir.replace(/\/commitlog$/, '');
      await store.shutdown();
      stores.release(store);
      const again = await open(nodeFileIO, root);
      expect(drain(again, 0)).toEqual([0, 2, 4, 6, 8, 100]);
      expect(drain(again, 1)).toEqual([1, 3, 5, 7, 9]);
      expect(found(again, 10)).toBe(0);
      expect(found(again, 100)).toBe(1);
    });
  }

  it('a crash right after the rollback leaves nothing of the refused puts for recovery', async () => {
    const { io, disk } = faultyDisk();
    const store = await open(io);
    const { end } = await failARound(store, disk, 0);
    const root = store.commitLog.queue.dir.replace(/\/commitlog$/, '');
    store.halt();
    stores.release(store);
    const again = await open(nodeFileIO, root);
    expect(again.maxPhyOffset).toBe(end);
    expect(drain(again, 0)).toEqual([0, 2, 4, 6, 8]);
    expect(drain(again, 1)).toEqual([1, 3, 5, 7, 9]);
  });
});

describe('puts are seen only once written', () => {
  it('a pull before the write round finds nothing; a failed round never announces its puts', async () => {
    const { io, disk } = faultyDisk();
    const store = await open(io);
    const arrived: number[] = [];
    store.on('messageArrived', (_t, queueId, next) => queueId === 0 && arrived.push(next));
    expect((await store.putMessage(msg(0, 0))).status).toBe(PutMessageStatus.PUT_OK);
    expect(arrived).toEqual([1]);

    disk.failIn = 0;
    const refused = store.putMessage(msg(1, 0));
    // Indexed in this tick, not yet written: a pull now (one woken early, or one arriving in
    // the same turn) must not be handed a record the failing write is about to undo.
    expect(store.getAppendedMaxOffsetInQueue('T', 0)).toBe(2);
    expect(store.getMaxOffsetInQueue('T', 0)).toBe(1); // what a pull (or the timer) may wait on
    const early = store.getMessage('T', 0, 1, 32);
    expect(early.status).toBe(GetMessageStatus.OFFSET_OVERFLOW_ONE);
    expect(early.nextBeginOffset).toBe(1);
    expect(drain(store, 0)).toEqual([0]);
    expect((await refused).status).toBe(PutMessageStatus.SERVICE_NOT_AVAILABLE);
    expect(arrived).toEqual([1]);

    store.cleanService.runOnce();
    const ok = store.putMessage(msg(2, 0));
    expect(drain(store, 0)).toEqual([0]);
    expect((await ok).status).toBe(PutMessageStatus.PUT_OK);
    expect(arrived).toEqual([1, 2]);
    expect(drain(store, 0)).toEqual([0, 2]);
  });
});

describe('a staging buffer that fills mid-turn', () => {
  it('fails its early write: that put, the ones staged before it and the ones after are refused', async () => {
    const { io, disk } = faultyDisk();
    // Segments larger than the commit log's 1 MiB staging buffer, so a busy turn fills it.
    const store = await open(io, undefined, { mappedFileSizeCommitLog: 4 * 1024 * 1024 });
    expect((await store.putMessage(msg(0, 0))).status).toBe(PutMessageStatus.PUT_OK);
    const end = store.maxPhyOffset;
    const big = (i: number): MessageToStore => ({ ...msg(i, i % 2), body: Buffer.alloc(3_000, i) });
    disk.failIn = 0; // the first write of the turn: the one the full staging buffer forces
    const puts = Array.from({ length: 400 }, (_, k) => store.putMessage(big(1 + k)));
    expect(disk.failed).toBe(1); // failed inside an append, before the turn's round
    const results = await Promise.all(puts);
    expect(results.filter((r) => r.status !== PutMessageStatus.SERVICE_NOT_AVAILABLE)).toEqual([]);
    expect(store.maxPhyOffset).toBe(end);
    expect(drain(store, 0)).toEqual([0]);
    expect(store.getMaxOffsetInQueue('T', 1)).toBe(0);
    store.cleanService.runOnce();
    const next = await store.putMessage(big(1));
    expect(next.appendResult).toMatchObject({ wroteOffset: end, queueOffset: 0 });
  });
});
