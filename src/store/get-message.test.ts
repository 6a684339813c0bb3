// A pull's records must outlive the read cache's slots: the cache reads new blocks into the
// memory of evicted ones, so what getMessage returns has to be a copy of its own.
import { afterEach, describe, expect, it } from 'vitest';
import { READ_CACHE_BLOCK_BYTES, READ_CACHE_BLOCKS } from '../common/limits.js';
import { decodeRecord } from '../message/record-codec.js';
import { MessageStore } from './message-store.js';
import { GetMessageStatus, PutMessageStatus } from './status.js';
import { TempDirs, testMessage, testStoreOptions } from './store.fixture.js';

const dirs = new TempDirs('kitemq-get-message-');
afterEach(() => dirs.removeAll());

const QUEUES = 8;
const body = (i: number) => Buffer.from(`m${i} `.padEnd(1024, 'x'));

describe('getMessage over the read cache', () => {
  it('returns records that stay intact after their cache block is evicted', async () => {
    const store = await MessageStore.open(
      testStoreOptions(dirs.make(), { mappedFileSizeCommitLog: 4 * 1024 * 1024 }),
    );
    // More complete blocks than the cache holds, the queues interleaved as a producer's are.
    const count = Math.ceil(((READ_CACHE_BLOCKS + 4) * READ_CACHE_BLOCK_BYTES) / 1024);
    for (let i = 0; i < count; i++) {
      const r = await store.putMessage(testMessage({ queueId: i % QUEUES, body: body(i) }));
      expect(r.status).toBe(PutMessageStatus.PUT_OK);
    }
    const first = store.getMessage('T', 0, 0, 32);
    expect(first.status).toBe(GetMessageStatus.FOUND);
    expect(first.messageCount).toBe(32);
    const missesBefore = store.commitLog.readCache.misses;
    // Every other block of the log passes through the cache, evicting the first pull's.
    for (let offset = 32; offset < count / QUEUES; offset += 32) {
      expect(store.getMessage('T', 1, offset, 32).status).toBe(GetMessageStatus.FOUND);
    }
    expect(store.commitLog.readCache.misses - missesBefore).toBeGreaterThan(READ_CACHE_BLOCKS);
    const bodies = first.buffers.map((b) => decodeRecord(b, 0).body.toString());
    expect(bodies).toEqual(Array.from({ length: 32 }, (_, k) => body(k * QUEUES).toString()));
    expect(Buffer.concat(first.buffers)).toEqual(first.body);
    await store.shutdown();
  });
});
