// Metadata writes on a failing disk (an injected FileIO): the error reaches the caller, the file
// on disk stays the previous version, and the next write after the disk recovers lands.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type FileIO, nodeFileIO } from '../../store/file-io.js';
import { DelayOffsetStore } from '../schedule/delay-offset-store.js';
import { readJsonFile, writeJsonFile } from './config-file.js';
import { ConsumerOffsetManager } from './consumer-offset-manager.js';

const dirs: string[] = [];
function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'kitemq-config-faults-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected`), { code });
}

/**
 * Real files, except that while `failing` an atomic write of `name` leaves half its temp file
 * and then fails as a full disk (ENOSPC) does; the rename never happens.
 */
function faultyDisk(name: string): { io: FileIO; failing: boolean } {
  const disk = { failing: true, io: nodeFileIO };
  const fail = (path: string, data: string): boolean => {
    if (!disk.failing || !path.endsWith(name)) return false;
    writeFileSync(`${path}.tmp`, data.slice(0, data.length >> 1));
    return true;
  };
  disk.io = {
    ...nodeFileIO,
    writeFileAtomic(path, data) {
      if (fail(path, data)) throw errno('ENOSPC');
      nodeFileIO.writeFileAtomic(path, data);
    },
    async writeFileAtomicAsync(path, data) {
      if (fail(path, data)) throw errno('ENOSPC');
      await nodeFileIO.writeFileAtomicAsync(path, data);
    },
  };
  return disk;
}

describe('config files on a failing disk', () => {
  it('writeJsonFile throws the disk error and leaves the previous version readable', () => {
    const p = join(dir(), 'config', 'topics.json');
    writeJsonFile(p, { v: 1 });
    const disk = faultyDisk('topics.json');
    expect(() => writeJsonFile(p, { v: 2 }, disk.io)).toThrow(/ENOSPC/);
    expect(readJsonFile(p, disk.io)).toEqual({ v: 1 });
    disk.failing = false;
    writeJsonFile(p, { v: 3 }, disk.io);
    expect(readJsonFile(p)).toEqual({ v: 3 });
    expect(JSON.parse(readFileSync(`${p}.bak`, 'utf8'))).toEqual({ v: 1 });
  });

  it('a consumer-offset persist that fails rejects, stays pending and lands once the disk recovers', async () => {
    const root = dir();
    const disk = faultyDisk('consumerOffset.json');
    const offsets = new ConsumerOffsetManager(root, disk.io);
    offsets.commitOffset('g', 'T', 0, 5);
    await expect(offsets.persist()).rejects.toThrow(/ENOSPC/);
    expect(existsSync(join(root, 'config', 'consumerOffset.json'))).toBe(false);
    disk.failing = false;
    await offsets.persist(); // not forced: the failed write left it pending
    const reread = new ConsumerOffsetManager(root);
    reread.load();
    expect(reread.queryOffset('g', 'T', 0)).toBe(5);
  });

  it('a delayOffset.json flush rejects with the disk error and keeps the saved progress', async () => {
    const root = dir();
    const healthy = new DelayOffsetStore(root);
    healthy.set(1, 10);
    await healthy.flush();
    const disk = faultyDisk('delayOffset.json');
    const offsets = new DelayOffsetStore(root, disk.io);
    offsets.load();
    offsets.set(1, 20);
    await expect(offsets.flush()).rejects.toThrow(/ENOSPC/);
    const reread = new DelayOffsetStore(root);
    reread.load();
    expect(reread.get(1)).toBe(10);
    disk.failing = false;
    await offsets.flush();
    const after = new DelayOffsetStore(root);
    after.load();
    expect(after.get(1)).toBe(20);
  });
});
