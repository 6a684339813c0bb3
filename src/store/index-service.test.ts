import { afterEach, describe, expect, it } from 'vitest';
import type { MessageToStore } from '../message/message.js';
import { decodeRecord } from '../message/record-codec.js';
import { MessageStore, type MessageStoreOptions } from './message-store.js';
import { TempDirs, testMessage, testStoreOptions } from './store.fixture.js';

const dirs = new TempDirs('kitemq-index-');
afterEach(() => dirs.removeAll());

function options(dir?: string): MessageStoreOptions {
  const root = dir ?? dirs.make();
  // Tiny index files: 64 slots (so keys share slots) and 100 entries (so files roll).
  return testStoreOptions(root, { maxHashSlotNum: 64, maxIndexNum: 100 });
}

function msg(i: number, topic = 'T'): MessageToStore {
  return testMessage({
    topic,
    body: Buffer.from(`body ${i}`),
    properties: { KEYS: `order-${i} user-${i % 7}`, UNIQ_KEY: `U${String(i).padStart(31, '0')}` },
    bornTimestamp: 1,
  });
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
