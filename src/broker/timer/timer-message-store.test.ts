// The timer store over a real MessageStore in a temp dir, on a fake clock: setTimeout and Date
// are faked (store timestamps follow the fake clock too); file I/O is real.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { MessageExt, MessageToStore } from '../../message/message.js';
import { nodeFileIO } from '../../store/file-io.js';
import type { MessageStore } from '../../store/message-store.js';
import {
  deliveredAfter,
  openDeliveryStore,
  putDiverted,
  readQueue,
  realMessage,
  T0,
  tickClock,
  timerTestBed,
} from '../delivery.fixture.js';
import { applyTimerWheel, TIMER_TOPIC } from './timer-hook.js';
import type { TimerMessageStore } from './timer-message-store.js';

const { newDir, brokers } = timerTestBed('kitemq-timer-');

function message(i: number, props: Record<string, string>, topic = 'Real'): MessageToStore {
  const properties = { TAGS: 'T', UNIQ_KEY: `U${i}`, seq: String(i), ...props };
  return realMessage(i, { topic, queueId: i % 2, flag: 7, properties, reconsumeTimes: 1 });
}

/** What the send path does: the hook, then the store. */
const sendTimer = (store: MessageStore, m: MessageToStore) =>
  putDiverted(store, applyTimerWheel(m, Date.now(), 3 * 86_400_000));

const read = readQueue;

const seqs = (store: MessageStore, topic: string) =>
  [...read(store, topic, 0), ...read(store, topic, 1)]
    .map((m) => Number(m.properties.seq))
    .sort((a, b) => a - b);

/** Moves the fake clock in small steps, letting the timer store catch up after each. */
const tick = (timer: TimerMessageStore, ms: number, stepMs = 10) => tickClock(timer, ms, stepMs);

/** Sends timers 0..n-1 to queue 0 of Real, i due at dueAt(i); answers seq → due time. */
async function sendEach(
  store: MessageStore,
  n: number,
  dueAt: (i: number) => number,
): Promise<Map<number, number>> {
  const due = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    due.set(i, dueAt(i));
    await sendTimer(store, { ...message(i, { TIMER_DELIVER_MS: String(dueAt(i)) }), queueId: 0 });
  }
  return due;
}

/** Every message sendEach sent is back in Real-0, each once, none stored before it was due. */
function allBackNotEarly(store: MessageStore, due: Map<number, number>): MessageExt[] {
  const got = read(store, 'Real', 0);
  expect(got.map((m) => Number(m.properties.seq)).sort((a, b) => a - b)).toEqual([...due.keys()]);
  for (const m of got) {
    expect(m.storeTimestamp).toBeGreaterThanOrEqual(due.get(Number(m.properties.seq))!);
  }
  return got;
}

describe('TimerMessageStore', () => {
  it('as a follower (SLAVE) puts nothing back and opens no files', async () => {
    const dir = newDir();
    const { store, timer } = await brokers.open(dir, { follower: true });
    await sendTimer(store, message(1, { TIMER_DELAY_MS: '500' }));
    await tick(timer, 2_000, 50);
    expect(seqs(store, 'Real')).toEqual([]);
    expect(store.getMaxOffsetInQueue(TIMER_TOPIC, 0)).toBe(1);
    expect(existsSync(join(dir, 'config', 'timerCheckpoint.json'))).toBe(false);
  });

  it('puts a message back at its millisecond, not before, with RocketMQ 5 properties', async () => {
    const { store, timer, lateness } = await brokers.open(newDir());
    await sendTimer(store, message(1, { TIMER_DELAY_MS: '2345' }));
    expect(store.getMaxOffsetInQueue(TIMER_TOPIC, 0)).toBe(1);
    const queue = { topic: 'Real', queueId: 1, stepMs: 10 };
    const m = await deliveredAfter(timer, store, { ...queue, quietMs: 2_340, thenMs: 10 });
    expect(m).toMatchObject({ body: Buffer.from('body 1'), flag: 7, reconsumeTimes: 1 });
    expect(m?.storeTimestamp).toBeGreaterThanOrEqual(T0 + 2_345);
    expect(m?.properties).toMatchObject({
      UNIQ_KEY: 'U1',
      TIMER_DELAY_MS: '2345',
      TIMER_OUT_MS: String(T0 + 2_345),
      TIMER_ENQUEUE_MS: String(T0),
    });
    expect(m?.properties.REAL_TOPIC).toBeUndefined();
    expect(m?.properties.REAL_QID).toBeUndefined();
    expect(Number(m?.properties.TIMER_DEQUEUE_MS)).toBeGreaterThanOrEqual(T0 + 2_345);
    expect(lateness).toHaveLength(1);
    expect(lateness[0]).toBeGreaterThanOrEqual(0);
    expect(lateness[0]).toBeLessThan(10);
  });

  it('writes no timer files until the first timer message, then delivers it', async () => {
    const dir = newDir();
    const { store, timer } = await brokers.open(dir);
    await store.putMessage(message(0, {}));
    await tick(timer, 100);
    expect(existsSync(join(dir, 'timerwheel'))).toBe(false);
    expect(existsSync(join(dir, 'config', 'timerCheckpoint.json'))).toBe(false);
    await sendTimer(store, message(1, { TIMER_DELAY_MS: '500' }));
    await tick(timer, 490);
    expect(existsSync(join(dir, 'timerwheel'))).toBe(true);
    expect(read(store, 'Real', 1)).toEqual([]);
    await tick(timer, 20);
    expect(read(store, 'Real', 1).map((m) => m.properties.seq)).toEqual(['1']);
  });

  it('delivers 2,000 timers in due order, each once, none early', async () => {
    const { store, timer, lateness } = await brokers.open(newDir());
    // Scattered over 5 s, many per slot.
    const due = await sendEach(store, 2_000, (i) => T0 + 50 + ((i * 7_919) % 5_000));
    await tick(timer, 5_100, 25);
    const got = allBackNotEarly(store, due);
    const outs = got.map((m) => Number(m.properties.TIMER_OUT_MS));
    expect(outs).toEqual([...outs].sort((a, b) => a - b)); // the queue is in due order
    expect(Math.min(...lateness)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...lateness)).toBeLessThan(25 + 1); // the fake clock's step
  });

  it('puts a slot of more than one batch back late by at most a slot, never early', async () => {
    // 1,500 in one 100 ms slot: read 1,024 at a time, newest first (MAX_DELIVER_BATCH), so the
    // earliest-due ones, in the second batch, wait for the first: late, out of order, not early.
    const { store, timer, lateness } = await brokers.open(newDir());
    // (T0+1000, T0+1100], in send order.
    const due = await sendEach(store, 1_500, (i) => T0 + 1_001 + Math.floor((i * 99) / 1_500));
    await tick(timer, 1_300, 10);
    allBackNotEarly(store, due);
    expect(Math.min(...lateness)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...lateness)).toBeLessThanOrEqual(100 + 10); // a slot, plus the clock's step
  });

  it('delivers at once a message whose time passed before it was enqueued', async () => {
    const dir = newDir();
    const b = await brokers.open(dir);
    brokers.release(b);
    await b.timer.shutdown();
    await sendTimer(b.store, message(3, { TIMER_DELAY_MS: '100' }));
    await vi.advanceTimersByTimeAsync(5_000);
    const again = await brokers.open(dir, {}, b.store);
    await tick(again.timer, 10);
    expect(seqs(b.store, 'Real')).toEqual([3]);
    expect(again.lateness[0]).toBeGreaterThanOrEqual(4_900);
  });

  it('rolls a message due beyond the wheel and delivers it once, on time', async () => {
    // 20 slots of 100 ms: the wheel covers 2 s; a message 5.5 s ahead is rolled twice.
    const { store, timer } = await brokers.open(newDir(), { rollWindowSlots: 20 });
    await sendTimer(store, message(5, { TIMER_DELAY_MS: '5500' }));
    await tick(timer, 5_490, 20);
    expect(read(store, 'Real', 1)).toEqual([]);
    expect(store.getMaxOffsetInQueue(TIMER_TOPIC, 0)).toBeGreaterThan(1); // rolled copies
    await tick(timer, 20);
    const [m] = read(store, 'Real', 1);
    expect(m?.storeTimestamp).toBeGreaterThanOrEqual(T0 + 5_500);
    expect(Number(m?.properties.TIMER_ROLL_TIMES)).toBeGreaterThanOrEqual(2);
    await tick(timer, 3_000, 100);
    expect(seqs(store, 'Real')).toEqual([5]);
  });

  it('resumes after a clean restart without losing or repeating a message', async () => {
    const dir = newDir();
    let b = await brokers.open(dir);
    for (let i = 0; i < 30; i++)
      await sendTimer(b.store, message(i, { TIMER_DELAY_MS: String(100 * (i + 1)) }));
    await tick(b.timer, 1_500);
    expect(seqs(b.store, 'Real')).toHaveLength(15);
    await brokers.close(b);
    const saved = JSON.parse(readFileSync(join(dir, 'config', 'timerCheckpoint.json'), 'utf8'));
    expect(saved).toMatchObject({ precisionMs: 100, wheelSlots: 600, queueOffset: 30 });
    b = await brokers.open(dir);
    await tick(b.timer, 2_000, 50);
    expect(seqs(b.store, 'Real')).toEqual([...Array(30).keys()]);
  });

  it('keeps the wheel shape across a config change', async () => {
    const dir = newDir();
    let b = await brokers.open(dir);
    await sendTimer(b.store, message(0, { TIMER_DELAY_MS: '1000' }));
    await tick(b.timer, 100);
    await brokers.close(b);
    b = await brokers.open(dir, { precisionMs: 500, rollWindowSlots: 50 });
    await tick(b.timer, 1_000, 50);
    expect(seqs(b.store, 'Real')).toEqual([0]);
  });
});

describe('TimerMessageStore after a crash', () => {
  it('puts only the copies of an interrupted batch that did not reach their queue', async () => {
    const dir = newDir();
    const store = await openDeliveryStore(dir);
    let puts = 0;
    // Stores the first 4 copies, then "hangs" (the process is about to die).
    // on/off bound to the store: an inherited off() would give the view an event table of its
    // own, and later arrivals would not reach the timer store.
    const dying = Object.assign(Object.create(store) as MessageStore, {
      on: store.on.bind(store),
      off: store.off.bind(store),
      putMessage: (m: MessageToStore) => {
        puts++;
        return puts <= 4 ? store.putMessage(m) : new Promise<never>(() => {});
      },
    });
    const b = await brokers.open(dir, {}, dying);
    for (let i = 0; i < 10; i++) {
      await sendTimer(store, message(i, { TIMER_DELIVER_MS: String(T0 + 500 + i) }));
    }
    // The pass hangs in the fifth put, so the store never goes idle: step the clock by hand,
    // giving real I/O (fdatasync) a few real milliseconds per step.
    // Until the fifth put, under a real-time deadline (a loaded machine's fdatasync is slow).
    for (const deadline = performance.now() + 30_000; puts < 5 && performance.now() < deadline; ) {
      if (Date.now() < T0 + 1_000) await vi.advanceTimersByTimeAsync(10);
      const until = performance.now() + 20;
      while (performance.now() < until) await new Promise((r) => setImmediate(r));
    }
    expect(seqs(store, 'Real')).toEqual([0, 1, 2, 3]);
    expect(puts).toBe(5);
    await brokers.crash(b);
    const again = await brokers.open(dir);
    await tick(again.timer, 100);
    expect(seqs(again.store, 'Real')).toEqual([...Array(10).keys()]);
    await tick(again.timer, 1_000, 100);
    expect(seqs(again.store, 'Real')).toHaveLength(10);
  });

  it('takes back units linked after the last checkpoint and links them again', async () => {
    const dir = newDir();
    let failing = false;
    const io = {
      ...nodeFileIO,
      writeFileAtomicAsync: async (path: string, data: string) => {
        if (failing && path.endsWith('timerCheckpoint.json')) throw new Error('EIO (test)');
        return nodeFileIO.writeFileAtomicAsync(path, data);
      },
    };
    const b = await brokers.open(dir, { fileIO: io });
    const at = String(T0 + 800); // one slot for all: the undo must restore its chain
    for (let i = 0; i < 5; i++) await sendTimer(b.store, message(i, { TIMER_DELIVER_MS: at }));
    await tick(b.timer, 50);
    failing = true;
    for (let i = 5; i < 10; i++) await sendTimer(b.store, message(i, { TIMER_DELIVER_MS: at }));
    await tick(b.timer, 50); // linked, log and wheel written, checkpoint write failed
    const saved = JSON.parse(readFileSync(join(dir, 'config', 'timerCheckpoint.json'), 'utf8'));
    expect(saved.queueOffset).toBe(5);
    await brokers.crash(b);
    const again = await brokers.open(dir);
    await tick(again.timer, 900, 50);
    expect(seqs(again.store, 'Real')).toEqual([...Array(10).keys()]);
  });
});
