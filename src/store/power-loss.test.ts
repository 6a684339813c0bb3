// Seeded power-loss simulation through the FileIO seam: every byte not covered by an fdatasync
// is lost (files are cut back to their last synced length), then the store is reopened. With
// SYNC_FLUSH every acknowledged message must survive; with ASYNC_FLUSH what survives is an intact
// prefix, and the loss is bounded by what was written since the last flush.
import { existsSync, statSync, truncateSync } from 'node:fs';
import { sep } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MessageToStore } from '../message/message.js';
import { decodeRecord } from '../message/record-codec.js';
import { type FileIO, nodeFileIO } from './file-io.js';
import { MessageStore, type MessageStoreOptions } from './message-store.js';
import { GetMessageStatus } from './status.js';
import { TempDirs, testMessage, testStoreOptions } from './store.fixture.js';

const dirs = new TempDirs('kitemq-power-');
afterEach(() => dirs.removeAll());

interface Lost {
  /** Bytes cut from commit-log segments. */
  commitLog: number;
  /** Bytes cut from everything else (consume queues, key index). */
  other: number;
}

/**
 * Remembers, per file, the length the last fdatasync made durable. While `hold` is set, an
 * fdatasync never completes: bytes reach the kernel and stay unsynced, as in a flush still
 * running when the power goes.
 */
function syncTrackingIO(): { io: FileIO; powerLoss(): Lost; hold: boolean } {
  const pathOf = new Map<number, string>();
  const durable = new Map<string, number>();
  const state = { hold: false };
  const io: FileIO = {
    ...nodeFileIO,
    open(path) {
      const fd = nodeFileIO.open(path);
      pathOf.set(fd, path);
      if (!durable.has(path)) durable.set(path, existsSync(path) ? statSync(path).size : 0);
      return fd;
    },
    async datasync(fd) {
      if (state.hold) return new Promise<void>(() => {});
      const size = nodeFileIO.size(fd);
      await nodeFileIO.datasync(fd);
      durable.set(pathOf.get(fd)!, size);
    },
  };
  return {
    io,
    get hold() {
      return state.hold;
    },
    set hold(v: boolean) {
      state.hold = v;
    },
    powerLoss() {
      const lost: Lost = { commitLog: 0, other: 0 };
      for (const [path, size] of durable) {
        if (!existsSync(path)) continue;
        const now = statSync(path).size;
        if (now > size) {
          if (path.includes(`${sep}commitlog${sep}`)) lost.commitLog += now - size;
          else lost.other += now - size;
          truncateSync(path, size);
        }
      }
      return lost;
    },
  };
}

function options(
  io: FileIO,
  flushDiskType: 'SYNC_FLUSH' | 'ASYNC_FLUSH',
  root?: string,
): MessageStoreOptions {
  const dir = root ?? dirs.make();
  return testStoreOptions(dir, {
    mappedFileSizeCommitLog: 128 * 1024,
    mappedFileSizeConsumeQueue: 20 * 500,
    flushDiskType,
    flushIntervalCommitLog: 10_000,
    flushCommitLogLeastPages: 1_000,
    fileIO: io,
    maxHashSlotNum: 64,
    maxIndexNum: 1_000,
  });
}

function msg(i: number): MessageToStore {
  return testMessage({
    topic: 'P',
    queueId: i % 2,
    body: Buffer.from(`power ${i} ${'z'.repeat(i % 200)}`),
    bornTimestamp: 1,
  });
}

function readQueue(store: MessageStore, queueId: number): Map<number, string> {
  const out = new Map<number, string>();
  let offset = 0;
  for (;;) {
    const r = store.getMessage('P', queueId, offset, 32);
    if (r.status !== GetMessageStatus.FOUND) return out;
    for (const b of r.buffers) {
      const m = decodeRecord(b, 0);
      out.set(m.queueOffset, m.body.toString());
    }
    offset = r.nextBeginOffset;
  }
}

describe('power loss (unsynced bytes dropped)', () => {
  it('SYNC_FLUSH: every acknowledged message survives, at its queue offset', async () => {
    const fault = syncTrackingIO();
    const opts = options(fault.io, 'SYNC_FLUSH');
    const store = await MessageStore.open(opts);
    const acked: { body: string; queueId: number; offset: number }[] = [];
    for (let round = 0; round < 20; round++) {
      const rs = await Promise.all(
        Array.from({ length: 25 }, (_, k) => store.putMessage(msg(round * 25 + k))),
      );
      rs.forEach((r, k) => {
        expect(r.status).toBe('PUT_OK');
        const m = msg(round * 25 + k);
        acked.push({
          body: m.body.toString(),
          queueId: m.queueId,
          offset: r.appendResult!.queueOffset,
        });
      });
    }
    // In flight at the moment of the crash: written to the kernel, its fdatasync never done,
    // so never acknowledged. The power loss must take exactly its bytes from the commit log.
    const before = store.maxPhyOffset;
    const rounds = store.commitService.commitRounds;
    fault.hold = true;
    let answered = false;
    void store.putMessage(msg(10_000)).then(() => {
      answered = true;
    });
    await vi.waitFor(() => expect(store.commitService.commitRounds).toBeGreaterThan(rounds), {
      timeout: 10_000,
    });
    const inFlight = store.maxPhyOffset - before;
    expect(inFlight).toBeGreaterThan(0);
    expect(answered).toBe(false);
    store.halt();
    const lost = fault.powerLoss();
    expect(lost.commitLog).toBe(inFlight);
    const reopened = await MessageStore.open(
      options(nodeFileIO, 'SYNC_FLUSH', opts.storePathRootDir),
    );
    const queues = [readQueue(reopened, 0), readQueue(reopened, 1)];
    for (const a of acked) expect(queues[a.queueId]!.get(a.offset)).toBe(a.body);
    for (const q of queues) expect([...q.keys()]).toEqual([...q.keys()].map((_, i) => i)); // dense
    expect(queues[0]!.size + queues[1]!.size).toBe(acked.length); // the unsynced one is gone
    await reopened.shutdown();
  });

  it('ASYNC_FLUSH: loses at most what was written after the last flush, keeping an intact prefix', async () => {
    const fault = syncTrackingIO();
    const opts = options(fault.io, 'ASYNC_FLUSH');
    const store = await MessageStore.open(opts);
    for (let i = 0; i < 300; i++) await store.putMessage(msg(i));
    await store.flushService.flushNow();
    const flushedAt = store.maxPhyOffset;
    for (let i = 300; i < 400; i++) await store.putMessage(msg(i));
    store.halt();
    const lost = fault.powerLoss();
    expect(lost.commitLog).toBeGreaterThan(0);
    expect(lost.commitLog).toBeLessThanOrEqual(store.maxPhyOffset - flushedAt);
    const reopened = await MessageStore.open(
      options(nodeFileIO, 'ASYNC_FLUSH', opts.storePathRootDir),
    );
    expect(reopened.maxPhyOffset).toBeGreaterThanOrEqual(flushedAt);
    const survived = [...readQueue(reopened, 0).values(), ...readQueue(reopened, 1).values()];
    expect(survived.length).toBeGreaterThanOrEqual(300);
    const bodies = new Set(survived);
    for (let i = 0; i < 300; i++) expect(bodies.has(msg(i).body.toString())).toBe(true);
    await reopened.shutdown();
  });
});
