import {
  closeSync,
  openSync,
  readdirSync,
  readSync,
  statSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageToStore } from '../message/message.js';
import { decodeRecord } from '../message/record-codec.js';
import { javaStringHashCode } from '../message/tag-hash.js';
import { type FileIO, nodeFileIO } from './file-io.js';
import { MessageStore, type MessageStoreOptions } from './message-store.js';
import { GetMessageStatus, PutMessageStatus } from './status.js';
import { TEST_BORN_MS, TempDirs, testMessage, testStoreOptions } from './store.fixture.js';

const dirs = new TempDirs('kitemq-store-');
afterEach(() => dirs.removeAll());

const options = (over: Partial<MessageStoreOptions> = {}) => testStoreOptions(dirs.make(), over);

function msg(i: number, over: Partial<MessageToStore> = {}): MessageToStore {
  return testMessage({
    body: Buffer.from(`message ${i} ${'x'.repeat(i % 300)}`),
    properties: { TAGS: i % 2 === 0 ? 'TagA' : 'TagB', KEYS: `k${i}` },
    bornTimestamp: TEST_BORN_MS + i,
    ...over,
  });
}

async function putAll(store: MessageStore, n: number, from = 0): Promise<void> {
  for (let i = from; i < from + n; i++) {
    const r = await store.putMessage(msg(i));
    expect(r.status).toBe(PutMessageStatus.PUT_OK);
    expect(r.appendResult!.queueOffset).toBe(i);
  }
}

function readAll(store: MessageStore, topic = 'T', queueId = 0): string[] {
  const out: string[] = [];
  let offset = store.getMinOffsetInQueue(topic, queueId);
  for (;;) {
    const r = store.getMessage(topic, queueId, offset, 32);
    if (r.status !== GetMessageStatus.FOUND) break;
    for (const b of r.buffers) out.push(decodeRecord(b, 0).body.toString());
    offset = r.nextBeginOffset;
  }
  return out;
}

describe('MessageStore', () => {
  it('round-trips messages across many small segments with the end-of-file blank', async () => {
    const opts = options();
    const store = await MessageStore.open(opts);
    await putAll(store, 1_000);
    const files = readdirSync(join(opts.storePathRootDir, 'commitlog'));
    expect(files.length).toBeGreaterThan(3);
    expect(files[1]).toBe(String(64 * 1024).padStart(20, '0'));
    const bodies = readAll(store);
    expect(bodies).toHaveLength(1_000);
    expect(bodies[999]).toBe(msg(999).body.toString());
    const r = store.getMessage('T', 0, 10, 1);
    const m = decodeRecord(r.buffers[0]!, 0);
    expect(m.queueOffset).toBe(10);
    expect(m.properties.KEYS).toBe('k10');
    expect(store.lookMessageByOffset(m.commitLogOffset)!.body.toString()).toBe(
      msg(10).body.toString(),
    );
    await store.shutdown();
  });

  it('answers every getMessage status with RocketMQ nextBeginOffset rules', async () => {
    const store = await MessageStore.open(options());
    expect(store.getMessage('none', 0, 0, 32).status).toBe(GetMessageStatus.NO_MATCHED_LOGIC_QUEUE);
    await putAll(store, 5);
    expect(store.getMessage('T', 0, 5, 32)).toMatchObject({
      status: 'OFFSET_OVERFLOW_ONE',
      nextBeginOffset: 5,
    });
    expect(store.getMessage('T', 0, 9, 32)).toMatchObject({
      status: 'OFFSET_OVERFLOW_BADLY',
      nextBeginOffset: 5,
    });
    const found = store.getMessage('T', 0, 1, 2);
    expect(found).toMatchObject({
      status: 'FOUND',
      nextBeginOffset: 3,
      minOffset: 0,
      maxOffset: 5,
      messageCount: 2,
    });
    const tagB = javaStringHashCode('TagB');
    const filtered = store.getMessage('T', 0, 0, 32, (code) => code === tagB);
    expect(filtered.messageCount).toBe(2); // offsets 1 and 3
    expect(filtered.nextBeginOffset).toBe(5);
    const none = store.getMessage('T', 0, 0, 32, () => false);
    expect(none).toMatchObject({ status: 'NO_MATCHED_MESSAGE', nextBeginOffset: 5 });
    await store.shutdown();
  });

  it('scans up to 800 units for a filter, across consume-queue files, and stops there', async () => {
    const store = await MessageStore.open(options()); // 100 units per consume-queue file
    for (let i = 0; i < 900; i++) {
      const tag = i === 150 || i === 700 ? 'Rare' : 'Common';
      const r = await store.putMessage(msg(i, { properties: { TAGS: tag } }));
      expect(r.status).toBe(PutMessageStatus.PUT_OK);
    }
    const rare = javaStringHashCode('Rare');
    const first = store.getMessage('T', 0, 0, 32, (code) => code === rare);
    expect(first).toMatchObject({ status: 'FOUND', messageCount: 2, nextBeginOffset: 800 });
    const rest = store.getMessage('T', 0, 800, 32, (code) => code === rare);
    expect(rest).toMatchObject({ status: 'NO_MATCHED_MESSAGE', nextBeginOffset: 900 });
    const plain = store.getMessage('T', 0, 10, 32);
    expect(plain).toMatchObject({ status: 'FOUND', messageCount: 32, nextBeginOffset: 42 });
    await store.shutdown();
  });

  it('stores a batch with consecutive queue offsets and ids', async () => {
    const store = await MessageStore.open(options());
    await putAll(store, 2);
    const r = await store.putMessages([msg(10), msg(11), msg(12)]);
    expect(r.status).toBe('PUT_OK');
    expect(r.appendResult).toMatchObject({ queueOffset: 2, msgNum: 3 });
    expect(r.appendResult!.msgIds).toHaveLength(3);
    expect(readAll(store).slice(2)).toEqual([10, 11, 12].map((i) => msg(i).body.toString()));
    await store.shutdown();
  });

  it('refuses oversize bodies and properties before touching the disk', async () => {
    const store = await MessageStore.open(options());
    const big = await store.putMessage(msg(0, { body: Buffer.alloc(20_000) }));
    expect(big.status).toBe(PutMessageStatus.MESSAGE_ILLEGAL);
    expect(big.remark).toContain('maxMessageSize');
    const props = await store.putMessage(msg(0, { properties: { big: 'p'.repeat(40_000) } }));
    expect(props.status).toBe(PutMessageStatus.PROPERTIES_SIZE_EXCEEDED);
    expect(store.maxPhyOffset).toBe(0);
    expect(store.getMaxOffsetInQueue('T', 0)).toBe(0);
    await store.shutdown();
  });

  it('keeps every message and continues queue offsets after a clean restart', async () => {
    const opts = options();
    let store = await MessageStore.open(opts);
    await putAll(store, 300);
    await store.shutdown();
    store = await MessageStore.open(opts);
    expect(store.getMaxOffsetInQueue('T', 0)).toBe(300);
    await putAll(store, 10, 300);
    expect(readAll(store)).toHaveLength(310);
    await store.shutdown();
  });

  it('cuts a torn tail after a crash and keeps everything before it', async () => {
    const opts = options();
    const store = await MessageStore.open(opts);
    await putAll(store, 50);
    await store.flushService.flushNow();
    // Simulate a crash: no shutdown (abort marker stays), then tear the last record in half.
    const dir = join(opts.storePathRootDir, 'commitlog');
    const last = join(dir, readdirSync(dir).sort().at(-1)!);
    const size = statSync(last).size;
    truncateSync(last, size - 7);
    const reopened = await MessageStore.open(opts);
    expect(reopened.getMaxOffsetInQueue('T', 0)).toBe(49);
    expect(readAll(reopened)).toEqual(Array.from({ length: 49 }, (_, i) => msg(i).body.toString()));
    await putAll(reopened, 1, 49);
    await reopened.shutdown();
  });

  it('detects a flipped byte in the last record by its CRC', async () => {
    const opts = options();
    const store = await MessageStore.open(opts);
    await putAll(store, 20);
    await store.shutdown();
    const dir = join(opts.storePathRootDir, 'commitlog');
    const file = join(dir, readdirSync(dir).sort().at(-1)!);
    const fd = openSync(file, 'r+');
    const size = statSync(file).size;
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, size - 30); // inside the last record's body/props
    b[0] = b[0]! ^ 0xff;
    writeSync(fd, b, 0, 1, size - 30);
    closeSync(fd);
    // A clean-shutdown checkpoint would skip validation of old records; use the crash path.
    closeSync(openSync(join(opts.storePathRootDir, 'abort'), 'w'));
    const reopened = await MessageStore.open(opts);
    expect(reopened.getMaxOffsetInQueue('T', 0)).toBe(19);
    await reopened.shutdown();
  });

  it('SYNC_FLUSH acknowledges after fdatasync, and concurrent puts share flushes', async () => {
    let syncs = 0;
    const counting: FileIO = {
      ...nodeFileIO,
      datasync: async (fd) => {
        syncs++;
        await nodeFileIO.datasync(fd);
      },
    };
    const store = await MessageStore.open(
      options({ flushDiskType: 'SYNC_FLUSH', fileIO: counting }),
    );
    const one = await store.putMessage(msg(0));
    expect(one.status).toBe('PUT_OK');
    expect(syncs).toBeGreaterThanOrEqual(1);
    expect(store.commitLog.queue.flushedOffset).toBe(store.maxPhyOffset);
    const before = syncs;
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => store.putMessage(msg(i + 1))),
    );
    expect(results.every((r) => r.status === 'PUT_OK')).toBe(true);
    expect(syncs - before).toBeLessThan(50); // group commit: far fewer fsyncs than messages
    expect(store.commitLog.queue.flushedOffset).toBe(store.maxPhyOffset);
    await store.shutdown();
  });

  it('writes the appends of one event-loop turn with one write, before acknowledging them', async () => {
    let writes = 0;
    const counting: FileIO = {
      ...nodeFileIO,
      write: (...args) => {
        writes++;
        nodeFileIO.write(...args);
      },
    };
    const opts = options({ fileIO: counting, mappedFileSizeCommitLog: 1024 * 1024 });
    const store = await MessageStore.open(opts);
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => store.putMessage(msg(i))),
    );
    expect(results.every((r) => r.status === 'PUT_OK')).toBe(true);
    // 100 records and 100 consume-queue units, staged and written in a handful of writes.
    expect(writes).toBeLessThan(10);
    // Acknowledged means handed to the kernel: a second reader of the files sees everything.
    const file = join(opts.storePathRootDir, 'commitlog', '0'.repeat(20));
    expect(statSync(file).size).toBe(store.maxPhyOffset);
    await store.shutdown();
  });

  it('finds queue offsets by store time and reports hot data', async () => {
    const store = await MessageStore.open(options());
    const t0 = Date.now();
    await putAll(store, 10);
    expect(store.getOffsetInQueueByTime('T', 0, t0 - 1_000)).toBe(0);
    expect(store.getOffsetInQueueByTime('T', 0, Date.now() + 1_000)).toBe(10);
    expect(store.getEarliestMessageTime('T', 0)).toBeGreaterThanOrEqual(t0 - 5);
    expect(store.checkInMemByConsumeOffset('T', 0, 0)).toBe(true);
    expect(store.checkInMemByConsumeOffset('T', 0, 99)).toBe(false);
    await store.shutdown();
  });

  it('does not index half (prepared) transaction messages', async () => {
    const store = await MessageStore.open(options());
    const r = await store.putMessage(msg(0, { sysFlag: 0x4 }));
    expect(r.status).toBe('PUT_OK');
    expect(store.getMaxOffsetInQueue('T', 0)).toBe(0);
    expect(store.maxPhyOffset).toBeGreaterThan(0);
    await store.shutdown();
  });

  it('emits messageArrived once the unit is readable', async () => {
    const store = await MessageStore.open(options());
    const seen: number[] = [];
    store.on('messageArrived', (topic, queueId, next) => {
      expect(store.getMessage(topic, queueId, next - 1, 1).status).toBe('FOUND');
      seen.push(next);
    });
    await putAll(store, 3);
    expect(seen).toEqual([1, 2, 3]);
    await store.shutdown();
  });

  it('builds no key index with messageIndexEnable=false, and restarts without re-reading the log', async () => {
    const opts = options({ messageIndexEnable: false });
    const store = await MessageStore.open(opts);
    await putAll(store, 5);
    expect(store.queryMessage('T', 'k1', 10, 0, Date.now() + 1).buffers).toHaveLength(0);
    await store.shutdown();
    expect(readdirSync(join(opts.storePathRootDir, 'index'))).toEqual([]);
    const again = await MessageStore.open(opts);
    expect(again.consumeQueues.redispatched).toBe(0);
    expect(readAll(again)).toHaveLength(5);
    await again.shutdown();
  });
});
