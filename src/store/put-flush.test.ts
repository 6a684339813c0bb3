// When a put's bytes get flushed, seen from the store: ASYNC_FLUSH wakes the flusher on each put
// (no interval tick needed once flushCommitLogLeastPages are dirty); under SYNC_FLUSH a put with
// WAIT=false is answered before its fdatasync, and that fdatasync still follows.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MessageToStore } from '../message/message.js';
import { type FileIO, nodeFileIO } from './file-io.js';
import { MessageStore, type MessageStoreOptions } from './message-store.js';
import { PutMessageStatus } from './status.js';
import { TempDirs, testMessage, testStoreOptions } from './store.fixture.js';

const dirs = new TempDirs('kitemq-putflush-');
const stores: MessageStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) s.halt();
  dirs.removeAll();
});

/** fdatasync calls wait while `held` is true; `syncs` counts the ones that finished. */
function gatedIO() {
  const state = { held: false, syncs: 0, release: () => {} };
  let gate: Promise<void> = Promise.resolve();
  const io: FileIO = {
    ...nodeFileIO,
    async datasync(fd) {
      await gate;
      await nodeFileIO.datasync(fd);
      state.syncs++;
    },
  };
  const hold = () => {
    gate = new Promise<void>((r) => {
      state.release = r;
    });
  };
  return { io, state, hold };
}

async function open(over: Partial<MessageStoreOptions>): Promise<MessageStore> {
  const dir = dirs.make();
  const s = await MessageStore.open(
    testStoreOptions(dir, {
      mappedFileSizeCommitLog: 1024 * 1024,
      mappedFileSizeConsumeQueue: 20 * 1000,
      flushIntervalCommitLog: 3_600_000, // no interval tick within a test
      flushCommitLogLeastPages: 1,
      syncFlushTimeout: 60_000,
      maxHashSlotNum: 64,
      maxIndexNum: 1_000,
      ...over,
    }),
  );
  stores.push(s);
  return s;
}

function msg(i: number, properties: Record<string, string> = {}): MessageToStore {
  return testMessage({
    topic: 'F',
    body: Buffer.from(`${i} ${'f'.repeat(1000)}`),
    properties,
    bornTimestamp: 1,
  });
}

describe('flushing after puts', () => {
  it('ASYNC_FLUSH: once a page is dirty, a put starts the fdatasync (no interval tick)', async () => {
    const store = await open({ flushDiskType: 'ASYNC_FLUSH' });
    for (let i = 0; i < 2; i++) await store.putMessage(msg(i));
    expect(store.maxPhyOffset).toBeLessThan(4096);
    expect(store.commitLog.queue.flushedOffset).toBe(0); // below flushCommitLogLeastPages
    for (let i = 2; i < 6; i++) await store.putMessage(msg(i));
    expect(store.maxPhyOffset).toBeGreaterThanOrEqual(4096);
    await vi.waitFor(() => expect(store.commitLog.queue.flushedOffset).toBeGreaterThan(4096), {
      timeout: 10_000,
    });
  });

  it('SYNC_FLUSH with WAIT=false: answered before the fdatasync, which still follows', async () => {
    const { io, state, hold } = gatedIO();
    const store = await open({ flushDiskType: 'SYNC_FLUSH', fileIO: io });
    hold();
    let waited: string | undefined;
    void store.putMessage(msg(0)).then((r) => {
      waited = r.status;
    });
    const r = await store.putMessage(msg(1, { WAIT: 'false' }));
    expect(r.status).toBe(PutMessageStatus.PUT_OK);
    const end = r.appendResult!.wroteOffset + r.appendResult!.wroteBytes;
    expect(store.commitLog.queue.flushedOffset).toBeLessThan(end); // answered, not yet durable
    expect(waited).toBeUndefined(); // a waiting put is still parked on the same fdatasync
    state.release();
    await vi.waitFor(() => expect(waited).toBe(PutMessageStatus.PUT_OK), { timeout: 10_000 });

    // Alone: nobody waits, and the fdatasync comes all the same.
    const alone = await store.putMessage(msg(2, { WAIT: 'false' }));
    const aloneEnd = alone.appendResult!.wroteOffset + alone.appendResult!.wroteBytes;
    await vi.waitFor(
      () => expect(store.commitLog.queue.flushedOffset).toBeGreaterThanOrEqual(aloneEnd),
      { timeout: 10_000 },
    );
  });
});
