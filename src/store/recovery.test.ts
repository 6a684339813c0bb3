// Recovery after a crash (MessageStore#halt leaves the abort marker, no checkpoint, no flush):
// which commit-log segments it validates, and what it re-dispatches into consume queues.
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageToStore } from '../message/message.js';
import { decodeRecord } from '../message/record-codec.js';
import { MessageStore, type MessageStoreOptions } from './message-store.js';
import { GetMessageStatus, PutMessageStatus } from './status.js';
import { TempDirs, testMessage, testStoreOptions } from './store.fixture.js';

const dirs = new TempDirs('kitemq-recovery-');
const open: MessageStore[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.shutdown();
  dirs.removeAll();
});

function options(root?: string, over: Partial<MessageStoreOptions> = {}): MessageStoreOptions {
  const dir = root ?? dirs.make();
  return testStoreOptions(dir, {
    mappedFileSizeCommitLog: 8 * 1024,
    flushIntervalCommitLog: 3_600_000,
    flushCommitLogLeastPages: 1_000,
    maxMessageSize: 4 * 1024,
    maxHashSlotNum: 64,
    maxIndexNum: 1_000,
    ...over,
  });
}

async function openStore(opts: MessageStoreOptions): Promise<MessageStore> {
  const s = await MessageStore.open(opts);
  open.push(s);
  return s;
}

/** Crash, then open the same store again. */
async function crashAndReopen(store: MessageStore, opts: MessageStoreOptions) {
  store.halt();
  open.splice(open.indexOf(store), 1);
  return openStore(opts);
}

function msg(topic: string, body: string, queueId = 0): MessageToStore {
  return testMessage({
    topic,
    queueId,
    body: Buffer.from(body),
    bornTimestamp: 1,
  });
}

async function put(store: MessageStore, topic: string, body: string): Promise<number> {
  const r = await store.putMessage(msg(topic, body));
  expect(r.status).toBe(PutMessageStatus.PUT_OK);
  return r.appendResult!.queueOffset;
}

function bodies(store: MessageStore, topic: string): string[] {
  const out: string[] = [];
  let offset = store.getMinOffsetInQueue(topic, 0);
  for (;;) {
    const r = store.getMessage(topic, 0, offset, 32);
    if (r.status !== GetMessageStatus.FOUND) return out;
    for (const b of r.buffers) out.push(decodeRecord(b, 0).body.toString());
    offset = r.nextBeginOffset;
  }
}

describe('a topic deleted before a crash', () => {
  it('stays deleted, and one made again keeps only what was sent after the delete', async () => {
    const opts = options();
    const store = await openStore(opts);
    for (let i = 0; i < 10; i++) {
      await put(store, 'Gone', `gone ${i}`);
      await put(store, 'Again', `old ${i}`);
    }
    expect(store.deleteTopic('Gone')).toBe(1);
    expect(store.deleteTopic('Again')).toBe(1);
    expect(await put(store, 'Again', 'new 0')).toBe(0);
    const again = await crashAndReopen(store, opts);
    expect(existsSync(join(opts.storePathRootDir, 'consumequeue', 'Gone'))).toBe(false);
    expect(again.getMaxOffsetInQueue('Gone', 0)).toBe(0);
    expect(bodies(again, 'Again')).toEqual(['new 0']);
    expect(await put(again, 'Again', 'new 1')).toBe(1);
  });

  it('a deletion the crash interrupted (recorded, queues still on disk) is finished at start', async () => {
    const opts = options();
    const store = await openStore(opts);
    for (let i = 0; i < 5; i++) await put(store, 'Half', `half ${i}`);
    await put(store, 'Kept', 'kept 0');
    const end = store.maxPhyOffset;
    store.halt();
    open.length = 0;
    // What deleteTopic records before it removes the queue directory.
    writeFileSync(
      join(opts.storePathRootDir, 'deletedtopics'),
      JSON.stringify({ topics: { Half: end } }),
    );
    const again = await openStore(opts);
    expect(existsSync(join(opts.storePathRootDir, 'consumequeue', 'Half'))).toBe(false);
    expect(again.getMaxOffsetInQueue('Half', 0)).toBe(0);
    expect(bodies(again, 'Kept')).toEqual(['kept 0']);
  });
});

describe('which segments recovery validates after a crash', () => {
  /** Fills 7 segments, checkpoints at the end, crashes; returns each record's offset. */
  async function sevenSegments() {
    const opts = options();
    const store = await openStore(opts);
    const records: { offset: number; body: string }[] = [];
    for (let i = 0; store.commitLog.queue.files.length < 7; i++) {
      const body = `record ${i} ${'r'.repeat(300)}`;
      const r = await store.putMessage(msg('R', body));
      records.push({ offset: r.appendResult!.wroteOffset, body });
    }
    await store.flushService.flushNow();
    await store.checkpointNow(); // the checkpoint is the log's end

    const files = store.commitLog.queue.files.map((f) => ({
      from: f.fileFromOffset,
      path: f.path,
    }));
    const end = store.maxPhyOffset;
    store.halt();
    open.length = 0;
    return { opts, records, files, end };
  }

  /** Flips a byte in the body of the first record of a segment (its CRC no longer matches). */
  function corruptFirstRecordOf(
    seg: { from: number; path: string },
    records: { offset: number; body: string }[],
  ): number {
    const r = records.find((x) => x.offset >= seg.from)!;
    const bytes = readFileSync(seg.path);
    const at = bytes.indexOf(r.body, r.offset - seg.from);
    expect(at).toBeGreaterThan(0);
    bytes[at] = bytes[at]! ^ 0xff;
    writeFileSync(seg.path, bytes);
    return r.offset;
  }

  it('a bad record in the third-last segment is found: the log is cut there', async () => {
    const { opts, records, files } = await sevenSegments();
    const cut = corruptFirstRecordOf(files[files.length - 3]!, records);
    const store = await openStore(opts);
    expect(store.maxPhyOffset).toBe(cut);
    expect(bodies(store, 'R')).toEqual(records.filter((r) => r.offset < cut).map((r) => r.body));
  });

  it('one in the fourth-last is not looked at when the checkpoint is newer', async () => {
    const { opts, records, files, end } = await sevenSegments();
    corruptFirstRecordOf(files[files.length - 4]!, records);
    const store = await openStore(opts);
    expect(store.maxPhyOffset).toBe(end);
  });

  it('without a checkpoint, recovery starts earlier and finds it', async () => {
    const { opts, records, files } = await sevenSegments();
    const cut = corruptFirstRecordOf(files[files.length - 4]!, records);
    unlinkSync(join(opts.storePathRootDir, 'checkpoint'));
    const store = await openStore(opts);
    expect(store.maxPhyOffset).toBe(cut);
  });
});
