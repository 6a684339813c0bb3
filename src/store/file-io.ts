// The only place the store touches the file system, so tests can swap in a faulty disk and count
// fsyncs. Appends and reads are synchronous (page-cache speed, no promise per record); fdatasync
// is asynchronous so a SYNC_FLUSH group commit runs on the libuv pool while the loop keeps serving.
import * as fs from 'node:fs';

export interface FileIO {
  open(path: string): number;
  close(fd: number): void;
  size(fd: number): number;
  write(fd: number, buf: Buffer, offset: number, length: number, position: number): void;
  /** The same on the libuv pool: for big background writes that must not stall the loop. */
  writeAsync(
    fd: number,
    buf: Buffer,
    offset: number,
    length: number,
    position: number,
  ): Promise<void>;
  read(fd: number, buf: Buffer, offset: number, length: number, position: number): number;
  datasync(fd: number): Promise<void>;
  /**
   * fsyncs a directory, so the files created (or renamed) in it last through a power loss; on
   * platforms that cannot open a directory (Windows) it does nothing.
   */
  syncDir(dir: string): Promise<void>;
  truncate(fd: number, length: number): void;
  readdir(dir: string): string[];
  mkdirp(dir: string): void;
  exists(path: string): boolean;
  unlink(path: string): void;
  /** Removes a directory and everything in it (a deleted topic's consume queues). */
  removeDir(dir: string): void;
  writeFileAtomic(path: string, data: string): void;
  /** The same on the libuv pool: an fdatasync on the loop can stall it behind the journal. */
  writeFileAtomicAsync(path: string, data: string): Promise<void>;
  readFile(path: string): string | undefined;
  /** Last modification time of a file in ms (retention ages segments by it). */
  mtimeMs(path: string): number;
  /** Used fraction (0..1) of the file system holding `path`, or -1 when it cannot be read. */
  diskUsedRatio(path: string): number;
}

export const nodeFileIO: FileIO = {
  open: (path) => fs.openSync(path, fs.existsSync(path) ? 'r+' : 'w+'),
  close: (fd) => fs.closeSync(fd),
  size: (fd) => fs.fstatSync(fd).size,
  write(fd, buf, offset, length, position) {
    let done = 0;
    while (done < length)
      done += fs.writeSync(fd, buf, offset + done, length - done, position + done);
  },
  async writeAsync(fd, buf, offset, length, position) {
    let done = 0;
    while (done < length) {
      const { bytesWritten } = await new Promise<{ bytesWritten: number }>((resolve, reject) =>
        fs.write(fd, buf, offset + done, length - done, position + done, (err, n) =>
          err ? reject(err) : resolve({ bytesWritten: n }),
        ),
      );
      done += bytesWritten;
    }
  },
  read(fd, buf, offset, length, position) {
    let done = 0;
    while (done < length) {
      const n = fs.readSync(fd, buf, offset + done, length - done, position + done);
      if (n === 0) break;
      done += n;
    }
    return done;
  },
  datasync: (fd) =>
    new Promise((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve()))),
  async syncDir(dir) {
    let fh: fs.promises.FileHandle;
    try {
      fh = await fs.promises.open(dir, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EISDIR') return; // Windows
      throw err;
    }
    try {
      await fh.sync();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EINVAL' && code !== 'EPERM') throw err; // a directory fsync not supported
    } finally {
      await fh.close();
    }
  },
  truncate: (fd, length) => fs.ftruncateSync(fd, length),
  readdir: (dir) => (fs.existsSync(dir) ? fs.readdirSync(dir) : []),
  mkdirp: (dir) => fs.mkdirSync(dir, { recursive: true }),
  exists: (path) => fs.existsSync(path),
  unlink: (path) => fs.rmSync(path, { force: true }),
  removeDir: (dir) => fs.rmSync(dir, { recursive: true, force: true }),
  writeFileAtomic(path, data) {
    const tmp = `${path}.tmp`;
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, data);
      fs.fdatasyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, path);
  },
  async writeFileAtomicAsync(path, data) {
    const tmp = `${path}.tmp`;
    const fh = await fs.promises.open(tmp, 'w');
    try {
      await fh.writeFile(data);
      await fh.datasync();
    } finally {
      await fh.close();
    }
    await fs.promises.rename(tmp, path);
  },
  readFile: (path) => (fs.existsSync(path) ? fs.readFileSync(path, 'utf8') : undefined),
  mtimeMs: (path) => fs.statSync(path).mtimeMs,
  diskUsedRatio(path) {
    try {
      // As File#getTotalSpace/getFreeSpace: blocks reserved for root count as used.
      const s = fs.statfsSync(path);
      return s.blocks > 0 ? (s.blocks - s.bfree) / s.blocks : -1;
    } catch {
      return -1;
    }
  },
};

/**
 * A FileIO whose fdatasync first waits `delayMs`: a disk slower than syncFlushTimeout, for
 * testing FLUSH_DISK_TIMEOUT on a real broker (KITEMQ_TEST_FDATASYNC_DELAY_MS). The sync itself
 * is real; only its latency is made up, since no slow disk can be mounted on a test machine.
 */
export function withFdatasyncDelay(io: FileIO, delayMs: number): FileIO {
  return {
    ...io,
    async datasync(fd) {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      await io.datasync(fd);
    },
  };
}

/** The store's FileIO with the test seams the environment asks for (none in production). */
export function withEnvSeams(io: FileIO, env: NodeJS.ProcessEnv = process.env): FileIO {
  const delay = Number(env.KITEMQ_TEST_FDATASYNC_DELAY_MS);
  return delay > 0 ? withFdatasyncDelay(io, delay) : io;
}
