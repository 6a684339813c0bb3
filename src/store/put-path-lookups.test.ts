// The put path's shortcuts keep their old meaning: consume queues found by (topic, id) without a
// key string, key-index hashes continued from a cached `topic#` prefix, the unit written in place.
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../common/logger.js';
import { decodeRecord } from '../message/record-codec.js';
import { ConsumeQueueTable } from './consume-queue-table.js';
import { nodeFileIO } from './file-io.js';
import { MessageStore } from './message-store.js';
import { TempDirs, testMessage, testStoreOptions } from './store.fixture.js';

const dirs = new TempDirs('kitemq-put-path-');
afterEach(() => dirs.removeAll());

describe('consume queue lookup', () => {
  it('finds a queue by topic and id, and forgets it when its topic is deleted', () => {
    const table = new ConsumeQueueTable(nodeFileIO, dirs.make(), 20 * 64, silentLogger());
    const q = table.findOrCreate('T', 3);
    q.append(0, 0, 100, 0, 0, 1);
    expect(table.find('T', 3)).toBe(q);
    expect(table.find('T', 2)).toBeUndefined();
    expect(table.find('T3', 0)).toBeUndefined();
    expect(table.deleteTopic('T')).toBe(1);
    expect(table.find('T', 3)).toBeUndefined();
    const again = table.findOrCreate('T', 3);
    expect(again).not.toBe(q);
    expect(again.maxOffset).toBe(0);
    table.close();
  });

  it('refuses a unit out of order, naming the queue and both offsets', () => {
    const table = new ConsumeQueueTable(nodeFileIO, dirs.make(), 20 * 64, silentLogger());
    const q = table.findOrCreate('T', 0);
    q.append(0, 0, 100, 7, 0, 1);
    q.append(1, 100, 100, 7, 0, 1);
    expect(() => q.append(5, 200, 100, 7, 0, 1)).toThrow('queue offset 5 continues T-0 at 2');
    expect(q.unitAt(1)).toMatchObject({ commitLogOffset: 100, size: 100, tagsCode: 7 });
    table.close();
  });
});

describe('key index words', () => {
  it('indexes each KEYS word however it is spaced, and the UNIQ_KEY, per topic', async () => {
    const store = await MessageStore.open(testStoreOptions(dirs.make()));
    const properties = { KEYS: '  a  bb ', UNIQ_KEY: 'U1' };
    await store.putMessage(testMessage({ topic: 'T', body: Buffer.from('m'), properties }));
    const found = (topic: string, key: string) =>
      store
        .queryMessage(topic, key, 8, 0, Date.now() + 1_000)
        .buffers.map((b) => decodeRecord(b, 0).body.toString());
    expect(found('T', 'a')).toEqual(['m']);
    expect(found('T', 'bb')).toEqual(['m']);
    expect(found('T', 'U1')).toEqual(['m']);
    expect(found('T', '')).toEqual([]);
    expect(found('T', 'a  bb')).toEqual([]);
    expect(found('Other', 'a')).toEqual([]);
    await store.shutdown();
  });
});
