// TimerLog, TimerWheel and the take-back of units linked after the last checkpoint, on real files.
import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeFileIO } from '../../store/file-io.js';
import { NO_POS, TIMER_UNIT_BYTES, TimerLog } from './timer-log.js';
import { undoUnsavedUnits } from './timer-recovery.js';
import { TimerWheel } from './timer-wheel.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function newDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'kitemq-timer-files-'));
  dirs.push(d);
  return d;
}

const P = 100;
const S0 = 1_700_000_000_000;

function unit(slotMs: number, prevPos: number, i: number) {
  return { prevPos, slotMs, dueMs: slotMs - 1, phyOffset: i * 100, queueOffset: i, size: 90 };
}

/** Links unit i into `slotMs` the way the enqueue side does. */
function link(log: TimerLog, wheel: TimerWheel, slotMs: number, i: number): number {
  const pos = log.append(unit(slotMs, wheel.lastPos(slotMs), i));
  wheel.set(slotMs, pos);
  return pos;
}

function chain(log: TimerLog, wheel: TimerWheel, slotMs: number): number[] {
  const out: number[] = [];
  for (let pos = wheel.lastPos(slotMs); pos !== NO_POS; ) {
    const u = log.read(pos)!;
    out.push(u.queueOffset);
    pos = u.prevPos;
  }
  return out;
}

describe('TimerLog', () => {
  it('appends across segments, reads buffered and written units, deletes old segments', async () => {
    const dir = newDir();
    const log = new TimerLog(nodeFileIO, dir, 4 * TIMER_UNIT_BYTES);
    log.load();
    for (let i = 0; i < 10; i++) log.append(unit(S0, NO_POS, i));
    expect(log.read(9 * TIMER_UNIT_BYTES)?.queueOffset).toBe(9); // from the buffer
    await log.flush();
    expect(readdirSync(join(dir, 'timerlog'))).toHaveLength(3);
    expect(log.read(5 * TIMER_UNIT_BYTES)).toMatchObject({ queueOffset: 5, slotMs: S0, size: 90 });
    expect(log.deleteFirstSegment()).toBe(0);
    expect(log.read(0)).toBeUndefined();
    log.close();
    const again = new TimerLog(nodeFileIO, dir, 4 * TIMER_UNIT_BYTES);
    again.load();
    expect([again.start, again.end]).toEqual([4 * TIMER_UNIT_BYTES, 10 * TIMER_UNIT_BYTES]);
    again.truncate(6 * TIMER_UNIT_BYTES);
    expect(again.segmentStarts()).toEqual([4 * TIMER_UNIT_BYTES]);
    expect(again.end).toBe(6 * TIMER_UNIT_BYTES);
    again.close();
  });
});

describe('TimerWheel', () => {
  it('is a ring: a record of an earlier turn reads as empty, a later one cannot be overrun', async () => {
    const dir = newDir();
    const wheel = new TimerWheel(nodeFileIO, dir, 8, P);
    wheel.load();
    wheel.set(S0, 48);
    expect(wheel.lastPos(S0)).toBe(48);
    expect(wheel.lastPos(S0 + 8 * P)).toBe(NO_POS); // same record, next turn
    expect(wheel.nextOccupied(S0 - 3 * P, S0 + 4 * P)).toBe(S0);
    wheel.set(S0 + 8 * P, 96);
    expect(() => wheel.set(S0, 0)).toThrow(/ring overrun/);
    await wheel.flush();
    wheel.close();
    const again = new TimerWheel(nodeFileIO, dir, 8, P);
    again.load();
    expect(again.lastPos(S0 + 8 * P)).toBe(96);
    again.close();
    expect(() => new TimerWheel(nodeFileIO, dir, 16, P).load()).toThrow(/holds 8 slots/);
  });
});

describe('undoUnsavedUnits', () => {
  it('points each slot back where it was at the checkpoint and cuts a torn tail', async () => {
    const dir = newDir();
    const log = new TimerLog(nodeFileIO, dir, 1024 * TIMER_UNIT_BYTES);
    const wheel = new TimerWheel(nodeFileIO, dir, 64, P);
    log.load();
    wheel.load();
    link(log, wheel, S0, 0);
    link(log, wheel, S0, 1);
    link(log, wheel, S0 + P, 2);
    await log.flush();
    await wheel.flush();
    const logEnd = log.end; // the checkpoint
    link(log, wheel, S0, 3);
    link(log, wheel, S0 + 2 * P, 4);
    link(log, wheel, S0 + P, 5);
    await log.flush();
    await wheel.flush();
    log.close();
    wheel.close();
    // A unit and a half of garbage: writes torn by the crash.
    const seg = join(dir, 'timerlog', '0'.repeat(20));
    appendFileSync(seg, Buffer.alloc(TIMER_UNIT_BYTES * 1.5, 7));
    const log2 = new TimerLog(nodeFileIO, dir, 1024 * TIMER_UNIT_BYTES);
    const wheel2 = new TimerWheel(nodeFileIO, dir, 64, P);
    log2.load();
    wheel2.load();
    expect(undoUnsavedUnits(log2, wheel2, logEnd)).toBe(3);
    expect(log2.end).toBe(logEnd);
    expect(chain(log2, wheel2, S0)).toEqual([1, 0]);
    expect(chain(log2, wheel2, S0 + P)).toEqual([2]);
    expect(wheel2.lastPos(S0 + 2 * P)).toBe(NO_POS);
    // Its only unit taken back, a slot's record is unused again (not stamped with its time: a
    // stamp past the restarted window makes a link one turn earlier a ring overrun).
    expect(wheel2.recordTime(S0 + 2 * P)).toBe(0);
    expect(() => wheel2.set(S0 + 2 * P - 64 * P, 0)).not.toThrow();
    expect(() => undoUnsavedUnits(log2, wheel2, logEnd + TIMER_UNIT_BYTES)).toThrow(/is lost/);
    log2.close();
    wheel2.close();
  });
});
