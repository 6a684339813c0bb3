// Shared set-up of unit tests that run on a real MessageStore (src/store, the broker's schedule,
// timer and processor tests): temp directories removed after each test, options sized so a test
// rolls files quickly, a message to put whose fields a test overrides where it cares, and the
// stores a test opened, shut down after it.
// Test code only: tools/tidy.test.ts treats *.fixture.ts like *.test.ts, the build skips it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../common/logger.js';
import type { MessageToStore } from '../message/message.js';
import { MessageStore, type MessageStoreOptions } from './message-store.js';

/** bornTimestamp of testMessage(): a fixed instant, so stored bytes do not depend on the clock. */
export const TEST_BORN_MS = 1_700_000_000_000;

/** Temp directories made by one test file; removeAll() in its afterEach. */
export class TempDirs {
  private readonly made: string[] = [];
  private readonly prefix: string;

  constructor(prefix: string) {
    this.prefix = prefix;
  }

  make(): string {
    const dir = mkdtempSync(join(tmpdir(), this.prefix));
    this.made.push(dir);
    return dir;
  }

  removeAll(): void {
    for (const d of this.made.splice(0)) rmSync(d, { recursive: true, force: true });
  }
}

/** Small files (64 KiB commit log, 100 consume-queue units), asynchronous flush, no logs. */
export function testStoreOptions(
  dir: string,
  over: Partial<MessageStoreOptions> = {},
): MessageStoreOptions {
  return {
    storePathRootDir: dir,
    mappedFileSizeCommitLog: 64 * 1024,
    mappedFileSizeConsumeQueue: 20 * 100,
    flushDiskType: 'ASYNC_FLUSH',
    flushIntervalCommitLog: 50,
    flushCommitLogLeastPages: 0,
    syncFlushTimeout: 5_000,
    maxMessageSize: 16 * 1024,
    logger: silentLogger(),
    ...over,
  };
}

/** A plain message to topic T, queue 0; `over` replaces whole fields. */
export function testMessage(over: Partial<MessageToStore> = {}): MessageToStore {
  return {
    topic: 'T',
    queueId: 0,
    flag: 0,
    body: Buffer.from('message'),
    properties: {},
    sysFlag: 0,
    bornTimestamp: TEST_BORN_MS,
    bornHost: '10.0.0.2:5000',
    storeHost: '10.0.0.1:10911',
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
    ...over,
  };
}

/** The error a full disk gives a write (what the fault tests' FileIO throws). */
export function enospc(): Error {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
}

/** The stores a test file opened; closeAll() in its afterEach shuts them down cleanly. */
export class OpenStores {
  private readonly stores: MessageStore[] = [];

  /** Opens a store in `dir` with testStoreOptions and then each layer of options, in order. */
  async open(dir: string, ...layers: Partial<MessageStoreOptions>[]): Promise<MessageStore> {
    const s = await MessageStore.open(testStoreOptions(dir, Object.assign({}, ...layers)));
    this.stores.push(s);
    return s;
  }

  /** Not shut down by closeAll(): the test closed or halted it itself. */
  release(store: MessageStore): void {
    const at = this.stores.indexOf(store);
    if (at >= 0) this.stores.splice(at, 1);
  }

  async closeAll(): Promise<void> {
    for (const s of this.stores.splice(0)) await s.shutdown();
  }
}
