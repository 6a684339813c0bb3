// Retention by disk usage on a real 8 MiB tmpfs (docs/durability.md, "Retention and a full
// disk"): over diskMaxUsedSpaceRatio (75 %) expired segments go at any hour, not only at a
// deleteWhen hour; between diskSpaceCleanForciblyRatio (85 %) and the warning level (90 %) young
// segments go too unless cleanFileForciblyEnable=false, and sends are still taken. The segments'
// age is their real mtime, set back with utimes.
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/common/logger.js';
import type { MessageToStore } from '../../src/message/message.js';
import { MessageStore } from '../../src/store/message-store.js';
import { PutMessageStatus } from '../../src/store/status.js';
import { mountSmallFs, type SmallFs } from '../harness/small-fs.js';

const MiB = 1024 * 1024;
const SEGMENT = 512 * 1024;
/** An hour that is not now, so retention by time alone never fires in these tests. */
const notNow = String((new Date().getHours() + 12) % 24).padStart(2, '0');
const mounts: SmallFs[] = [];
const stores: MessageStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.shutdown();
  for (const m of mounts.splice(0)) m.unmount();
});

async function storeOnSmallFs(cleanFileForciblyEnable: boolean) {
  const fs = mountSmallFs(8 * MiB);
  mounts.push(fs);
  const store = await MessageStore.open({
    storePathRootDir: join(fs.dir, 'store'),
    mappedFileSizeCommitLog: SEGMENT,
    mappedFileSizeConsumeQueue: 20 * 1000,
    flushDiskType: 'ASYNC_FLUSH',
    flushIntervalCommitLog: 500,
    flushCommitLogLeastPages: 4,
    syncFlushTimeout: 5_000,
    maxMessageSize: 64 * 1024,
    logger: silentLogger(),
    maxHashSlotNum: 64,
    maxIndexNum: 1_000,
    clean: {
      deleteWhen: notNow,
      fileReservedTimeHours: 72,
      diskMaxUsedSpaceRatio: 75,
      diskSpaceCleanForciblyRatio: 85,
      diskSpaceWarningLevelRatio: 90,
      cleanFileForciblyEnable,
      cleanResourceInterval: 3_600_000, // the test runs each round itself
    },
  });
  stores.push(store);
  return { fs, store };
}

function msg(i: number): MessageToStore {
  return {
    topic: 'Disk',
    queueId: i % 2,
    flag: 0,
    body: Buffer.from(`${i} ${'d'.repeat(4000)}`),
    properties: {},
    sysFlag: 0,
    bornTimestamp: 1,
    bornHost: '10.0.0.2:5000',
    storeHost: '10.0.0.1:10911',
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
  };
}

/** About `bytes` of messages, flushed. */
async function fill(store: MessageStore, bytes: number, from = 0): Promise<number> {
  let i = from;
  for (const end = store.maxPhyOffset + bytes; store.maxPhyOffset < end; i++) {
    expect((await store.putMessage(msg(i))).status).toBe(PutMessageStatus.PUT_OK);
  }
  await store.flushService.flushNow();
  return i;
}

/** Sets every segment but the tail back by `hours` (retention reads the real mtime). */
function age(store: MessageStore, hours: number): void {
  const t = (Date.now() - hours * 3_600_000) / 1000;
  for (const f of store.commitLog.queue.files.slice(0, -1)) utimesSync(f.path, t, t);
}

describe('retention by disk usage on a real tmpfs', () => {
  it('over diskMaxUsedSpaceRatio, expired segments go at any hour; young ones stay', async () => {
    const { fs, store } = await storeOnSmallFs(true);
    await fill(store, 5 * SEGMENT);
    const segments = store.commitLog.queue.files.length;
    expect(segments).toBeGreaterThanOrEqual(5);

    age(store, 73);
    expect(fs.usedRatio()).toBeLessThan(0.75);
    expect(store.cleanService.runOnce().deletedCommitLogFiles).toBe(0); // not the hour, room left

    fs.fillTo(0.8);
    expect(fs.usedRatio()).toBeGreaterThan(0.75);
    expect(fs.usedRatio()).toBeLessThan(0.85);
    age(store, 1); // young: over 75 % alone deletes only what fileReservedTime let expire
    expect(store.cleanService.runOnce().deletedCommitLogFiles).toBe(0);

    age(store, 73);
    const round = store.cleanService.runOnce();
    expect(round.deletedCommitLogFiles).toBe(segments - 1);
    expect(store.commitLog.queue.files).toHaveLength(1);
    expect(store.cleanService.isDiskFull).toBe(false);
    expect((await store.putMessage(msg(100_000))).status).toBe(PutMessageStatus.PUT_OK);
  });

  for (const forcibly of [true, false]) {
    it(`between 85 % and 90 %, cleanFileForciblyEnable=${forcibly}: young segments ${forcibly ? 'go' : 'stay'}, sends are taken`, async () => {
      const { fs, store } = await storeOnSmallFs(forcibly);
      await fill(store, 5 * SEGMENT);
      const segments = store.commitLog.queue.files.length;
      age(store, 1);
      fs.fillTo(0.87);
      expect(fs.usedRatio()).toBeGreaterThan(0.85);
      expect(fs.usedRatio()).toBeLessThan(0.9);
      const round = store.cleanService.runOnce();
      expect(round.deletedCommitLogFiles).toBe(forcibly ? segments - 1 : 0);
      expect(store.cleanService.isDiskFull).toBe(false);
      expect((await store.putMessage(msg(100_000))).status).toBe(PutMessageStatus.PUT_OK);
      expect(store.getMinOffsetInQueue('Disk', 0) > 0).toBe(forcibly);
    });
  }
});
