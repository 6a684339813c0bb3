// The coalescing config writer over a disk whose syncs the test holds open: one write in
// flight, newer snapshots coalesced behind it, errors logged and retried, flush at shutdown,
// and a persist that leaves the event loop free while the disk syncs.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../common/logger.js';
import { type FileIO, nodeFileIO } from '../../store/file-io.js';
import { ConfigFileWriter } from './config-file-writer.js';
import { ConsumerOffsetManager } from './consumer-offset-manager.js';

const dirs: string[] = [];
function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'kitemq-config-writer-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/**
 * Real files, but each async atomic write waits until the test opens its gate (a sync that has
 * not come back yet); the sync write spins for `syncSpinMs`, as a blocking fdatasync does.
 */
function heldDisk(syncSpinMs = 0) {
  const started: string[] = [];
  const gates: (() => void)[] = [];
  let active = 0;
  let maxActive = 0;
  let failNext: Error | undefined;
  const io: FileIO = {
    ...nodeFileIO,
    writeFileAtomic(path, data) {
      const until = Date.now() + syncSpinMs;
      while (Date.now() < until) {
        // a sync on the event loop: nothing else runs meanwhile
      }
      nodeFileIO.writeFileAtomic(path, data);
    },
    async writeFileAtomicAsync(path, data) {
      active++;
      maxActive = Math.max(maxActive, active);
      started.push(`${path.endsWith('.bak') ? 'bak' : 'file'}:${data}`);
      try {
        await new Promise<void>((resolve) => gates.push(resolve));
        const err = failNext;
        failNext = undefined;
        if (err) throw err;
        await nodeFileIO.writeFileAtomicAsync(path, data);
      } finally {
        active--;
      }
    },
  };
  return {
    io,
    started,
    get maxActive() {
      return maxActive;
    },
    failNextWith(err: Error) {
      failNext = err;
    },
    /** Waits until a write is held at the gate, then lets it go. */
    async release(): Promise<void> {
      await until(() => gates.length > 0);
      gates.shift()!();
    },
  };
}

async function until(cond: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met within 10 s');
    await new Promise((r) => setImmediate(r));
  }
}

function recordingLogger(): { log: Logger; errors: object[] } {
  const errors: object[] = [];
  const log: Logger = {
    debug() {},
    info() {},
    warn() {},
    error(obj) {
      errors.push(obj);
    },
    child: () => log,
  };
  return { log, errors };
}

const settled = (p: Promise<unknown>) => {
  const s = { done: false };
  p.then(
    () => {
      s.done = true;
    },
    () => {
      s.done = true;
    },
  );
  return s;
};

describe('ConfigFileWriter', () => {
  it('keeps one write in flight and coalesces newer snapshots into the newest', async () => {
    const path = join(dir(), 'config', 'x.json');
    const disk = heldDisk();
    const w = new ConfigFileWriter(path, disk.io, undefined);
    const first = w.write('v1');
    await until(() => disk.started.length === 1);
    const second = w.write('v2');
    const third = w.write('v3');
    const s2 = settled(second);
    await disk.release(); // v1 lands
    await first;
    expect(s2.done).toBe(false); // v2 is answered by the write that supersedes it
    await disk.release(); // .bak of v1
    await disk.release(); // v3
    await Promise.all([second, third]);
    expect(disk.started).toEqual(['file:v1', 'bak:v1', 'file:v3']);
    expect(disk.maxActive).toBe(1);
    expect(readFileSync(path, 'utf8')).toBe('v3');
    expect(readFileSync(`${path}.bak`, 'utf8')).toBe('v1');
    expect(w.busy).toBe(false);
  });

  it('logs a failed write, rejects its callers and lands the next one', async () => {
    const path = join(dir(), 'config', 'x.json');
    const disk = heldDisk();
    const { log, errors } = recordingLogger();
    const w = new ConfigFileWriter(path, disk.io, log);
    disk.failNextWith(Object.assign(new Error('ENOSPC: injected'), { code: 'ENOSPC' }));
    const failed = w.write('v1');
    await disk.release();
    await expect(failed).rejects.toThrow(/ENOSPC/);
    expect(w.failed).toBe(true);
    expect(errors).toHaveLength(1);
    expect(existsSync(path)).toBe(false);
    const retried = w.write('v2');
    await disk.release();
    await retried;
    expect(w.failed).toBe(false);
    expect(readFileSync(path, 'utf8')).toBe('v2');
  });

  it('flush resolves only after the write in flight and the pending one', async () => {
    const path = join(dir(), 'config', 'x.json');
    const disk = heldDisk();
    const w = new ConfigFileWriter(path, disk.io, undefined);
    w.write('v1').catch(() => {});
    await until(() => disk.started.length === 1);
    w.write('v2').catch(() => {});
    const flushed = settled(w.flush());
    await disk.release();
    await until(() => disk.started.length === 2);
    expect(flushed.done).toBe(false);
    await disk.release();
    await disk.release();
    await until(() => flushed.done);
    expect(readFileSync(path, 'utf8')).toBe('v2');
  });

  it('takes the snapshot at the call: a later change is not in the version being written', async () => {
    const root = dir();
    const disk = heldDisk();
    const offsets = new ConsumerOffsetManager(root, disk.io);
    offsets.commitOffset('G', 'T', 0, 1);
    const p = offsets.persist();
    offsets.commitOffset('G', 'T', 0, 2);
    await disk.release();
    await p;
    const file = JSON.parse(readFileSync(join(root, 'config', 'consumerOffset.json'), 'utf8'));
    expect(file.offsetTable['T@G']).toEqual({ '0': 1 });
    const closed = offsets.close(); // the later commit is written at shutdown
    await disk.release(); // .bak
    await disk.release();
    await closed;
    const reread = new ConsumerOffsetManager(root);
    reread.load();
    expect(reread.queryOffset('G', 'T', 0)).toBe(2);
  });

  it('a consumer-offset persist leaves the event loop free while the disk syncs', async () => {
    const root = dir();
    const disk = heldDisk(300);
    const offsets = new ConsumerOffsetManager(root, disk.io);
    offsets.commitOffset('G', 'T', 0, 7);
    const order: string[] = [];
    const timer = new Promise<void>((resolve) =>
      setTimeout(() => {
        order.push('timer');
        resolve();
      }, 0),
    );
    const persisted = Promise.resolve(offsets.persist()).then(() => order.push('stored'));
    await timer;
    expect(order).toEqual(['timer']); // the sync has not come back, yet the timer ran
    await disk.release();
    await persisted;
    expect(order).toEqual(['timer', 'stored']);
  });
});
