// The schedule service on a SLAVE: progress kept and merged from the master, no delivery.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../common/logger.js';
import { SCHEDULE_TOPIC } from '../../message/delay-level.js';
import type { MessageStore } from '../../store/message-store.js';
import { TempDirs } from '../../store/store.fixture.js';
import {
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
const dirs = new TempDirs('kitemq-schedule-follower-');
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

async function openFollower(dir: string) {
  const store = await openDeliveryStore(dir);
  const svc = new ScheduleMessageService(store, {
    storePathRootDir: dir,
    levels: LEVELS,
    log: silentLogger(),
    follower: true,
  });
  svc.start();
  open.push({ store, svc });
  return { store, svc };
}

const delayed = (i: number, level: number) =>
  applyDelayLevel(
    realMessage(i, { topic: 'F', queueId: 0, properties: { DELAY: String(level) } }),
    LEVELS,
  );

describe('ScheduleMessageService as a follower (brokerRole=SLAVE)', () => {
  it('never delivers a due message itself', async () => {
    const { store, svc } = await openFollower(dirs.make());
    await putDiverted(store, delayed(1, 1));
    expect(store.getMaxOffsetInQueue(SCHEDULE_TOPIC, 0)).toBe(1);
    await tickClock(svc, 5_000, 50);
    expect(readQueue(store, 'F', 0)).toHaveLength(0);
    expect(svc.runtimeInfo()).toMatchObject({ scheduleMessageOffset_1: '0,1' });
  });

  it("merges the master's offsets by maximum per level and writes them", async () => {
    const dir = dirs.make();
    mkdirSync(join(dir, 'config'), { recursive: true });
    writeFileSync(join(dir, 'config', 'delayOffset.json'), '{"offsetTable":{1:1,2:5}}');
    const { svc } = await openFollower(dir);
    const moved = await svc.applyMasterOffsets(
      new Map([
        [1, 3],
        [2, 2],
        [3, 7],
        [40, 9],
      ]),
    );
    expect(moved).toBe(2);
    const saved = JSON.parse(readFileSync(join(dir, 'config', 'delayOffset.json'), 'utf8'));
    expect(saved.offsetTable).toEqual({ 1: 3, 2: 5, 3: 7 });
  });
});
