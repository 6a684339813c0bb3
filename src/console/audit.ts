// The audit log: one JSON line per console write (who, what, when, ok or refused) appended to
// <dataDir>/audit.log, and read back newest first for api/audit. Appends are synchronous so two
// writes can never interleave within a line, and the entry is on disk before the answer.
import { appendFileSync, closeSync, fstatSync, mkdirSync, openSync, readSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AuditEntry } from './api-types.js';
import { CONSOLE_AUDIT_TAIL_BYTES } from './config.js';

// The entry's shape is the API's (api/audit hands entries out as written).
export type { AuditEntry } from './api-types.js';

export class AuditLog {
  readonly path: string;
  private readonly now: () => Date;

  constructor(path: string, now: () => Date = () => new Date()) {
    this.path = path;
    this.now = now;
    mkdirSync(dirname(path), { recursive: true });
  }

  append(e: Omit<AuditEntry, 'at'>): AuditEntry {
    const entry: AuditEntry = { at: this.now().toISOString(), ...e };
    appendFileSync(this.path, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
    return entry;
  }

  /** Newest first, at most `limit`, from the last CONSOLE_AUDIT_TAIL_BYTES of the file. */
  read(limit: number): AuditEntry[] {
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    let text: string;
    let partialHead: boolean;
    try {
      const size = fstatSync(fd).size;
      const start = Math.max(0, size - CONSOLE_AUDIT_TAIL_BYTES);
      const buf = Buffer.alloc(size - start);
      readSync(fd, buf, 0, buf.length, start);
      text = buf.toString('utf8');
      partialHead = start > 0;
    } finally {
      closeSync(fd);
    }
    const lines = text.split('\n');
    if (partialHead) lines.shift();
    const out: AuditEntry[] = [];
    for (let i = lines.length - 1; i >= 0 && out.length < limit; i--) {
      const line = lines[i]!;
      if (line === '') continue;
      try {
        out.push(JSON.parse(line) as AuditEntry);
      } catch {
        // A line torn by a crash mid-append: skip it, keep the rest readable.
      }
    }
    return out;
  }
}
