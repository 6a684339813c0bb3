// The schedule service over a real MessageStore in a temp dir, on a fake clock: setTimeout and
// Date are faked (so store timestamps follow the fake clock too); file I/O is real.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger, silentLogger } from '../../common/logger.js';
import { SCHEDULE_TOPIC } from '../../message/delay-level.js';
import type { MessageToStore } from '../../message/message.js';
import type { MessageStore } from '../../store/message-store.js';
import { TempDirs } from '../../store/store.fixture.js';
import {
  deliveredAfter,
  openDeliveryStore,
  putDiverted,
  readQueue,
  realMessage,
  tickClock,
  useFakeClock,
} from '../delivery.fixture.js';
import { applyDelayLevel } from './delay-hook.js';
import { ScheduleMessageService } from './schedule-message-service.js';

const LEVELS = [1_000, 5_000, 10_000];
const dirs = new TempDirs('kitemq-schedule-');
const open: { store: MessageStore; svc: ScheduleMessageService }[] = [];

beforeEach(() => useFakeClock());

afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.svc.shutdown();
    await o.store.shutdown();
  }
  vi.useRealTimers();
  dirs.removeAll();
});

const newDir = () => dirs.make();

async function openBroker(dir: string, lateness: number[] = []) {
  const store = await openDeliveryStore(dir);
  const svc = new ScheduleMessageService(store, {
    storePathRootDir: dir,
    levels: LEVELS,
    log: process.env.DEBUG_SCHED ? createLogger('t', 'debug') : silentLogger(),
    onDelivered: (_level, ms) => lateness.push(ms),
  });
  svc.start();
  const o = { store, svc };
  open.push(o);
  return o;
}

async function close(o: { store: MessageStore; svc: ScheduleMessageService }): Promise<void> {
  open.splice(open.indexOf(o), 1);
  await o.svc.shutdown();
  await o.store.shutdown();
}

function message(i: number, delay: number, topic = 'Real', queueId = i % 2): MessageToStore {
  const properties = { TAGS: 'T', UNIQ_KEY: `U${i}`, DELAY: String(delay), seq: String(i) };
  return realMessage(i, { topic, queueId, flag: 7, properties, reconsumeTimes: 2 });
}

const schedule = (store: MessageStore, m: MessageToStore) =>
  putDiverted(store, applyDelayLevel(m, LEVELS));

const read = readQueue;

/** Moves the fake clock in small steps, letting the service catch up after each. */
const tick = (svc: ScheduleMessageService, ms: number, stepMs = 50) => tickClock(svc, ms, stepMs);

describe('ScheduleMessageService', () => {
  it('delivers a level-2 message to its real queue at its time and not before', async () => {
    const { store, svc } = await openBroker(newDir());
    await schedule(store, message(1, 2));
    expect(store.getMaxOffsetInQueue(SCHEDULE_TOPIC, 1)).toBe(1);
    const queue = { topic: 'Real', queueId: 1, stepMs: 50 };
    const m = await deliveredAfter(svc, store, { ...queue, quietMs: 4_990, thenMs: 20 });
    expect(m).toMatchObject({ body: Buffer.from('body 1'), flag: 7, reconsumeTimes: 2 });
    expect(m?.properties.DELAY).toBeUndefined();
    expect(m?.properties).toMatchObject({ REAL_TOPIC: 'Real', REAL_QID: '1', UNIQ_KEY: 'U1' });
    expect(m!.storeTimestamp - m!.bornTimestamp).toBeGreaterThanOrEqual(5_000);
  });

  it('keeps order and delivers each of 3,000 messages once, across batches', async () => {
    const lateness: number[] = [];
    const { store, svc } = await openBroker(newDir(), lateness);
    for (let i = 0; i < 3_000; i++) await schedule(store, message(i, 1, 'Bulk', 0));
    await tick(svc, 1_000);
    const got = read(store, 'Bulk', 0).map((m) => Number(m.properties.seq));
    expect(got).toEqual([...Array(3_000).keys()]);
    expect(lateness).toHaveLength(3_000);
    expect(Math.min(...lateness)).toBeGreaterThanOrEqual(0);
  });

  it('resumes after a restart without losing or repeating a message', async () => {
    const dir = newDir();
    let b = await openBroker(dir);
    for (let i = 0; i < 10; i++) await schedule(b.store, message(i, 1 + (i % 3), 'R', 0));
    await tick(b.svc, 5_000); // levels 1 and 2 are due, level 3 is not
    expect(read(b.store, 'R', 0)).toHaveLength(7);
    await close(b);
    const saved = JSON.parse(readFileSync(join(dir, 'config', 'delayOffset.json'), 'utf8'));
    expect(saved.offsetTable).toMatchObject({ 1: 4, 2: 3, 3: 0 });
    b = await openBroker(dir);
    await tick(b.svc, 5_000);
    const seqs = read(b.store, 'R', 0).map((m) => Number(m.properties.seq));
    expect(seqs.sort((x, y) => x - y)).toEqual([...Array(10).keys()]);
  });

  it('reads fastjson-style numeric keys and clamps an offset past the queue end', async () => {
    const dir = newDir();
    mkdirSync(join(dir, 'config'), { recursive: true });
    writeFileSync(join(dir, 'config', 'delayOffset.json'), '{"offsetTable":{1:0,2:99}}');
    const { store, svc } = await openBroker(dir);
    expect(svc.runtimeInfo()).toMatchObject({ scheduleMessageOffset_2: '0,0' });
    await schedule(store, message(1, 2, 'C', 0));
    await tick(svc, 5_000);
    expect(read(store, 'C', 0)).toHaveLength(1);
  });

  it('drops a schedule-topic message without REAL_TOPIC and goes on', async () => {
    const { store, svc } = await openBroker(newDir());
    const bad = { ...message(0, 1), topic: SCHEDULE_TOPIC, queueId: 0 };
    await store.putMessage(bad);
    await schedule(store, message(1, 1, 'D', 0));
    await tick(svc, 1_000);
    expect(read(store, 'D', 0).map((m) => m.properties.seq)).toEqual(['1']);
  });

  it('pauses on a put refused for a passing reason and resumes without repeating', async () => {
    const dir = newDir();
    const { store } = await openBroker(dir);
    const o = open.pop()!;
    await o.svc.shutdown();
    let calls = 0;
    const flaky = Object.assign(Object.create(store) as MessageStore, {
      putMessage: (m: MessageToStore) => {
        calls++;
        if (calls === 2) return Promise.resolve({ status: 'SERVICE_NOT_AVAILABLE' as const });
        return store.putMessage(m);
      },
    });
    const svc = new ScheduleMessageService(flaky, {
      storePathRootDir: dir,
      levels: LEVELS,
      log: silentLogger(),
    });
    svc.start();
    open.push({ store, svc });
    for (let i = 0; i < 5; i++) await schedule(store, message(i, 1, 'F', 0));
    await tick(svc, 1_000);
    expect(read(store, 'F', 0)).toHaveLength(1); // paused at the refused one
    await tick(svc, 100);
    expect(read(store, 'F', 0).map((m) => m.properties.seq)).toEqual(['0', '1', '2', '3', '4']);
  });

  it('after a crash mid-batch, puts only the copies that did not reach the real queue', async () => {
    const dir = newDir();
    let b = await openBroker(dir);
    await b.svc.shutdown(); // deliver nothing: the test plays the interrupted batch by hand
    for (let i = 0; i < 10; i++) await schedule(b.store, message(i, 1, 'X', i % 2));
    // The batch [0, 10) was recorded, then copies of 0..5 were stored before the "crash".
    for (let i = 0; i < 6; i++) {
      const copy = { ...message(i, 1, 'X', i % 2), properties: { ...message(i, 1).properties } };
      delete copy.properties.DELAY;
      expect((await b.store.putMessage(copy)).status).toBe('PUT_OK');
    }
    await b.store.putMessage({ ...message(99, 0, 'X', 0), properties: { UNIQ_KEY: 'other' } });
    mkdirSync(join(dir, 'config'), { recursive: true });
    writeFileSync(
      join(dir, 'config', 'delayOffset.json'),
      JSON.stringify({
        offsetTable: { 1: 0 },
        inflightTable: { 1: { from: 0, to: 10, queues: { 'X@0': 0, 'X@1': 0 } } },
      }),
    );
    open.splice(open.indexOf(b), 1);
    await b.store.shutdown();
    b = await openBroker(dir);
    await tick(b.svc, 1_000);
    const seqs = [...read(b.store, 'X', 0), ...read(b.store, 'X', 1)]
      .map((m) => Number(m.properties.seq))
      .filter((n) => !Number.isNaN(n));
    expect(seqs.sort((x, y) => x - y)).toEqual([...Array(10).keys()]);
    await b.svc.shutdown();
    const saved = JSON.parse(readFileSync(join(dir, 'config', 'delayOffset.json'), 'utf8'));
    expect(saved.offsetTable['1']).toBe(10);
    expect(saved.inflightTable).toBeUndefined();
  });

  it('answers GET_ALL_DELAY_OFFSET with the file contents', async () => {
    const { store, svc } = await openBroker(newDir());
    await schedule(store, message(1, 1, 'E', 0));
    await tick(svc, 1_000);
    const res = svc.getAllDelayOffset({ opaque: 1, code: 45 } as never);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.body!.toString()).offsetTable['1']).toBe(1);
  });
});
