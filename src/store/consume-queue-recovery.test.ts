import { closeSync, openSync, readdirSync, readSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CQ_UNIT_SIZE_BYTES } from '../common/limits.js';
import { decodeRecord } from '../message/record-codec.js';
import { MessageStore, type MessageStoreOptions } from './message-store.js';
import { GetMessageStatus, PutMessageStatus } from './status.js';
import { TEST_BORN_MS, TempDirs, testMessage, testStoreOptions } from './store.fixture.js';

// Consume-queue units damaged on disk between runs are cut at open and rebuilt from the commit
// log: every message readable at its queue offset again.
const UNITS_PER_FILE = 100;
const dirs = new TempDirs('kitemq-cq-recovery-');
afterEach(() => dirs.removeAll());

function options(): MessageStoreOptions {
  return testStoreOptions(dirs.make(), {
    mappedFileSizeConsumeQueue: CQ_UNIT_SIZE_BYTES * UNITS_PER_FILE,
  });
}

const body = (i: number) => `message ${i}`;

async function filled(n: number): Promise<MessageStoreOptions> {
  const opts = options();
  const store = await MessageStore.open(opts);
  for (let i = 0; i < n; i++) {
    const r = await store.putMessage(
      testMessage({
        body: Buffer.from(body(i)),
        properties: { TAGS: 'A' },
        bornTimestamp: TEST_BORN_MS + i,
      }),
    );
    expect(r.status).toBe(PutMessageStatus.PUT_OK);
  }
  await store.shutdown();
  return opts;
}

function segment(opts: MessageStoreOptions, queueOffset: number): string {
  const dir = join(opts.storePathRootDir, 'consumequeue', 'T', '0');
  const from = Math.floor(queueOffset / UNITS_PER_FILE) * UNITS_PER_FILE * CQ_UNIT_SIZE_BYTES;
  expect(readdirSync(dir)).toContain(String(from).padStart(20, '0'));
  return join(dir, String(from).padStart(20, '0'));
}

function unitPos(queueOffset: number): number {
  return (queueOffset % UNITS_PER_FILE) * CQ_UNIT_SIZE_BYTES;
}

function writeUnit(opts: MessageStoreOptions, queueOffset: number, unit: Buffer): void {
  const fd = openSync(segment(opts, queueOffset), 'r+');
  writeSync(fd, unit, 0, CQ_UNIT_SIZE_BYTES, unitPos(queueOffset));
  closeSync(fd);
}

function readUnit(opts: MessageStoreOptions, queueOffset: number): Buffer {
  const b = Buffer.alloc(CQ_UNIT_SIZE_BYTES);
  const fd = openSync(segment(opts, queueOffset), 'r');
  readSync(fd, b, 0, CQ_UNIT_SIZE_BYTES, unitPos(queueOffset));
  closeSync(fd);
  return b;
}

async function readAllAfterReopen(opts: MessageStoreOptions): Promise<string[]> {
  const store = await MessageStore.open(opts);
  const out: string[] = [];
  let offset = 0;
  for (;;) {
    const r = store.getMessage('T', 0, offset, 32);
    if (r.status !== GetMessageStatus.FOUND) break;
    for (const b of r.buffers) out.push(decodeRecord(b, 0).body.toString());
    offset = r.nextBeginOffset;
  }
  expect(store.getMaxOffsetInQueue('T', 0)).toBe(out.length);
  await store.shutdown();
  return out;
}

const all = (n: number) => Array.from({ length: n }, (_, i) => body(i));

describe('consume queue recovery', () => {
  it('rebuilds from a unit of 0xff bytes (negative offset and size)', async () => {
    const opts = await filled(250);
    writeUnit(opts, 150, Buffer.alloc(CQ_UNIT_SIZE_BYTES, 0xff));
    expect(await readAllAfterReopen(opts)).toEqual(all(250));
  });

  it('rebuilds from a unit pointing back at an earlier message', async () => {
    const opts = await filled(250);
    writeUnit(opts, 160, readUnit(opts, 120));
    expect(await readAllAfterReopen(opts)).toEqual(all(250));
  });

  it('rebuilds a middle segment cut short, and the segments after it', async () => {
    const opts = await filled(250);
    truncateSync(segment(opts, 100), 7 * CQ_UNIT_SIZE_BYTES + 3);
    expect(await readAllAfterReopen(opts)).toEqual(all(250));
  });
});
