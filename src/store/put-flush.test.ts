// When a put's bytes get flushed, seen from the store: ASYNC_FLUSH wakes the flusher on each put
// (no interval tick needed once flushCommitLogLeastPages are dirty); under SYNC_FLUSH a put with
// WAIT=false is answered before its fdatasync, and that fdatasync still follows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../common/logger.js';
import type { MessageToStore } from '../message/message.js';
import { type FileIO, nodeFileIO } from './file-io.js';
import { MessageStore, type MessageStoreOptions } from './message-store.js';
import { PutMessageStatus } from './status.js';

const dirs: string[] = [];
const stores: MessageStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) s.halt();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
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
  const dir = mkdtempSync(join(tmpdir(), 'kitemq-putflush-'));
  dirs.push(dir);
  const s = await MessageStore.open({
    storePathRootDir: dir,
    mappedFileSizeCommitLog: 1024 * 1024,
    mappedFileSizeConsumeQueue: 20 * 1000,
    flushDiskType: 'ASYNC_FLUSH',
    flushIntervalCommitLog: 3_600_000, // no interval tick within a test
    flushCommitLogLeastPages: 1,
    syncFlushTimeout: 60_000,
    maxMessageSize: 16 * 1024,
    logger: silentLogger(),
    maxHashSlotNum: 64,
    maxIndexNum: 1_000,
    ...over,
  });
  stores.push(s);
  return s;
}

function msg(i: number, properties: Record<string, string> = {}): MessageToStore {
  return {
    topic: 'F',
    queueId: 0,
    flag: 0,
    body: Buffer.from(`${i} ${'f'.repeat(1000)}`),
    properties,
    sysFlag: 0,
    bornTimestamp: 1,
    bornHost: '10.0.0.2:5000',
    storeHost: '10.0.0.1:10911',
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
  };
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
