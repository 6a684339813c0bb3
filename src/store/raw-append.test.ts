// Raw append, the replication entry point, on its own: one store's commit-log bytes appended into
// a second store must read back the same; bad batches write nothing; a diverged log is cut and
// caught up; a crash after raw appends recovers them.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from '../common/logger.js';
import type { MessageToStore } from '../message/message.js';
import { MessageStore, type MessageStoreOptions } from './message-store.js';

/** A store directory that lives as long as the test. */
function tempRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kitemq-raw-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const SEGMENT = 16 * 1024;

function rawOpts(): MessageStoreOptions {
  const storePathRootDir = tempRoot();
  const sizes = { mappedFileSizeCommitLog: SEGMENT, mappedFileSizeConsumeQueue: 20 * 50 };
  const flush = { flushIntervalCommitLog: 20, flushCommitLogLeastPages: 0, syncFlushTimeout: 5e3 };
  const rest = { maxMessageSize: 4096, logger: silentLogger(), maxHashSlotNum: 64 };
  return { storePathRootDir, flushDiskType: 'ASYNC_FLUSH', ...sizes, ...flush, ...rest };
}

function rawMessage(n: number, tag = 'm'): MessageToStore {
  const body = Buffer.from(`${tag}${n} ${'r'.repeat((n * 37) % 700)}`);
  const hosts = { bornHost: '10.2.0.2:4000', storeHost: '10.2.0.1:10911' };
  const rest = { flag: 0, sysFlag: 0, preparedTransactionOffset: 0, reconsumeTimes: 0, ...hosts };
  const properties = { KEYS: `${tag}${n}`, TAGS: n % 3 === 0 ? 'A' : 'B' };
  return { topic: 'R', queueId: n % 3, body, properties, bornTimestamp: 1.72e12 + n, ...rest };
}

/** The log's bytes in [from, to) as its segments hold them, one segment after the other. */
function logBytes(store: MessageStore, from: number, to = store.maxPhyOffset): Buffer {
  const parts: Buffer[] = [];
  for (const f of store.commitLog.queue.files) {
    const start = Math.max(from, f.fileFromOffset);
    const end = Math.min(to, f.fileFromOffset + f.wrotePosition);
    if (end > start) parts.push(f.read(start - f.fileFromOffset, end - start));
  }
  return Buffer.concat(parts);
}

async function filledStore(n: number, tag = 'm'): Promise<{ store: MessageStore; ends: number[] }> {
  const store = await MessageStore.open(rawOpts());
  const ends: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = (await store.putMessage(rawMessage(i, tag))).appendResult!;
    ends.push(a.wroteOffset + a.wroteBytes);
  }
  return { store, ends };
}

/** Everything a pull sees, per queue, and each queue's offsets. */
function snapshot(store: MessageStore) {
  const out: { queue: number; min: number; max: number; records: string[] }[] = [];
  for (let q = 0; q < 3; q++) {
    const records: string[] = [];
    let off = store.getMinOffsetInQueue('R', q);
    for (;;) {
      const r = store.getMessage('R', q, off, 32);
      if (r.messageCount === 0) break;
      for (const b of r.buffers) records.push(b.toString('base64'));
      off = r.nextBeginOffset;
    }
    const max = store.getMaxOffsetInQueue('R', q);
    out.push({ queue: q, min: store.getMinOffsetInQueue('R', q), max, records });
  }
  return out;
}

function commitLogFiles(opts: MessageStoreOptions): string[] {
  const dir = join(opts.storePathRootDir, 'commitlog');
  return readdirSync(dir).map((n) => `${n}:${statSync(join(dir, n)).size}`);
}

describe('MessageStore#appendRaw', () => {
  it('copies a log across segment rolls into an empty store: same reads, queues and keys', async () => {
    const { store: master } = await filledStore(120);
    expect(master.commitLog.queue.files.length).toBeGreaterThan(3);
    const slave = await MessageStore.open(rawOpts());
    const arrived: number[] = [];
    slave.on('messageArrived', (_t, q) => arrived.push(q));
    const r = await slave.appendRaw(0, logBytes(master, 0));
    expect(r).toEqual({ ok: true, maxPhyOffset: master.maxPhyOffset });
    expect(snapshot(slave)).toEqual(snapshot(master));
    expect(snapshot(slave)[0]!.records).toHaveLength(40);
    expect(arrived).toHaveLength(120);
    const hit = slave.queryMessage('R', 'm77', 4, 0, Date.now() + 1e6);
    expect(hit.buffers.map((b) => b.toString('base64'))).toEqual(
      master
        .queryMessage('R', 'm77', 4, 0, Date.now() + 1e6)
        .buffers.map((b) => b.toString('base64')),
    );
    expect(hit.buffers).toHaveLength(1);
    await Promise.all([master.shutdown(), slave.shutdown()]);
  });

  it('takes the log in pieces, each segment on its own, ending after an end-of-file blank', async () => {
    const { store: master } = await filledStore(90);
    const slave = await MessageStore.open(rawOpts());
    for (const f of master.commitLog.queue.files) {
      const from = f === master.commitLog.queue.first ? 0 : f.fileFromOffset;
      const r = await slave.appendRaw(
        from,
        logBytes(master, from, f.fileFromOffset + f.wrotePosition),
      );
      expect(r).toMatchObject({ ok: true });
    }
    expect(slave.maxPhyOffset).toBe(master.maxPhyOffset);
    expect(snapshot(slave)).toEqual(snapshot(master));
    await Promise.all([master.shutdown(), slave.shutdown()]);
  });

  it('refuses a wrong offset, a corrupted CRC and a torn batch, writing nothing', async () => {
    const { store: master, ends } = await filledStore(30);
    const opts = rawOpts();
    const slave = await MessageStore.open(opts);
    expect(await slave.appendRaw(ends[1]!, logBytes(master, ends[1]!))).toMatchObject({
      ok: false,
      maxPhyOffset: 0,
      reason: expect.stringContaining('continues at 0'),
    });
    expect((await slave.appendRaw(0, logBytes(master, 0, ends[4]))).ok).toBe(true);
    const before = { files: commitLogFiles(opts), reads: snapshot(slave) };
    const again = await slave.appendRaw(0, logBytes(master, 0, ends[4]));
    expect(again).toMatchObject({
      ok: false,
      reason: expect.stringContaining(`continues at ${ends[4]}`),
    });
    const bad = logBytes(master, ends[4]!);
    bad[ends[7]! - ends[4]! + 100]! ^= 0xff; // inside the body of the record after ends[7]
    const crc = await slave.appendRaw(ends[4]!, bad);
    expect(crc).toMatchObject({ ok: false, reason: expect.stringContaining('body CRC mismatch') });
    const torn = logBytes(master, ends[4]!, ends[9]! - 10);
    expect(await slave.appendRaw(ends[4]!, torn)).toMatchObject({
      ok: false,
      reason: expect.stringContaining(`inside the record at ${ends[8]}`),
    });
    expect({ files: commitLogFiles(opts), reads: snapshot(slave) }).toEqual(before);
    expect(slave.maxPhyOffset).toBe(ends[4]);
    await Promise.all([master.shutdown(), slave.shutdown()]);
  });

  it('recovers raw-appended records after a crash and after a clean shutdown', async () => {
    const { store: master } = await filledStore(80);
    const opts = rawOpts();
    const slave = await MessageStore.open(opts);
    expect((await slave.appendRaw(0, logBytes(master, 0))).ok).toBe(true);
    slave.halt();
    const reopened = await MessageStore.open(opts);
    expect(snapshot(reopened)).toEqual(snapshot(master));
    expect(reopened.queryMessage('R', 'm5', 4, 0, Date.now() + 1e6).buffers).toHaveLength(1);
    await reopened.shutdown();
    const again = await MessageStore.open(opts);
    expect(snapshot(again)).toEqual(snapshot(master));
    await Promise.all([master.shutdown(), again.shutdown()]);
  });
});

describe('MessageStore#truncateTo', () => {
  it('cuts a diverged log with its queue units and keys; the master’s bytes then append', async () => {
    const { store: master, ends } = await filledStore(100);
    const slave = await MessageStore.open(rawOpts());
    const cut = ends[59]!;
    expect((await slave.appendRaw(0, logBytes(master, 0, cut))).ok).toBe(true);
    // The slave took writes of its own past the cut: its log no longer follows the master's.
    for (let i = 60; i < 75; i++) await slave.putMessage(rawMessage(i, 'own'));
    expect(slave.queryMessage('R', 'own70', 4, 0, Date.now() + 1e6).buffers).toHaveLength(1);
    expect(slave.truncateTo(cut + 4)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('no record'),
    });
    expect(slave.truncateTo(cut)).toEqual({ ok: true, maxPhyOffset: cut });
    expect(slave.getMaxOffsetInQueue('R', 0)).toBe(20);
    expect(slave.queryMessage('R', 'own70', 4, 0, Date.now() + 1e6).buffers).toHaveLength(0);
    expect((await slave.appendRaw(cut, logBytes(master, cut))).ok).toBe(true);
    expect(snapshot(slave)).toEqual(snapshot(master));
    // m61 lands where the slave's own records were indexed: found only if the index was cut too.
    for (const key of ['m61', 'm88']) {
      expect(slave.queryMessage('R', key, 4, 0, Date.now() + 1e6).buffers).toHaveLength(1);
    }
    await Promise.all([master.shutdown(), slave.shutdown()]);
  });
});
