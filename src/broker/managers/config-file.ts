// Broker metadata files under <storePathRootDir>/config: written to a temp file, fsynced and
// renamed so a crash leaves either the old or the new version, never half of one. The previous
// version is kept as <name>.bak, as RocketMQ's ConfigManager does.
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '../../common/errors.js';

/**
 * The file, else its .bak (ConfigManager#loadBak); undefined when neither exists or both are
 * empty (a new store). A copy with content that does not parse, and no copy that does, stops the
 * broker: starting empty would forget every topic or committed offset without a word.
 */
export function readJsonFile<T>(path: string): T | undefined {
  const damaged: string[] = [];
  for (const p of [path, `${path}.bak`]) {
    if (!existsSync(p)) continue;
    const text = readFileSync(p, 'utf8');
    if (text.trim() === '') continue;
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      damaged.push(`${p} (${(err as Error).message})`);
    }
  }
  if (damaged.length === 0) return undefined;
  throw new ConfigError(
    `cannot load ${path}: ${damaged.join('; ')}; no readable copy is left. Restore the file ` +
      'from a backup, or delete it and its .bak to start with none of its entries',
  );
}

export function writeJsonFile(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, JSON.stringify(value, null, 2));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (existsSync(path)) renameSync(path, `${path}.bak`);
  renameSync(tmp, path);
}
