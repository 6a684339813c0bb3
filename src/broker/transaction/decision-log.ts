// The durable record of END_TRANSACTION decisions: <storePathRootDir>/transaction/decisions.log,
// append-only, one line per record, `<crc32 hex> <json>\n`, written through the store's FileIO.
// KiteMQ's own record of what RocketMQ keeps in op messages (RMQ_SYS_TRANS_OP_HALF_TOPIC,
// TransactionalMessageBridge#addRemoveTagInTransactionOp; spec transactions.md §1.3; the op
// messages are still written after it, op-messages.ts, for readers of the commit log alone),
// the source of truth because:
// - a decision must be durable before it is acted on (the commit's real message is put after it),
//   whatever flushDiskType says: an op message put under ASYNC_FLUSH is only in the page cache,
//   and waiting for one message's flush would wait for the whole commit log's. Here one
//   fdatasync covers every decision appended since the last one: concurrent ends share a round
//   (group commit), so N ends in flight cost one or two fsyncs, not N.
// - the decisions are keyed by transactionId, which op messages (half-queue offsets) do not carry;
//   rebuilding the first-decision-wins table from them would mean reading every half message.
// - it is independent of the commit log's retention, of topic deletion (rocketmq#2133's check
//   storm) and of consumer offsets.
// Records: a decision (transactionId, 8 commit or 12 rollback, the half message's commit-log and
// queue offsets, its producer group, and the end of the real queue before the commit's put), and
// for a commit, "applied" once its real message is stored. A torn last line (a crash mid-write)
// fails its CRC and is cut off at open; lines after a bad one are not trusted either.
// Compaction (rewrite): the records still needed are written to a temp file, fdatasync'd and
// renamed over the log (FileIO#writeFileAtomic), so a crash leaves the old log or the new one,
// both right. It runs only when no append waits for its fdatasync, in one synchronous step, so
// no record can be written to the old file after its content was copied.
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { assert } from '../../common/assert.js';
import type { FileIO } from '../../store/file-io.js';

export type DecisionType = 8 | 12;

export interface DecisionEntry {
  readonly kind: 'decided';
  readonly txId: string;
  readonly decision: DecisionType;
  readonly halfOffset: number;
  readonly halfQueueOffset: number;
  readonly group: string;
  /** For a commit: the real queue's max offset before its put (where a re-check reads from). */
  readonly realQueueEnd: number;
  /** When it was decided (ms), for logs and inspection. */
  readonly at: number;
}

export interface AppliedEntry {
  readonly kind: 'applied';
  readonly txId: string;
}

export type LogEntry = DecisionEntry | AppliedEntry;

export const DECISION_LOG_DIR = 'transaction';
export const DECISION_LOG_FILE = 'decisions.log';

export function encodeEntry(e: LogEntry): string {
  const json = JSON.stringify(e);
  return `${crc32(json).toString(16).padStart(8, '0')} ${json}\n`;
}

/** The entries of `text` before the first line that is torn or fails its CRC, and their bytes. */
export function decodeEntries(text: string): { entries: LogEntry[]; validBytes: number } {
  const entries: LogEntry[] = [];
  let pos = 0;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    if (nl < 0) break;
    const line = text.slice(pos, nl);
    const json = line.slice(9);
    if (line[8] !== ' ' || line.slice(0, 8) !== crc32(json).toString(16).padStart(8, '0')) break;
    let e: LogEntry;
    try {
      e = JSON.parse(json) as LogEntry;
    } catch {
      break;
    }
    entries.push(e);
    pos = nl + 1;
  }
  return { entries, validBytes: Buffer.byteLength(text.slice(0, pos)) };
}

export class DecisionLog {
  private readonly io: FileIO;
  private readonly path: string;
  private fd: number;
  private end: number;
  private closed = false;
  /** Called when no append waits and the log has grown past `compactAt` bytes. */
  onGrown: ((size: number) => void) | undefined;
  /** The size at which onGrown is called next. */
  compactAt = Number.POSITIVE_INFINITY;
  /** Appended, not yet covered by a finished fdatasync. */
  private waiting: { resolve: () => void; reject: (err: unknown) => void }[] = [];
  private syncing = false;
  /** fdatasync calls made (tests count them). */
  syncs = 0;

  private constructor(io: FileIO, path: string, fd: number, end: number) {
    this.io = io;
    this.path = path;
    this.fd = fd;
    this.end = end;
  }

  /** Bytes in the log. */
  get size(): number {
    return this.end;
  }

  /** Opens (or creates) the log under `root`, cuts a torn tail, and returns what it holds. */
  static open(io: FileIO, root: string): { log: DecisionLog; entries: LogEntry[] } {
    const dir = join(root, DECISION_LOG_DIR);
    io.mkdirp(dir);
    const path = join(dir, DECISION_LOG_FILE);
    const fd = io.open(path);
    const size = io.size(fd);
    const buf = Buffer.alloc(size);
    io.read(fd, buf, 0, size, 0);
    const { entries, validBytes } = decodeEntries(buf.toString('utf8'));
    if (validBytes < size) io.truncate(fd, validBytes);
    return { log: new DecisionLog(io, path, fd, validBytes), entries };
  }

  /** Writes `e` now; resolves once an fdatasync that started after the write has finished. */
  append(e: LogEntry): Promise<void> {
    const b = Buffer.from(encodeEntry(e), 'utf8');
    this.io.write(this.fd, b, 0, b.length, this.end);
    this.end += b.length;
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      if (!this.syncing) void this.syncRound();
    });
  }

  /** One fdatasync for everything appended before it starts; then the next round, if any. */
  private async syncRound(): Promise<void> {
    this.syncing = true;
    while (this.waiting.length > 0) {
      const round = this.waiting;
      this.waiting = [];
      try {
        this.syncs++;
        await this.io.datasync(this.fd);
        for (const w of round) w.resolve();
      } catch (err) {
        for (const w of round) w.reject(err);
      }
    }
    this.syncing = false;
    if (this.end >= this.compactAt && this.onGrown) {
      // After the waiters' continuations have run (they mark their records durable).
      setImmediate(() => {
        if (!this.closed && !this.busy && this.end >= this.compactAt) this.onGrown?.(this.end);
      });
    }
  }

  /** Replaces the log by `entries` (see the header); only while no append waits. */
  rewrite(entries: readonly LogEntry[]): void {
    assert(!this.syncing && this.waiting.length === 0, 'decisions.log rewritten mid-append');
    const text = entries.map(encodeEntry).join('');
    this.io.writeFileAtomic(this.path, text);
    const fd = this.io.open(this.path);
    this.io.close(this.fd);
    this.fd = fd;
    this.end = this.io.size(fd);
    assert(this.end === Buffer.byteLength(text), 'decisions.log rewritten short');
  }

  /** Whether an append is waiting for its fdatasync (a rewrite must wait for it). */
  get busy(): boolean {
    return this.syncing || this.waiting.length > 0;
  }

  close(): void {
    this.closed = true;
    this.io.close(this.fd);
  }
}
