// The store alone, beside this machine's raw limits, in one run (issue 3's bench/store):
//  - raw: sequential fs.writeSync of the same 1 KiB records (one write each, and in 1 MiB chunks,
//    the store's own write size) and a bare write+fdatasync loop;
//  - append: MessageStore#putMessage of 1 KiB bodies, ASYNC_FLUSH and SYNC_FLUSH, with 1, 16 and
//    256 writers each awaiting its own puts, with fdatasync calls per second beside records;
//  - read: getMessage through one consume queue, the first pass after opening the store (cold:
//    the page cache is dropped first when the kernel lets us) and the second (warm).
// Prints a markdown table and the two targets: ASYNC append ≥ 60 % of raw sequential write
// throughput; SYNC_FLUSH with 256 writers ≥ 20x the records per second of one writer.
//   npx tsx bench/store.ts [--messages 200000] [--sync-messages 20000] [--tiny] [--dir /path]
import {
  closeSync,
  fdatasyncSync,
  mkdtempSync,
  openSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { silentLogger } from '../src/common/logger.js';
import type { MessageToStore } from '../src/message/message.js';
import { MessageStore } from '../src/store/message-store.js';
import { GetMessageStatus, PutMessageStatus } from '../src/store/status.js';
import { encodeForStore } from '../src/store/store-record.js';

const BODY_BYTES = 1024;
const MiB = 1024 * 1024;

export interface StoreBenchRow {
  scenario: string;
  records: number;
  seconds: number;
  recordsPerSec: number;
  mibPerSec: number;
  fsyncsPerSec?: number;
  note?: string;
}

export interface StoreBenchOptions {
  /** Records per ASYNC append scenario and per raw write scenario. */
  messages: number;
  /** Records per SYNC_FLUSH scenario (one writer gets a tenth: it is slow by nature). */
  syncMessages: number;
  /** Seconds of the bare fdatasync loop. */
  fsyncSeconds: number;
  dir?: string;
  /** Drop the page cache before the cold read (root only; the full run does, tests do not). */
  dropCache?: boolean;
}

function message(i: number, queueId: number, body: Buffer): MessageToStore {
  return {
    topic: 'BenchStore',
    queueId,
    flag: 0,
    body,
    properties: {
      TAGS: 'TagA',
      KEYS: `k${i}`,
      UNIQ_KEY: `0A000001${i.toString(16).padStart(24, '0')}`,
    },
    sysFlag: 0,
    bornTimestamp: Date.now(),
    bornHost: '127.0.0.1:50000',
    storeHost: '127.0.0.1:10911',
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
  };
}

function row(scenario: string, records: number, ms: number, bytes: number): StoreBenchRow {
  const seconds = ms / 1000;
  return {
    scenario,
    records,
    seconds: Number(seconds.toFixed(3)),
    recordsPerSec: Math.round(records / seconds),
    mibPerSec: Number((bytes / MiB / seconds).toFixed(1)),
  };
}

/** Best effort: empties the page cache so the next read comes from the disk (needs root). */
function dropPageCache(): boolean {
  try {
    writeFileSync('/proc/sys/vm/drop_caches', '1');
    return true;
  } catch {
    return false;
  }
}

function rawWrites(dir: string, records: number, recordBytes: number): StoreBenchRow[] {
  const rec = Buffer.alloc(recordBytes, 7);
  const chunk = Buffer.alloc(MiB, 7);
  const out: StoreBenchRow[] = [];
  const one = openSync(join(dir, 'raw-1k'), 'w');
  let t = performance.now();
  for (let i = 0; i < records; i++) writeSync(one, rec, 0, rec.length, i * rec.length);
  fdatasyncSync(one);
  out.push(
    row(
      `raw fs.write, one ${recordBytes} B write per record`,
      records,
      performance.now() - t,
      records * rec.length,
    ),
  );
  closeSync(one);
  const big = openSync(join(dir, 'raw-1m'), 'w');
  const total = records * recordBytes;
  t = performance.now();
  for (let pos = 0; pos < total; pos += chunk.length) {
    writeSync(big, chunk, 0, Math.min(chunk.length, total - pos), pos);
  }
  fdatasyncSync(big);
  out.push(
    row('raw fs.write, 1 MiB chunks of the same bytes', records, performance.now() - t, total),
  );
  closeSync(big);
  rmSync(join(dir, 'raw-1k'));
  rmSync(join(dir, 'raw-1m'));
  return out;
}

function rawFsyncLoop(dir: string, seconds: number): StoreBenchRow {
  const fd = openSync(join(dir, 'raw-sync'), 'w');
  const rec = Buffer.alloc(BODY_BYTES, 7);
  let n = 0;
  const t = performance.now();
  while (performance.now() - t < seconds * 1000) {
    writeSync(fd, rec, 0, rec.length, n * rec.length);
    fdatasyncSync(fd);
    n++;
  }
  const r = row('raw write + fdatasync loop', n, performance.now() - t, n * rec.length);
  r.fsyncsPerSec = r.recordsPerSec;
  closeSync(fd);
  rmSync(join(dir, 'raw-sync'));
  return r;
}

async function openStore(root: string, flush: 'ASYNC_FLUSH' | 'SYNC_FLUSH'): Promise<MessageStore> {
  return MessageStore.open({
    storePathRootDir: root,
    mappedFileSizeCommitLog: 256 * MiB,
    mappedFileSizeConsumeQueue: 300_000 * 20,
    flushDiskType: flush,
    flushIntervalCommitLog: 500,
    flushCommitLogLeastPages: 4,
    syncFlushTimeout: 5_000,
    maxMessageSize: 4 * MiB,
    logger: silentLogger(),
  });
}

async function append(
  dir: string,
  flush: 'ASYNC_FLUSH' | 'SYNC_FLUSH',
  writers: number,
  records: number,
): Promise<{ row: StoreBenchRow; root: string }> {
  const root = mkdtempSync(join(dir, `store-${flush}-${writers}-`));
  const store = await openStore(root, flush);
  const body = Buffer.alloc(BODY_BYTES, 'x');
  let next = 0;
  let bytes = 0;
  const syncsBefore = store.flushService.flushCount;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = next++; i < records; i = next++) {
        const r = await store.putMessage(message(i, w % 4, body));
        if (r.status !== PutMessageStatus.PUT_OK) throw new Error(`put ${i}: ${r.status}`);
        bytes += r.appendResult!.wroteBytes;
      }
    }),
  );
  const ms = performance.now() - t;
  const syncs = store.flushService.flushCount - syncsBefore;
  await store.shutdown();
  const r = row(
    `store append ${flush}, ${writers} writer${writers > 1 ? 's' : ''}`,
    records,
    ms,
    bytes,
  );
  if (flush === 'SYNC_FLUSH') r.fsyncsPerSec = Math.round(syncs / (ms / 1000));
  return { row: r, root };
}

async function readQueue(root: string, label: string, note?: string): Promise<StoreBenchRow> {
  const store = await openStore(root, 'ASYNC_FLUSH');
  const max = store.getMaxOffsetInQueue('BenchStore', 0);
  let offset = store.getMinOffsetInQueue('BenchStore', 0);
  let n = 0;
  let bytes = 0;
  const t = performance.now();
  while (offset < max) {
    const r = store.getMessage('BenchStore', 0, offset, 32);
    if (r.status !== GetMessageStatus.FOUND) throw new Error(`read at ${offset}: ${r.status}`);
    n += r.buffers.length;
    for (const b of r.buffers) bytes += b.length;
    offset = r.nextBeginOffset;
  }
  const ms = performance.now() - t;
  await store.shutdown();
  const r = row(label, n, ms, bytes);
  if (note) r.note = note;
  return r;
}

export async function runStoreBench(opts: StoreBenchOptions): Promise<StoreBenchRow[]> {
  const dir = mkdtempSync(join(opts.dir ?? tmpdir(), 'kitemq-bench-store-'));
  const rows: StoreBenchRow[] = [];
  const roots: string[] = [];
  try {
    const sample = encodeForStore(message(0, 0, Buffer.alloc(BODY_BYTES)), 4 * MiB, 256 * MiB);
    if (!('plan' in sample)) throw new Error(sample.remark);
    rows.push(...rawWrites(dir, opts.messages, sample.size));
    rows.push(rawFsyncLoop(dir, opts.fsyncSeconds));
    for (const w of [1, 16, 256]) {
      const a = await append(dir, 'ASYNC_FLUSH', w, opts.messages);
      rows.push(a.row);
      roots.push(a.root);
    }
    for (const w of [1, 16, 256]) {
      const n = w === 1 ? Math.max(50, Math.floor(opts.syncMessages / 10)) : opts.syncMessages;
      const a = await append(dir, 'SYNC_FLUSH', w, n);
      rows.push(a.row);
      roots.push(a.root);
    }
    const readRoot = roots[2]!; // ASYNC, 256 writers: a quarter of the records per queue
    const dropped = opts.dropCache === true && dropPageCache();
    rows.push(
      await readQueue(
        readRoot,
        'read one consume queue, cold',
        dropped ? 'page cache dropped' : 'cache not dropped: cold store, warm page cache',
      ),
    );
    rows.push(await readQueue(readRoot, 'read one consume queue, warm'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

export function formatStoreTable(rows: StoreBenchRow[]): string {
  const lines = [
    '| scenario | records | s | records/s | MiB/s | fdatasync/s | note |',
    '|---|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of rows) {
    const cells = [r.scenario, r.records, r.seconds, r.recordsPerSec, r.mibPerSec];
    lines.push(`| ${cells.join(' | ')} | ${r.fsyncsPerSec ?? ''} | ${r.note ?? ''} |`);
  }
  return lines.join('\n');
}

/** The two targets, computed from the rows. */
export function storeTargets(rows: StoreBenchRow[]): string[] {
  const find = (s: string) => rows.find((r) => r.scenario.startsWith(s));
  const raw = find('raw fs.write, 1 MiB chunks');
  const asyncBest = Math.max(
    ...rows.filter((r) => r.scenario.startsWith('store append ASYNC')).map((r) => r.mibPerSec),
  );
  const sync1 = find('store append SYNC_FLUSH, 1 writer');
  const sync256 = find('store append SYNC_FLUSH, 256 writers');
  const out: string[] = [];
  if (raw) {
    const pct = Math.round((asyncBest / raw.mibPerSec) * 100);
    out.push(
      `ASYNC append ${asyncBest} MiB/s = ${pct}% of raw sequential write ${raw.mibPerSec} MiB/s (target ≥ 60%)`,
    );
  }
  if (sync1 && sync256) {
    const x = (sync256.recordsPerSec / sync1.recordsPerSec).toFixed(1);
    out.push(
      `SYNC_FLUSH 256 writers ${sync256.recordsPerSec}/s = ${x}x one writer ${sync1.recordsPerSec}/s (target ≥ 20x)`,
    );
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      messages: { type: 'string', default: '200000' },
      'sync-messages': { type: 'string', default: '20000' },
      tiny: { type: 'boolean', default: false },
      dir: { type: 'string' },
    },
  });
  const opts: StoreBenchOptions = values.tiny
    ? { messages: 2_000, syncMessages: 500, fsyncSeconds: 0.2, dir: values.dir }
    : {
        messages: Number(values.messages),
        syncMessages: Number(values['sync-messages']),
        fsyncSeconds: 2,
        dir: values.dir,
        dropCache: true,
      };
  console.error(`bench/store: ${opts.messages} records per ASYNC scenario, 1 KiB bodies…`);
  const rows = await runStoreBench(opts);
  console.log(formatStoreTable(rows));
  console.log();
  for (const t of storeTargets(rows)) console.log(`- ${t}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main();
}
