// Bounded memory: 200,000 scheduled timer messages live in the commit log and the timer log, not
// in the heap. The heap is measured after a forced GC before and after the timer store has
// linked them all; for scale, the same number of small in-heap index entries is measured too.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger.js';
import type { MessageToStore } from '../../message/message.js';
import { MessageStore } from '../../store/message-store.js';
import { testMessage, testStoreOptions } from '../../store/store.fixture.js';
import { TIMER_TOPIC } from './timer-hook.js';
import { TIMER_UNIT_BYTES } from './timer-log.js';
import { TimerMessageStore } from './timer-message-store.js';

const COUNT = 200_000;
const dir = mkdtempSync(join(tmpdir(), 'kitemq-timer-mem-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** For scale: the heap the smallest in-heap index of the timers would take (due time, offset). */
function inHeapIndexBytes(now: number): number {
  const before = heapUsed();
  const index = Array.from({ length: COUNT }, (_, i) => ({ due: now + i, offset: i * 200 }));
  const bytes = heapUsed() - before;
  return index.length === COUNT ? bytes : 0; // the index is live until measured
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

function parked(i: number, now: number): MessageToStore {
  // Due 1 to 3 hours ahead, scattered over 72,000 slots of 100 ms.
  const out = now + 3_600_000 + ((i * 7_919) % 7_200_000);
  return testMessage({
    topic: TIMER_TOPIC,
    body: Buffer.from(`m${i}`),
    properties: {
      UNIQ_KEY: `U${i}`,
      TIMER_OUT_MS: String(out),
      REAL_TOPIC: 'Later',
      REAL_QID: '0',
    },
    bornTimestamp: now,
    bornHost: '127.0.0.1:4000',
    storeHost: '127.0.0.1:10911',
  });
}

async function linked(timer: TimerMessageStore): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (timer.runtimeInfo().timerOffsetBehind !== '0' || !timer.isIdle()) {
    if (Date.now() > deadline)
      throw new Error(`still behind: ${JSON.stringify(timer.runtimeInfo())}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('timer store memory', () => {
  it(`keeps the heap flat with ${COUNT} scheduled messages`, async () => {
    const store = await MessageStore.open(
      testStoreOptions(dir, {
        mappedFileSizeCommitLog: 64 * 1024 * 1024,
        mappedFileSizeConsumeQueue: 20 * 300_000,
        flushIntervalCommitLog: 500,
        flushCommitLogLeastPages: 4,
        maxMessageSize: 64 * 1024,
        messageIndexEnable: false,
      }),
    );
    const now = Date.now();
    for (let i = 0; i < COUNT; i += 500) {
      const batch = Array.from({ length: 500 }, (_, k) => parked(i + k, now));
      expect((await store.putMessages(batch)).status).toBe('PUT_OK');
    }
    expect(store.getMaxOffsetInQueue(TIMER_TOPIC, 0)).toBe(COUNT);
    const before = heapUsed();
    const timer = new TimerMessageStore(store, {
      storePathRootDir: dir,
      precisionMs: 100,
      rollWindowSlots: 172_800,
      log: silentLogger(),
    });
    await timer.start();
    await linked(timer);
    const delta = heapUsed() - before;
    const external = process.memoryUsage().external;
    const indexBytes = inHeapIndexBytes(now);
    console.log(
      `timer store: ${COUNT} scheduled, heapUsed delta ${mb(delta)} (external ${mb(external)}); ` +
        `an in-heap index of the same entries would take ${mb(indexBytes)}`,
    );
    expect(delta).toBeLessThan(4 * 2 ** 20);
    // The claim of scale: under a tenth of what a store keeping them in the heap would hold.
    expect(delta).toBeLessThan(indexBytes / 10);
    const info = timer.runtimeInfo();
    expect(info.timerOffsetBehind).toBe('0');
    await timer.shutdown();
    await store.shutdown();
    // Every message linked, and written down as linked: none would be enqueued again at a restart.
    const saved = JSON.parse(readFileSync(join(dir, 'config', 'timerCheckpoint.json'), 'utf8'));
    expect(saved).toMatchObject({ queueOffset: COUNT, logEnd: TIMER_UNIT_BYTES * COUNT });
    const logDir = join(dir, 'timerlog');
    const onDisk = readdirSync(logDir).reduce((n, f) => n + statSync(join(logDir, f)).size, 0);
    expect(onDisk).toBe(TIMER_UNIT_BYTES * COUNT); // one 48-byte unit each, on disk
  }, 120_000);
});
