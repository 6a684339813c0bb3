// The key index over all index files (IndexService): every word of a message's KEYS and its
// UNIQ_KEY are indexed as "topic#key" → commit-log offset, for QUERY_MESSAGE. Files roll when
// full; they are flushed with the consume queues, and after a crash the ones that point past the
// commit log are dropped and rebuilt from it.
import { join } from 'node:path';
import { assert } from '../common/assert.js';
import type { Logger } from '../common/logger.js';
import { javaStringHashCode } from '../message/tag-hash.js';
import type { FileIO } from './file-io.js';
import { IndexFile } from './index-file.js';

/** Topics whose `topic#` hash is kept; past it the cache starts over (a bound, not a tuning). */
const PREFIX_HASH_CACHE_TOPICS = 4096;

/** String#hashCode of (the string hashing to h) + s[from, to). */
function continueHash(h: number, s: string, from: number, to: number): number {
  let x = h;
  for (let i = from; i < to; i++) x = (Math.imul(x, 31) + s.charCodeAt(i)) | 0;
  return x;
}

export interface IndexOptions {
  /** RocketMQ's maxHashSlotNum and maxIndexNum (defaults in limits.ts); tests use small ones. */
  maxHashSlotNum: number;
  maxIndexNum: number;
}

export interface IndexQueryResult {
  phyOffsets: number[];
  indexLastUpdateTimestamp: number;
  indexLastUpdatePhyoffset: number;
}

export class IndexService {
  private readonly files: IndexFile[] = [];
  private readonly dir: string;
  private readonly io: FileIO;
  private readonly opts: IndexOptions;
  private readonly log: Logger;
  private readonly prefixHashes = new Map<string, number>();

  constructor(io: FileIO, root: string, opts: IndexOptions, log: Logger) {
    this.io = io;
    this.dir = join(root, 'index');
    this.opts = opts;
    this.log = log;
  }

  load(): void {
    this.io.mkdirp(this.dir);
    for (const name of this.io
      .readdir(this.dir)
      .filter((n) => /^\d+$/.test(n))
      .sort()) {
      this.files.push(
        new IndexFile(
          this.io,
          join(this.dir, name),
          this.opts.maxHashSlotNum,
          this.opts.maxIndexNum,
        ),
      );
    }
  }

  /** Commit-log offset below which every message is indexed (re-dispatch starts here). */
  get maxPhyOffset(): number {
    const last = this.files[this.files.length - 1];
    return last && last.header.indexCount > 1 ? last.header.endPhyOffset + 1 : 0;
  }

  /** A record boundary to re-dispatch from: the last indexed message (skipped as a duplicate). */
  get resumeOffset(): number {
    const last = this.files[this.files.length - 1];
    return last && last.header.indexCount > 1 ? last.header.endPhyOffset : 0;
  }

  /** After a crash the commit log may end earlier than the index: drop files that point past it. */
  truncateDirty(commitLogEnd: number): void {
    while (this.files.length > 0) {
      const last = this.files[this.files.length - 1]!;
      if (last.header.endPhyOffset < commitLogEnd) return;
      this.log.warn({ file: last.path }, 'index file points past the commit log; rebuilding it');
      this.files.pop()!.destroy();
    }
  }

  /**
   * Deletes index files whose every entry points below `minPhyOffset` (deleted commit-log
   * segments), never the newest (IndexService#deleteExpiredFile). Returns how many went.
   */
  deleteExpiredFiles(minPhyOffset: number): number {
    let n = 0;
    while (this.files.length > 1 && this.files[0]!.header.endPhyOffset < minPhyOffset) {
      this.files.shift()!.destroy();
      n++;
    }
    if (n > 0) this.log.info({ deleted: n, minPhyOffset }, 'expired index files deleted');
    return n;
  }

  /** Indexes one message; `keys` is the KEYS property (space separated), uniqKey the UNIQ_KEY. */
  buildIndex(
    topic: string,
    keys: string | undefined,
    uniqKey: string | undefined,
    phyOffset: number,
    storeTimestamp: number,
    recovering = false,
  ): void {
    // Re-dispatch after a restart skips what is indexed. A live put never does: after a rolled
    // back write the index's end lies past the commit log's, and new records land below it.
    if (recovering && phyOffset < this.maxPhyOffset) return;
    // Each key is `${topic}#${word}`, hashed without building it: String#hashCode of a
    // concatenation continues from the prefix's, which is kept per topic.
    const prefix = this.prefixHash(topic);
    if (keys) {
      for (let i = 0; i < keys.length; ) {
        let end = keys.indexOf(' ', i);
        if (end < 0) end = keys.length;
        if (end > i) this.put(continueHash(prefix, keys, i, end), phyOffset, storeTimestamp);
        i = end + 1;
      }
    }
    if (uniqKey)
      this.put(continueHash(prefix, uniqKey, 0, uniqKey.length), phyOffset, storeTimestamp);
  }

  /** String#hashCode of `${topic}#`, cached (bounded: cleared when it holds too many topics). */
  private prefixHash(topic: string): number {
    let h = this.prefixHashes.get(topic);
    if (h === undefined) {
      if (this.prefixHashes.size >= PREFIX_HASH_CACHE_TOPICS) this.prefixHashes.clear();
      h = continueHash(javaStringHashCode(topic), '#', 0, 1);
      this.prefixHashes.set(topic, h);
    }
    return h;
  }

  private put(keyHashCode: number, phyOffset: number, ts: number): void {
    let f = this.files[this.files.length - 1];
    if (!f || f.isFull) {
      if (f) {
        void f.flush().then(
          () => f!.release(),
          (err: unknown) => this.log.error({ err }, 'index flush failed'),
        );
      }
      f = new IndexFile(
        this.io,
        join(this.dir, String(Date.now()).padStart(17, '0')),
        this.opts.maxHashSlotNum,
        this.opts.maxIndexNum,
      );
      this.files.push(f);
    }
    const ok = f.putHashed(keyHashCode, phyOffset, ts);
    assert(ok, 'a fresh or non-full index file takes an entry');
  }

  query(topic: string, key: string, maxNum: number, begin: number, end: number): IndexQueryResult {
    const out: number[] = [];
    for (let i = this.files.length - 1; i >= 0 && out.length < maxNum; i--) {
      const f = this.files[i]!;
      if (f.header.indexCount <= 1) continue;
      if (f.header.endTimestamp < begin || f.header.beginTimestamp > end) continue;
      f.select(`${topic}#${key}`, maxNum, begin, end, out);
    }
    const last = this.files[this.files.length - 1];
    return {
      phyOffsets: out,
      indexLastUpdateTimestamp: last?.header.endTimestamp ?? 0,
      indexLastUpdatePhyoffset: last?.header.endPhyOffset ?? 0,
    };
  }

  async flush(): Promise<void> {
    const last = this.files[this.files.length - 1];
    if (last) await last.flush();
  }

  close(): void {
    for (const f of this.files) f.close();
  }
}
