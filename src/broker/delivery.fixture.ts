// Shared set-up of the delivery tests (schedule/ and timer/): a real MessageStore in a temp dir,
// usually on a fake clock (setTimeout, clearTimeout and Date faked from T0, so store timestamps
// follow it; file I/O stays real), a queue read back whole, and the settle/tick loop that lets real
// I/O finish while the fake clock stands still.
// Test code only (*.fixture.ts): the build and tidy's production rules skip it.
import { afterEach, beforeEach, expect, vi } from 'vitest';
import { createLogger, silentLogger } from '../common/logger.js';
import type { MessageExt, MessageToStore } from '../message/message.js';
import { decodeRecord } from '../message/record-codec.js';
import { MessageStore, type MessageStoreOptions } from '../store/message-store.js';
import { TEST_BORN_MS, TempDirs, testMessage, testStoreOptions } from '../store/store.fixture.js';
import { TimerMessageStore, type TimerStoreOptions } from './timer/timer-message-store.js';

/** Where the fake clock starts. */
export const T0 = TEST_BORN_MS;

/** Fakes the timers and Date from `now`; call in beforeEach, vi.useRealTimers() in afterEach. */
export function useFakeClock(now = T0): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now });
}

/** A store sized for delivery tests: 4 MiB commit-log files, 4096 units per consume-queue file. */
export function openDeliveryStore(
  dir: string,
  over: Partial<MessageStoreOptions> = {},
): Promise<MessageStore> {
  return MessageStore.open(
    testStoreOptions(dir, {
      mappedFileSizeCommitLog: 4 * 1024 * 1024,
      mappedFileSizeConsumeQueue: 20 * 4096,
      maxMessageSize: 64 * 1024,
      ...over,
    }),
  );
}

/** Message i for topic Real, born now (on the fake clock), from a client at 127.0.0.1:4000. */
export function realMessage(i: number, over: Partial<MessageToStore> = {}): MessageToStore {
  return testMessage({
    topic: 'Real',
    body: Buffer.from(`body ${i}`),
    bornTimestamp: Date.now(),
    bornHost: '127.0.0.1:4000',
    storeHost: '127.0.0.1:10911',
    ...over,
  });
}

/** What the send path does after a put hook: stores the message it diverted, which must fit. */
export async function putDiverted(
  store: MessageStore,
  diverted: { message: MessageToStore } | { error: string } | undefined,
): Promise<void> {
  if (!diverted || 'error' in diverted) {
    throw new Error(`the hook did not divert the message: ${JSON.stringify(diverted)}`);
  }
  expect((await store.putMessage(diverted.message)).status).toBe('PUT_OK');
}

/** A message to queue `queueId` of Orders, as a put hook (delay, timer) is handed it. */
export function ordersMessage(
  queueId: number,
  properties: Record<string, string>,
  over: Partial<MessageToStore> = {},
): MessageToStore {
  return testMessage({ topic: 'Orders', queueId, body: Buffer.from('x'), properties, ...over });
}

/** Every message of a queue from offset 0, as a consumer following nextBeginOffset reads it. */
export function readQueue(store: MessageStore, topic: string, queueId: number): MessageExt[] {
  const out: MessageExt[] = [];
  for (let off = 0; ; ) {
    const r = store.getMessage(topic, queueId, off, 32);
    if (r.status !== 'FOUND') return out;
    out.push(...r.buffers.map((b) => decodeRecord(b, 0)));
    off = r.nextBeginOffset;
  }
}

/**
 * Lets real I/O (file writes, the store's commit round) finish while the fake clock stands still,
 * running timers that fall due meanwhile, until the service is idle.
 */
export async function settle(service: { isIdle(): boolean }, nudge = false): Promise<void> {
  // A real-time bound (performance.now is not faked): an fdatasync on a loaded machine is slow.
  for (let i = 1, until = performance.now() + 30_000; performance.now() < until; i++) {
    await new Promise((r) => setImmediate(r));
    // With `nudge`: a zero-delay timer set while the fake clock runs timers is due 1 ms later
    // (sinon's rule), so now and then the clock moves that millisecond.
    await vi.advanceTimersByTimeAsync(nudge && i % 64 === 0 ? 1 : 0);
    if (service.isIdle()) return;
  }
  throw new Error('the service never went idle');
}

/** Moves the fake clock by `ms` in steps, letting the service settle after each. */
export async function tickClock(
  service: { isIdle(): boolean },
  ms: number,
  stepMs: number,
  nudge = false,
): Promise<void> {
  await settle(service, nudge);
  for (let t = 0; t < ms; t += stepMs) {
    await vi.advanceTimersByTimeAsync(Math.min(stepMs, ms - t));
    await settle(service, nudge);
  }
}

export interface TimerBroker {
  store: MessageStore;
  timer: TimerMessageStore;
  /** How late each delivery was, in ms (TimerStoreOptions.onDelivered). */
  lateness: number[];
}

/** The timer stores (each over its message store) a test file opened; closeAll() in afterEach. */
export class TimerBrokers {
  private readonly opened: TimerBroker[] = [];

  /** 100 ms slots, a 600-slot window; DEBUG_TIMER=1 logs. `store` defaults to a new one. */
  async open(
    dir: string,
    opts: Partial<TimerStoreOptions> = {},
    store?: MessageStore,
  ): Promise<TimerBroker> {
    const s = store ?? (await openDeliveryStore(dir));
    const lateness: number[] = [];
    const timer = new TimerMessageStore(s, {
      storePathRootDir: dir,
      precisionMs: 100,
      rollWindowSlots: 600,
      log: process.env.DEBUG_TIMER ? createLogger('t', 'debug') : silentLogger(),
      onDelivered: (ms) => lateness.push(ms),
      ...opts,
    });
    await timer.start();
    const b = { store: s, timer, lateness };
    this.opened.push(b);
    return b;
  }

  /** No longer closed by closeAll(): the test shuts it down itself. */
  release(b: TimerBroker): TimerBroker {
    this.opened.splice(this.opened.indexOf(b), 1);
    return b;
  }

  async close(b: TimerBroker): Promise<void> {
    this.release(b);
    await b.timer.shutdown();
    await b.store.shutdown();
  }

  /** A kill -9: the timer store writes nothing more; the message store keeps what it wrote. */
  async crash(b: TimerBroker): Promise<void> {
    this.release(b);
    b.timer.halt();
    await b.store.shutdown();
  }

  async closeAll(): Promise<void> {
    for (const b of [...this.opened]) await this.close(b);
  }
}

/**
 * Each test of the file runs on the fake clock with fresh temp dirs; the timer stores it opened
 * are shut down and the dirs removed after it.
 */
export function timerTestBed(prefix: string): { newDir: () => string; brokers: TimerBrokers } {
  const dirs = new TempDirs(prefix);
  const brokers = new TimerBrokers();
  beforeEach(() => useFakeClock());
  afterEach(async () => {
    await brokers.closeAll();
    vi.useRealTimers();
    dirs.removeAll();
  });
  return { newDir: () => dirs.make(), brokers };
}

/**
 * "At its time and not before": after `quietMs` of fake time the queue is still empty, and after
 * `thenMs` more it holds the message answered.
 */
export async function deliveredAfter(
  service: { isIdle(): boolean },
  store: MessageStore,
  at: { topic: string; queueId: number; quietMs: number; thenMs: number; stepMs: number },
): Promise<MessageExt | undefined> {
  await tickClock(service, at.quietMs, at.stepMs);
  expect(readQueue(store, at.topic, at.queueId)).toEqual([]);
  await tickClock(service, at.thenMs, at.stepMs);
  return readQueue(store, at.topic, at.queueId)[0];
}
