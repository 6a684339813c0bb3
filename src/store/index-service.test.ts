import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../common/logger.js';
import type { MessageToStore } from '../message/message.js';
import { decodeRecord } from '../message/record-codec.js';
import { MessageStore, type MessageStoreOptions } from './message-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function options(dir?: string): MessageStoreOptions {
  const root = dir ?? mkdtempSync(join(tmpdir(), 'kitemq-index-'));
  if (!dir) dirs.push(root);
  return {
    storePathRootDir: root,
    mappedFileSizeCommitLog: 64 * 1024,
    mappedFileSizeConsumeQueue: 2_000,
    flushDiskType: 'ASYNC_FLUSH',
    flushIntervalCommitLog: 50,
    flushCommitLogLeastPages: 0,
    syncFlushTimeout: 5_000,
    maxMessageSize: 16 * 1024,
    logger: silentLogger(),
    // Tiny index files: 64 slots (so keys share slots) and 100 entries (so files roll).
    maxHashSlotNum: 64,
    maxIndexNum: 100,
  };
}

function msg(i: number, topic = 'T'): MessageToStore {
  return {
    topic,
    queueId: 0,
    flag: 0,
    body: Buffer.from(`body ${i}`),
    properties: { KEYS: `order-${i} user-${i % 7}`, UNIQ_KEY: `U${String(i).padStart(31, '0')}` },
    sysFlag: 0,
    bornTimestamp: 1,
    bornHost: '10.0.0.2:5000',
    storeHost: '10.0.0.1:10911',
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
  };
}

const bodies = (bs: Buffer[]) => bs.map((b) => decodeRecord(b, 0).body.toString());

describe('key index', () => {
  it('finds messages by each KEYS word and by UNIQ_KEY, across rolled index files', async () => {
    const store = await MessageStore.open(options());
    for (let i = 0; i < 300; i++) await store.putMessage(msg(i));
    await store.putMessage(msg(5, 'Other')); // same keys, another topic
    const now = Date.now();
    expect(bodies(store.queryMessage('T', 'order-42', 32, 0, now + 1_000).buffers)).toEqual([
      'body 42',
    ]);
    const user3 = bodies(store.queryMessage('T', 'user-3', 100, 0, now + 1_000).buffers);
    expect(user3).toHaveLength(43); // i % 7 === 3 for i < 300
    expect(user3[0]).toBe('body 297'); // newest first
    expect(
      bodies(store.queryMessage('T', `U${'0'.repeat(29)}77`, 1, 0, now + 1_000).buffers),
    ).toEqual(['body 77']);
    expect(store.queryMessage('T', 'order-5', 32, 0, now + 1_000).buffers).toHaveLength(1);
    expect(store.queryMessage('T', 'missing', 32, 0, now + 1_000).buffers).toHaveLength(0);
    expect(
      store.queryMessage('T', 'order-42', 32, now + 60_000, now + 120_000).buffers,
    ).toHaveLength(0);
    await store.shutdown();
  });

  it('survives a clean restart and is rebuilt after a crash', async () => {
    const opts = options();
    let store = await MessageStore.open(opts);
    for (let i = 0; i < 150; i++) await store.putMessage(msg(i));
    await store.shutdown();
    store = await MessageStore.open(opts);
    expect(bodies(store.queryMessage('T', 'order-149', 32, 0, Date.now()).buffers)).toEqual([
      'body 149',
    ]);
    for (let i = 150; i < 160; i++) await store.putMessage(msg(i));
    // Crash: no shutdown, so the newest index entries were never flushed.
    store.commitService.commitAll();
    const reopened = await MessageStore.open(options(opts.storePathRootDir));
    expect(bodies(reopened.queryMessage('T', 'order-159', 32, 0, Date.now()).buffers)).toEqual([
      'body 159',
    ]);
    expect(bodies(reopened.queryMessage('T', 'order-3', 32, 0, Date.now()).buffers)).toEqual([
      'body 3',
    ]);
    await reopened.shutdown();
  });
});
