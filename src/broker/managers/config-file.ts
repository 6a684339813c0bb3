// Broker metadata files under <storePathRootDir>/config, through the store's FileIO (so a fault
// test can hand in a failing disk): the file, else its .bak, is read (ConfigManager#load /
// #loadBak); a write keeps the previous version as <name>.bak (ConfigManager#persist) and then
// replaces the file by a temp file written, fsynced and renamed, so a crash leaves the old or the
// new version, never half of one and never only the .bak. A failed write throws, leaving the
// file as it was. delayOffset.json (schedule/delay-offset-store.ts) reads the same way. The
// broker's own writes of consumerOffset.json and subscriptionGroup.json go through
// config-file-writer.ts, the same steps off the event loop; writeJsonFile is the blocking form.
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  writeSync,
} from 'node:fs';
import * as fsp from 'node:fs/promises';
import { dirname } from 'node:path';
import { assert } from '../../common/assert.js';
import { ConfigError } from '../../common/errors.js';
import { type FileIO, nodeFileIO } from '../../store/file-io.js';

export interface ReadCopiesOptions {
  /** A blank copy counts as missing (a new store), not as damaged. */
  readonly skipBlank: boolean;
  /** Applied to the text before JSON.parse (fastjson's unquoted keys). */
  readonly transform?: (text: string) => string;
}

export type CopiesRead<T> =
  | { readonly found: true; readonly value: T }
  | { readonly found: false; readonly damaged: readonly { path: string; err: Error }[] };

/** The first of `path` and `path.bak` that parses, or which copies did not. */
export function readJsonCopies<T>(io: FileIO, path: string, o: ReadCopiesOptions): CopiesRead<T> {
  const damaged: { path: string; err: Error }[] = [];
  for (const p of [path, `${path}.bak`]) {
    const text = io.readFile(p);
    if (text === undefined || (o.skipBlank && text.trim() === '')) continue;
    try {
      return { found: true, value: JSON.parse(o.transform ? o.transform(text) : text) as T };
    } catch (err) {
      damaged.push({ path: p, err: err as Error });
    }
  }
  return { found: false, damaged };
}

/**
 * The file, else its .bak (ConfigManager#loadBak); undefined when neither exists or both are
 * empty (a new store). A copy with content that does not parse, and no copy that does, stops the
 * broker: starting empty would forget every topic or committed offset without a word.
 */
export function readJsonFile<T>(path: string, io: FileIO = nodeFileIO): T | undefined {
  const r = readJsonCopies<T>(io, path, { skipBlank: true });
  if (r.found) return r.value;
  if (r.damaged.length === 0) return undefined;
  const damaged = r.damaged.map((d) => `${d.path} (${d.err.message})`);
  throw new ConfigError(
    `cannot load ${path}: ${damaged.join('; ')}; no readable copy is left. Restore the file ` +
      'from a backup, or delete it and its .bak to start with none of its entries',
  );
}

export function writeJsonFile(path: string, value: unknown, io: FileIO = nodeFileIO): void {
  io.mkdirp(dirname(path));
  const previous = io.readFile(path);
  if (previous !== undefined) io.writeFileAtomic(`${path}.bak`, previous);
  io.writeFileAtomic(path, JSON.stringify(value, null, 2));
}

/**
 * writeJsonFile for a file with a change log beside it (topics.json, 25 MB at 100,000 topics):
 * written from pieces to a temp file, synced, and renamed into place; the previous version
 * becomes the .bak by a rename instead of a copy. A crash between the renames leaves only the
 * .bak, which readJsonFile falls back to; the log, started anew only after this returns, still
 * holds every change made since that version. Returns the bytes written.
 */
export function replaceKeepingBak(path: string, pieces: Iterable<string>): number {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  let bytes = 0;
  try {
    for (const piece of pieces) {
      const n = writeSync(fd, piece);
      assert(n === Buffer.byteLength(piece), 'a piece of a config file is written whole');
      bytes += n;
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (existsSync(path)) renameSync(path, `${path}.bak`);
  renameSync(tmp, path);
  return bytes;
}

/**
 * replaceKeepingBak off the event loop: the pieces are written as they come (each one's text is
 * built between writes), then synced; the renames happen only if `stillWanted()` says so when
 * the file is whole (a newer rewrite may have overtaken this one). Returns the bytes written, or
 * undefined when the file was dropped.
 */
export async function replaceKeepingBakAsync(
  path: string,
  pieces: Iterable<string>,
  stillWanted: () => boolean,
): Promise<number | undefined> {
  const tmp = `${path}.async.tmp`;
  const fh = await fsp.open(tmp, 'w');
  let bytes = 0;
  try {
    for (const piece of pieces) {
      const { bytesWritten } = await fh.write(piece);
      assert(
        bytesWritten === Buffer.byteLength(piece),
        'a piece of a config file is written whole',
      );
      bytes += bytesWritten;
    }
    await fh.datasync();
  } finally {
    await fh.close();
  }
  if (!stillWanted()) {
    await fsp.rm(tmp, { force: true });
    return undefined;
  }
  if (existsSync(path)) renameSync(path, `${path}.bak`);
  renameSync(tmp, path);
  return bytes;
}
