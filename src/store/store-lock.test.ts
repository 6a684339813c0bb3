// The store directory lock: one store per directory, a dead owner's lock taken over.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../common/errors.js';
import type { MessageStore } from './message-store.js';
import { OpenStores, TempDirs } from './store.fixture.js';
import { STORE_LOCK_FILE } from './store-lock.js';

const dirs = new TempDirs('kitemq-lock-');
const stores = new OpenStores();
afterEach(async () => {
  await stores.closeAll();
  dirs.removeAll();
});
const f = {
  dir: () => dirs.make(),
  open: (d: string) => stores.open(d),
  release: (s: MessageStore) => stores.release(s),
};

/** The pid of a process that has exited (and so is not alive). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

describe('store directory lock', () => {
  it('holds the pid while open and is removed by a clean shutdown', async () => {
    const dir = f.dir();
    const s = await f.open(dir);
    const lock = join(dir, STORE_LOCK_FILE);
    expect(readFileSync(lock, 'utf8').trim()).toBe(String(process.pid));
    f.release(s);
    await s.shutdown();
    expect(existsSync(lock)).toBe(false);
  });

  it('refuses while another live process holds it, in one line naming the fix', async () => {
    const dir = f.dir();
    const lock = join(dir, STORE_LOCK_FILE);
    writeFileSync(lock, `${process.ppid}\n`);
    const open = f.open(dir);
    await expect(open).rejects.toThrow(ConfigError);
    await expect(open).rejects.toThrow(
      `store directory ${dir} is in use by another broker (pid ${process.ppid}); stop it or set storePathRootDir to another directory (lock file: ${lock})`,
    );
    expect(readFileSync(lock, 'utf8').trim()).toBe(String(process.ppid));
  });

  it('takes over a lock whose process is gone (kill -9 leaves it behind)', async () => {
    const dir = f.dir();
    writeFileSync(join(dir, STORE_LOCK_FILE), `${deadPid()}\n`);
    await f.open(dir);
    expect(readFileSync(join(dir, STORE_LOCK_FILE), 'utf8').trim()).toBe(String(process.pid));
  });

  it('takes over an empty lock file (what a Java broker leaves) and its own halted lock', async () => {
    const dir = f.dir();
    writeFileSync(join(dir, STORE_LOCK_FILE), '');
    const s = await f.open(dir);
    f.release(s);
    s.halt();
    expect(existsSync(join(dir, STORE_LOCK_FILE))).toBe(true);
    await f.open(dir);
  });
});
