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

export function readJsonFile<T>(path: string): T | undefined {
  for (const p of [path, `${path}.bak`]) {
    if (!existsSync(p)) continue;
    try {
      return JSON.parse(readFileSync(p, 'utf8')) as T;
    } catch {
      // fall through to the backup
    }
  }
  return undefined;
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
