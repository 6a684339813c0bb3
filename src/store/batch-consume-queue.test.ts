import { closeSync, fstatSync, ftruncateSync, openSync, readdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BCQ_UNIT_SIZE_BYTES } from '../common/limits.js';
import { encodeBatch } from '../message/batch-codec.js';
import { MessageSysFlag, type MessageToStore } from '../message/message.js';
import { decodeRecord } from '../message/record-codec.js';
import { decodeBatchCqUnit, encodeBatchCqUnit } from './batch-consume-queue.js';
import type { MessageStore } from './message-store.js';
import { GetMessageStatus, PutMessageStatus } from './status.js';
import { OpenStores, TempDirs, testMessage } from './store.fixture.js';

// A BatchCQ topic's queue: one 46-byte unit per inner-batch record covering INNER_NUM queue
// offsets, read by any offset inside, recovered after a restart and after a torn tail.
const dirs = new TempDirs('kitemq-bcq-');
const stores = new OpenStores();
afterEach(async () => {
  await stores.closeAll();
  dirs.removeAll();
});

const batchTopic = { isBatchCqTopic: (t: string) => t === 'B' };

function innerBatch(first: number, n: number): MessageToStore {
  const items = Array.from({ length: n }, (_, i) => ({
    flag: 0,
    body: Buffer.from(`m${first + i}`),
    properties: { UNIQ_KEY: `K${first + i}` },
  }));
  return testMessage({
    topic: 'B',
    body: encodeBatch(items),
    properties: { INNER_NUM: String(n), UNIQ_KEY: `batch${first}` },
    sysFlag: MessageSysFlag.INNER_BATCH | MessageSysFlag.NEED_UNWRAP,
  });
}

/** Puts batches of sizes `sizes` (1 = a plain message); returns each one's base offset. */
async function fill(store: MessageStore, sizes: number[]): Promise<number[]> {
  const bases: number[] = [];
  let next = 0;
  for (const n of sizes) {
    const m =
      n === 1 ? testMessage({ topic: 'B', body: Buffer.from(`m${next}`) }) : innerBatch(next, n);
    const r = await store.putMessage(m);
    expect(r.status).toBe(PutMessageStatus.PUT_OK);
    expect(r.appendResult!.queueOffset).toBe(next);
    bases.push(next);
    next += n;
  }
  return bases;
}

/** Every offset in [0, total) is found in the record that holds it, and the pull moves past it. */
function expectEveryOffset(store: MessageStore, sizes: number[]): void {
  let base = 0;
  for (const n of sizes) {
    for (let q = base; q < base + n; q++) {
      const r = store.getMessage('B', 0, q, 1);
      expect(r.status, `offset ${q}`).toBe(GetMessageStatus.FOUND);
      expect(r.nextBeginOffset).toBe(base + n);
      const rec = decodeRecord(r.buffers[0]!, 0);
      expect(rec.queueOffset).toBe(base);
      if (n > 1) expect(rec.properties.INNER_NUM).toBe(String(n));
    }
    base += n;
  }
  expect(store.getMaxOffsetInQueue('B', 0)).toBe(base);
  expect(store.getMinOffsetInQueue('B', 0)).toBe(0);
}

const SIZES = [5, 1, 64, 3, 1, 1, 7];

describe('batch consume queue unit', () => {
  it('has RocketMQ 5 BatchConsumeQueue layout (golden bytes)', () => {
    const u = {
      commitLogOffset: 0x0102030405,
      size: 0x1234,
      tagsCode: -2,
      storeTimestamp: 1_700_000_000_123,
      msgBaseOffset: 300,
      batchSize: 64,
    };
    const b = encodeBatchCqUnit(u);
    expect(b.length).toBe(BCQ_UNIT_SIZE_BYTES);
    expect(b.toString('hex')).toBe(
      '0000000102030405' + // commitLogOffset
        '00001234' + // size
        'fffffffffffffffe' + // tagsCode
        '0000018bcfe5687b' + // storeTime
        '000000000000012c' + // msgBaseOffset
        '0040' + // batchSize
        '00000000' + // compactedOffset
        '00000000', // reserved
    );
    expect(decodeBatchCqUnit(b)).toEqual(u);
  });
});

describe('BatchCQ store', () => {
  it('stores a batch as one record and one unit, readable by every offset inside', async () => {
    const dir = dirs.make();
    const store = await stores.open(dir, batchTopic);
    await fill(store, SIZES);
    expectEveryOffset(store, SIZES);
    const unitFile = readdirSync(join(dir, 'batchconsumequeue', 'B', '0'));
    expect(unitFile.length).toBe(1);
    expect(store.consumeQueues.find('B', 0)!.isBatch).toBe(true);
    // maxMsgNums counts messages: a pull of 6 from 0 takes the batch of 5 and the single one.
    const r = store.getMessage('B', 0, 0, 6);
    expect(r.messageCount).toBe(2);
    expect(r.nextBeginOffset).toBe(6);
    expect(store.getOffsetInQueueByTime('B', 0, 0)).toBe(0);
    expect(store.getStoreTimestamp('B', 0, 70)).toBeGreaterThan(0);
  });

  it('gives each inner batch of one put its own run of offsets', async () => {
    const store = await stores.open(dirs.make(), batchTopic);
    const r = await store.putMessages([innerBatch(0, 2), innerBatch(2, 3)]);
    expect(r.appendResult!.queueOffset).toBe(0);
    expectEveryOffset(store, [2, 3]);
  });

  it('refuses an inner batch for a queue that is a simple one, storing nothing', async () => {
    const store = await stores.open(dirs.make()); // no topic is BatchCQ
    expect((await store.putMessage(testMessage({ topic: 'B' }))).status).toBe(
      PutMessageStatus.PUT_OK,
    );
    const end = store.maxPhyOffset;
    const r = await store.putMessage(innerBatch(1, 3));
    expect(r.status).toBe(PutMessageStatus.MESSAGE_ILLEGAL);
    expect(r.remark).toMatch(/simple consume queue/);
    expect(store.maxPhyOffset).toBe(end);
  });

  it('a plain topic still gets one unit per message', async () => {
    const store = await stores.open(dirs.make(), batchTopic);
    const r = await store.putMessages([testMessage(), testMessage()]);
    expect(r.appendResult!.queueOffset).toBe(0);
    expect(store.getMaxOffsetInQueue('T', 0)).toBe(2);
    expect(store.consumeQueues.find('T', 0)!.isBatch).toBe(false);
  });

  it('rolls unit segments and finds offsets across them', async () => {
    const store = await stores.open(dirs.make(), batchTopic); // 100 units per segment
    const sizes = Array.from({ length: 230 }, (_, i) => 1 + (i % 4));
    await fill(store, sizes);
    expectEveryOffset(store, sizes);
  });

  it('keeps every offset after a clean restart and a crash', async () => {
    const dir = dirs.make();
    const store = await stores.open(dir, batchTopic);
    await fill(store, SIZES);
    await store.shutdown();
    stores.release(store);
    const again = await stores.open(dir, batchTopic);
    expectEveryOffset(again, SIZES);
    await again.flushService.flushNow();
    again.halt();
    stores.release(again);
    const third = await stores.open(dir, batchTopic);
    expectEveryOffset(third, SIZES);
    const r = await third.putMessage(innerBatch(82, 2));
    expect(r.appendResult!.queueOffset).toBe(82);
  });

  it('rebuilds a torn unit tail from the commit log after a crash', async () => {
    const dir = dirs.make();
    const store = await stores.open(dir, batchTopic);
    await fill(store, SIZES);
    await store.flushService.flushNow();
    await store.checkpointNow();
    store.halt();
    stores.release(store);
    // The last two units lost and half of one left behind, as a crash may leave the file.
    const qdir = join(dir, 'batchconsumequeue', 'B', '0');
    const file = join(qdir, readdirSync(qdir)[0]!);
    const fd = openSync(file, 'r+');
    const units = fstatSync(fd).size / BCQ_UNIT_SIZE_BYTES;
    expect(units).toBe(SIZES.length);
    ftruncateSync(fd, (units - 2) * BCQ_UNIT_SIZE_BYTES);
    writeSync(fd, Buffer.alloc(20, 7), 0, 20, (units - 2) * BCQ_UNIT_SIZE_BYTES);
    closeSync(fd);
    const again = await stores.open(dir, batchTopic);
    expectEveryOffset(again, SIZES);
  });

  it('cuts a damaged unit whose base does not continue the one before, and rebuilds it', async () => {
    const dir = dirs.make();
    const store = await stores.open(dir, batchTopic);
    await fill(store, SIZES);
    await store.shutdown();
    stores.release(store);
    const qdir = join(dir, 'batchconsumequeue', 'B', '0');
    const fd = openSync(join(qdir, readdirSync(qdir)[0]!), 'r+');
    const bad = Buffer.alloc(8);
    bad.writeBigInt64BE(999n);
    writeSync(fd, bad, 0, 8, 3 * BCQ_UNIT_SIZE_BYTES + 28); // the 4th unit's msgBaseOffset
    closeSync(fd);
    const again = await stores.open(dir, batchTopic);
    expectEveryOffset(again, SIZES);
  });
});
