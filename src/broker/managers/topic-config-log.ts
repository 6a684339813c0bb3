// The change log beside topics.json (<root>/config/topics.json.log): one JSON line per topic
// change since the snapshot, so a create costs one appended line instead of rewriting every topic.
// topics.json stays the file RocketMQ tools read and people back up; TopicConfigManager rewrites
// it when this log outgrows it, at start and at shutdown, and then starts a fresh log.
//
// Layout: a header line {"base":<dataVersion of the snapshot>} and then {"v":<dataVersion>,
// "put":<TopicConfig>} | {"v":…,"del":"<topic>"} | {"v":…} (a version bump alone). The log is
// replayed only over the snapshot its header names: a crash between writing a new snapshot and
// starting the new log leaves an old log the snapshot already holds, and replaying that one could
// bring back a topic a slave's sync removed.
//
// Durability: a line is written at once (a failing write throws to the request) and fsynced by
// durable(), one fdatasync shared by every line written before it started (group commit); a
// change is answered only after it. A crash can tear only lines not yet synced, that is lines no
// one was answered for: the torn tail is dropped at replay. A bad line with good ones after it is
// damage, not a crash, and stops the broker.
import * as fs from 'node:fs';
import { dirname } from 'node:path';
import { assert } from '../../common/assert.js';
import { ConfigError } from '../../common/errors.js';
import { nodeFileIO } from '../../store/file-io.js';
import type { DataVersion, TopicConfig } from './topic-config-manager.js';

export type TopicLogEntry =
  | { v: DataVersion; put: TopicConfig }
  | { v: DataVersion; del: string }
  | { v: DataVersion };

export interface Replayed {
  entries: TopicLogEntry[];
  /** Why the log was not replayed or was cut: for the broker's log. */
  note?: string;
}

const sameVersion = (a: DataVersion, b: DataVersion): boolean =>
  a.counter === b.counter &&
  a.timestamp === b.timestamp &&
  (a.stateVersion ?? 0) === (b.stateVersion ?? 0);

function parseEntry(line: string): TopicLogEntry | undefined {
  let e: unknown;
  try {
    e = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof e !== 'object' || e === null) return undefined;
  const o = e as { v?: DataVersion; put?: TopicConfig; del?: unknown };
  if (typeof o.v !== 'object' || o.v === null || typeof o.v.counter !== 'number') return undefined;
  if ('put' in o && (typeof o.put !== 'object' || typeof o.put?.topicName !== 'string'))
    return undefined;
  if ('del' in o && typeof o.del !== 'string') return undefined;
  return o as TopicLogEntry;
}

export class TopicConfigLog {
  readonly path: string;
  private fd: number | undefined;
  /** Bytes in the log, header included: the manager compacts when this outgrows the snapshot. */
  bytes = 0;
  /** Lines written / known synced, never reset; durable() waits for synced to reach written. */
  private written = 0;
  private synced = 0;
  private syncing: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  constructor(path: string) {
    this.path = path;
  }

  /**
   * The entries written after the snapshot of version `base`, oldest first: all of them when the
   * header names that snapshot, those after the entry of that version when the log started
   * earlier (a crash between a rewrite of topics.json and the log's rebase), none when the log
   * is missing or holds no such version. A torn tail is cut off the file.
   */
  replay(base: DataVersion): Replayed {
    if (!fs.existsSync(this.path)) return { entries: [] };
    const text = fs.readFileSync(this.path, 'utf8');
    const lines = text.split('\n');
    const header = parseHeader(lines[0] ?? '');
    if (!header) return { entries: [], note: 'change log has no readable header; ignored' };
    const entries: TopicLogEntry[] = [];
    let goodBytes = Buffer.byteLength(lines[0] ?? '') + 1;
    let badAt: number | undefined;
    // The text after the last newline was never completed: not a line.
    for (let i = 1; i < lines.length - 1; i++) {
      const line = lines[i] ?? '';
      const e = parseEntry(line);
      if (!e) {
        badAt ??= i + 1;
        continue;
      }
      if (badAt !== undefined) {
        throw new ConfigError(
          `${this.path} line ${badAt} is damaged and later lines are not: this is not a torn ` +
            'write. Restore the config directory from a backup, or delete the log to start from ' +
            'topics.json alone (losing the changes it holds)',
        );
      }
      entries.push(e);
      goodBytes += Buffer.byteLength(line) + 1;
    }
    const torn = Buffer.byteLength(text) - goodBytes;
    if (torn > 0) fs.truncateSync(this.path, goodBytes);
    this.bytes = goodBytes;
    const tornNote = torn > 0 ? `change log: dropped a torn tail of ${torn} bytes` : undefined;
    if (sameVersion(header, base)) return { entries, note: tornNote };
    const at = entries.findIndex((e) => sameVersion(e.v, base));
    if (at < 0) return { entries: [], note: 'change log predates the snapshot; ignored' };
    return { entries: entries.slice(at + 1), note: tornNote };
  }

  /**
   * After topics.json was rewritten at version `base` while the log ran on: the log becomes
   * `base`'s header and the lines written from byte `from` on (those after `base`), written aside,
   * synced and renamed into place. A group sync still running on the old file is let finish.
   */
  rebase(base: DataVersion, from: number): void {
    const old = this.fd;
    assert(old !== undefined && from <= this.bytes, 'a rebase keeps lines the log has');
    const tail = Buffer.alloc(this.bytes - from);
    if (tail.length > 0) {
      const r = fs.openSync(this.path, 'r'); // the append descriptor cannot read
      try {
        assert(
          fs.readSync(r, tail, 0, tail.length, from) === tail.length,
          'the tail is read whole',
        );
      } finally {
        fs.closeSync(r);
      }
    }
    const header = Buffer.from(`${JSON.stringify({ base })}\n`);
    const tmp = `${this.path}.tmp`;
    const out = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(out, header);
      if (tail.length > 0) fs.writeSync(out, tail);
      fs.fdatasyncSync(out);
    } finally {
      fs.closeSync(out);
    }
    fs.renameSync(tmp, this.path);
    if (this.syncing) void this.syncing.catch(() => {}).finally(() => fs.closeSync(old));
    else fs.closeSync(old);
    this.fd = fs.openSync(this.path, 'a');
    this.bytes = header.length + tail.length;
    this.synced = this.written;
  }

  /**
   * Empties the log and heads it with the snapshot of version `base`. Called once that snapshot
   * is durable, so a crash half-way leaves a log the next start ignores, losing nothing. In place
   * on the open descriptor: a group sync still running on it stays valid.
   */
  reset(base: DataVersion): void {
    const header = `${JSON.stringify({ base })}\n`;
    if (this.fd === undefined) {
      nodeFileIO.mkdirp(dirname(this.path));
      this.fd = fs.openSync(this.path, 'a');
    }
    fs.ftruncateSync(this.fd, 0);
    fs.writeSync(this.fd, header);
    fs.fdatasyncSync(this.fd);
    this.bytes = Buffer.byteLength(header);
    // Every line written so far is in the snapshot now.
    this.synced = this.written;
  }

  /** reset() has headed the log over a snapshot: entries may be appended. */
  get open(): boolean {
    return this.fd !== undefined;
  }

  /** Writes one entry; durable() makes it survive a crash. */
  append(entry: TopicLogEntry): void {
    assert(this.fd !== undefined, 'the log is reset over a snapshot before the first append');
    const line = `${JSON.stringify(entry)}\n`;
    const n = fs.writeSync(this.fd, line);
    assert(n === Buffer.byteLength(line), 'a log line is written whole');
    this.bytes += n;
    this.written++;
  }

  /** Resolves once every entry appended before the call is on disk. */
  durable(): Promise<void> {
    if (this.synced >= this.written || this.fd === undefined) return Promise.resolve();
    // One sync runs at a time; a call during it waits for the next, which covers every line
    // written by then, so a burst of creates shares two fdatasyncs at most.
    if (!this.syncing) return this.startSync();
    this.queued ??= this.syncing.then(() => {
      this.queued = undefined;
      return this.startSync();
    });
    return this.queued;
  }

  private startSync(): Promise<void> {
    const fd = this.fd;
    const target = this.written;
    if (fd === undefined || this.synced >= target) return Promise.resolve();
    const p = new Promise<void>((resolve, reject) => {
      fs.fdatasync(fd, (err) => {
        this.syncing = undefined;
        if (err) return reject(err);
        this.synced = Math.max(this.synced, target);
        resolve();
      });
    });
    this.syncing = p;
    return p;
  }

  close(): void {
    if (this.fd === undefined) return;
    fs.fdatasyncSync(this.fd);
    fs.closeSync(this.fd);
    this.fd = undefined;
    this.synced = this.written;
  }
}

function parseHeader(line: string): DataVersion | undefined {
  try {
    const h = JSON.parse(line) as { base?: DataVersion };
    return typeof h.base?.counter === 'number' ? h.base : undefined;
  } catch {
    return undefined;
  }
}
