// The store directory's lock (DefaultMessageStore#load: a `lock` file in storePathRootDir held
// with FileChannel#tryLock; a second broker on the directory fails with "Lock failed, MQ already
// started"). Node has no advisory file lock, so the file is created exclusively and holds the
// owner's pid: a second process fails at once, and a lock whose pid is no longer alive (kill -9,
// power loss) is taken over, so a crash never blocks the restart. A Java broker's empty `lock`
// file names no pid and counts as stale, and so does one naming this process (a store reopened
// in-process after a simulated crash, as the recovery tests do). Plain node:fs, not FileIO: the
// lock guards against other processes, not against a faulty disk.
import * as fs from 'node:fs';
import { join } from 'node:path';
import { assert } from '../common/assert.js';
import { ConfigError } from '../common/errors.js';

export const STORE_LOCK_FILE = 'lock';

export interface StoreLock {
  readonly path: string;
  /** Removes the file (when it is still ours): a clean shutdown. */
  release(): void;
}

/** Takes the lock of `dir` (made if missing), or throws a ConfigError naming the owner and fix. */
export function lockStoreDir(dir: string): StoreLock {
  const path = join(dir, STORE_LOCK_FILE);
  const pid = process.pid;
  fs.mkdirSync(dir, { recursive: true });
  // Three tries: a stale lock removed by us may be re-created by another starting process.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(path, `${pid}\n`, { flag: 'wx' });
      assert(readOwner(path) === pid, 'the lock just created names this process');
      return lockHandle(path, pid);
    } catch (err) {
      // A full disk must not keep the broker from starting to serve reads: no lock then.
      if ((err as NodeJS.ErrnoException).code === 'ENOSPC') return { path, release() {} };
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = readOwner(path);
    if (owner !== undefined && owner !== process.pid && isAlive(owner)) {
      throw inUse(dir, path, owner);
    }
    fs.rmSync(path, { force: true }); // stale: its process is gone
  }
  throw inUse(dir, path, readOwner(path));
}

function lockHandle(path: string, pid: number): StoreLock {
  let open = true;
  return {
    path,
    release() {
      if (!open) return;
      open = false;
      if (readOwner(path) === pid) fs.rmSync(path, { force: true });
    },
  };
}

function readOwner(path: string): number | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/** Signal 0 probes without signalling; EPERM means alive but someone else's. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function inUse(dir: string, path: string, owner: number | undefined): ConfigError {
  const who = owner === undefined ? 'another broker' : `another broker (pid ${owner})`;
  return new ConfigError(
    `store directory ${dir} is in use by ${who}; stop it or set storePathRootDir to another directory (lock file: ${path})`,
  );
}
