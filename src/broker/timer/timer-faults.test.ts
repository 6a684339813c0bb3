// The timer store under faults, over a real MessageStore and real files in a temp dir, on a fake
// clock: a store whose getMessage throws on a chosen call, a file layer that fails chosen writes
// or opens, and crashes played by halting the timer store and reopening from what is on disk.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../common/logger.js';
import type { MessageExt, MessageToStore } from '../../message/message.js';
import { decodeRecord } from '../../message/record-codec.js';
import { type FileIO, nodeFileIO } from '../../store/file-io.js';
import type { MessageStore } from '../../store/message-store.js';
import {
  openDeliveryStore,
  putDiverted,
  readQueue,
  realMessage,
  T0,
  tickClock,
  timerTestBed,
} from '../delivery.fixture.js';
import { applyTimerWheel, TIMER_TOPIC } from './timer-hook.js';
import { TimerLog } from './timer-log.js';
import type { TimerMessageStore } from './timer-message-store.js';
import { TimerWheel } from './timer-wheel.js';

const { newDir, brokers } = timerTestBed('kitemq-timer-faults-');

const message = (i: number, props: Record<string, string>): MessageToStore =>
  realMessage(i, { properties: { UNIQ_KEY: `U${i}`, seq: String(i), ...props } });

/** What the send path does: the hook, then the store. */
function sendTimer(store: MessageStore, i: number, dueMs: number): Promise<void> {
  const m = message(i, { TIMER_DELIVER_MS: String(dueMs) });
  return putDiverted(store, applyTimerWheel(m, Date.now(), 3 * 86_400_000));
}

const delivered = (store: MessageStore): MessageExt[] => readQueue(store, 'Real', 0);

const seqs = (store: MessageStore) =>
  delivered(store)
    .map((m) => Number(m.properties.seq))
    .sort((a, b) => a - b);

const upTo = (n: number) => [...Array(n).keys()];

/** Moves the fake clock in steps (nudged: see settle), letting the timer store catch up. */
const tick = (timer: TimerMessageStore, ms: number, stepMs = 50) =>
  tickClock(timer, ms, stepMs, true);

/**
 * `store` with some methods replaced. Listeners go to `store` itself (an inherited `off` would
 * give the view an event table of its own, and arrivals would no longer reach the timer store).
 */
function faultyView(store: MessageStore, replaced: Partial<MessageStore>): MessageStore {
  return Object.assign(Object.create(store) as MessageStore, {
    on: store.on.bind(store),
    off: store.off.bind(store),
    ...replaced,
  });
}

/** A view of `store` whose getMessage on rmq_sys_wheel_timer runs `fault` first. */
function readFault(store: MessageStore, fault: (call: number) => void): MessageStore {
  let calls = 0;
  return faultyView(store, {
    getMessage: (...args: Parameters<MessageStore['getMessage']>) => {
      if (args[0] === TIMER_TOPIC) fault(++calls);
      return store.getMessage(...args);
    },
  });
}

const eio = () => Object.assign(new Error('EIO: i/o error (test)'), { code: 'EIO' });

describe('timer enqueue under faults', () => {
  it('links each message once when a read fails partway through a pass', async () => {
    const dir = newDir();
    const store = await openDeliveryStore(dir);
    for (let i = 0; i < 40; i++) await sendTimer(store, i, T0 + 500 + i);
    // The pass reads 32, links them, and the next read fails once.
    const faulty = readFault(store, (call) => {
      if (call === 2) throw eio();
    });
    const b = await brokers.open(dir, {}, faulty);
    await tick(b.timer, 12_000, 100); // past the retry after the error
    expect(seqs(store)).toEqual(upTo(40));
  });
});

const checkpointOf = (dir: string) =>
  JSON.parse(readFileSync(join(dir, 'config', 'timerCheckpoint.json'), 'utf8'));

/**
 * The files a kill -9 leaves between an enqueue pass's wheel write and its checkpoint write, when
 * the cursor had gone a whole turn of a 20-slot wheel past the saved one: message 0 delivered and
 * saved (cursor C), message 1 (due at C + 2.5 s) in rmq_sys_wheel_timer past the saved offset, and
 * its unit written to the log and the wheel in slot C + 39, past the saved window [C, C + 19]: the
 * same wheel record as slot C + 19, where the restart links it again.
 */
async function crashAfterWheelWrite(dir: string): Promise<void> {
  const b = await brokers.open(dir, { rollWindowSlots: 20 });
  await sendTimer(b.store, 0, T0 + 100);
  await tick(b.timer, 200);
  expect(seqs(b.store)).toEqual([0]);
  brokers.release(b);
  await b.timer.shutdown();
  const { cursorMs, logEnd } = checkpointOf(dir);
  await sendTimer(b.store, 1, cursorMs + 2_500);
  const r = b.store.getMessage(TIMER_TOPIC, 0, 1, 1);
  const m = decodeRecord(r.buffers[0]!, 0);
  await b.store.shutdown();
  const tlog = new TimerLog(nodeFileIO, dir);
  const wheel = new TimerWheel(nodeFileIO, dir, 20, 100);
  tlog.load();
  wheel.load();
  expect(tlog.end).toBe(logEnd);
  const slotMs = cursorMs + 39 * 100;
  const pos = tlog.append({
    prevPos: wheel.lastPos(slotMs),
    slotMs,
    dueMs: Number(m.properties.TIMER_OUT_MS),
    phyOffset: m.commitLogOffset,
    queueOffset: m.queueOffset,
    size: m.storeSize,
  });
  wheel.set(slotMs, pos);
  await tlog.flush();
  await wheel.flush();
  tlog.close();
  wheel.close();
}

describe('timer store after a crash between the wheel write and the checkpoint', () => {
  it('takes the unsaved unit back and links its message again, on time', async () => {
    const dir = newDir();
    await crashAfterWheelWrite(dir);
    const again = await brokers.open(dir, { rollWindowSlots: 20 });
    await tick(again.timer, 3_000, 100);
    expect(seqs(again.store)).toEqual([0, 1]);
  });

  it('repairs what an older KiteMQ left: a record past the window holding nothing', async () => {
    const dir = newDir();
    await crashAfterWheelWrite(dir);
    // The older take-back: the unit cut from the log, its slot's record stamped all the same.
    const { logEnd } = checkpointOf(dir);
    const tlog = new TimerLog(nodeFileIO, dir);
    const wheel = new TimerWheel(nodeFileIO, dir, 20, 100);
    tlog.load();
    wheel.load();
    const u = tlog.read(logEnd)!;
    wheel.set(u.slotMs, u.prevPos);
    tlog.truncate(logEnd);
    await wheel.flush();
    tlog.close();
    wheel.close();
    const again = await brokers.open(dir, { rollWindowSlots: 20 });
    await tick(again.timer, 3_000, 100);
    expect(seqs(again.store)).toEqual([0, 1]);
  });
});

describe('timer delivery while enqueueing fails', () => {
  it('puts back what the wheel holds on time', async () => {
    const dir = newDir();
    const store = await openDeliveryStore(dir);
    let broken = false;
    const b = await brokers.open(
      dir,
      {},
      readFault(store, () => {
        if (broken) throw eio();
      }),
    );
    await sendTimer(store, 0, T0 + 1_000);
    await tick(b.timer, 100);
    broken = true;
    await sendTimer(store, 1, T0 + 1_500); // every enqueue pass from now on fails
    await tick(b.timer, 1_000);
    expect(seqs(store)).toEqual([0]);
    broken = false;
    await tick(b.timer, 10_000, 100);
    expect(seqs(store)).toEqual([0, 1]);
  });
});

/** A file layer whose writes to timer-log segments fail while `fail.log` is set. */
function logWriteFault(): { io: FileIO; fail: { log: boolean } } {
  const fail = { log: false };
  const paths = new Map<number, string>();
  const io: FileIO = {
    ...nodeFileIO,
    open(path) {
      const fd = nodeFileIO.open(path);
      paths.set(fd, path);
      return fd;
    },
    writeAsync: async (fd, ...rest) => {
      if (fail.log && paths.get(fd)?.includes('timerlog')) throw eio();
      return nodeFileIO.writeAsync(fd, ...rest);
    },
  };
  return { io, fail };
}

describe('timer delivery while the timer log cannot be written', () => {
  it('waits: a timer linked but not in a checkpoint is delivered once, after the crash', async () => {
    const dir = newDir();
    const { io, fail } = logWriteFault();
    const b = await brokers.open(dir, { fileIO: io });
    await sendTimer(b.store, 0, T0 + 1_000);
    await tick(b.timer, 100);
    fail.log = true;
    await sendTimer(b.store, 1, T0 + 500); // linked, but its unit never reaches the file
    await tick(b.timer, 1_000);
    expect(seqs(b.store)).toEqual([]); // neither: message 1 would come again after a crash
    await brokers.crash(b);
    const again = await brokers.open(dir);
    await tick(again.timer, 1_500, 100);
    expect(seqs(again.store)).toEqual([0, 1]);
  });
});

describe('timer store after an error', () => {
  it('waits out the backoff, whatever arrives meanwhile', async () => {
    const dir = newDir();
    const store = await openDeliveryStore(dir);
    let broken = false;
    let reads = 0;
    const faulty = faultyView(store, {
      getRecordBytes: (offset: number) => {
        reads++;
        if (broken) throw eio();
        return store.getRecordBytes(offset);
      },
    });
    const b = await brokers.open(dir, {}, faulty);
    await sendTimer(store, 0, T0 + 500);
    await tick(b.timer, 100);
    broken = true;
    await tick(b.timer, 500); // the slot opens, reading its message fails: the pass fails
    const failedReads = reads;
    expect(failedReads).toBeGreaterThan(0);
    for (let i = 1; i <= 3; i++) {
      await sendTimer(store, i, T0 + 700);
      await tick(b.timer, 200);
    }
    expect(reads).toBe(failedReads); // no pass ran again before the backoff ended
    broken = false;
    await tick(b.timer, 10_000, 100);
    expect(seqs(store)).toEqual([0, 1, 2, 3]);
  });
});

interface Line {
  level: string;
  msg: string;
}

/** A logger that keeps its lines. */
function capturingLogger(lines: Line[]): Logger {
  const at =
    (level: string) =>
    (_obj: object, msg = ''): void => {
      lines.push({ level, msg });
    };
  const log: Logger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => log,
  };
  return log;
}

/**
 * A file layer that keeps the timer files it holds open, and fails the first `fail.wheelWrites`
 * writes to the timer wheel with ENOSPC.
 */
function timerFileFault(): { io: FileIO; held: Set<number>; fail: { wheelWrites: number } } {
  const held = new Set<number>();
  const fail = { wheelWrites: 0 };
  const paths = new Map<number, string>();
  const isTimerFile = (p: string) => /timerwheel$|timerlog/.test(p);
  const io: FileIO = {
    ...nodeFileIO,
    open(path) {
      const fd = nodeFileIO.open(path);
      paths.set(fd, path);
      if (isTimerFile(path)) held.add(fd);
      return fd;
    },
    close(fd) {
      held.delete(fd);
      nodeFileIO.close(fd);
    },
    write(fd, ...rest) {
      if (paths.get(fd)?.endsWith('timerwheel') && fail.wheelWrites > 0) {
        fail.wheelWrites--;
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), {
          code: 'ENOSPC',
        });
      }
      nodeFileIO.write(fd, ...rest);
    },
  };
  return { io, held, fail };
}

describe('timer store opened at the first timer message', () => {
  it('closes what a failed open opened, says why, and tries again', async () => {
    const dir = newDir();
    const { io, held, fail } = timerFileFault();
    const lines: Line[] = [];
    const b = await brokers.open(dir, { fileIO: io, log: capturingLogger(lines) });
    fail.wheelWrites = 2;
    await sendTimer(b.store, 0, T0 + 3_000);
    await tick(b.timer, 100);
    expect(held.size).toBe(0);
    const errors = () => lines.filter((l) => l.level === 'error');
    expect(errors()).toHaveLength(1);
    expect(errors()[0]?.msg).toMatch(/timer wheel.*ENOSPC/);
    await tick(b.timer, 3_500, 100);
    expect(errors()).toHaveLength(2); // the second try failed too, the third opened it
    expect(held.size).toBeGreaterThan(0);
    expect(seqs(b.store)).toEqual([0]);
  });

  it('stays stopped when halted while opening', async () => {
    const dir = newDir();
    const { io, held } = timerFileFault();
    const b = await brokers.open(dir, { fileIO: io });
    // This listener hears the first arrival right after the timer store, which has begun to
    // open its files: the halt lands while the open is in flight.
    b.store.on('messageArrived', (topic: string) => {
      if (topic === TIMER_TOPIC) b.timer.halt();
    });
    await sendTimer(b.store, 0, T0 + 200);
    await tick(b.timer, 1_000);
    expect(seqs(b.store)).toEqual([]);
    expect(held.size).toBe(0);
    expect(existsSync(join(dir, 'config', 'timerCheckpoint.json'))).toBe(false);
  });
});

describe('timer store killed after an idle spell', () => {
  it('has no batch in flight to check again at the restart', async () => {
    const dir = newDir();
    const b = await brokers.open(dir);
    for (let i = 0; i < 5; i++) await sendTimer(b.store, i, T0 + 300);
    await tick(b.timer, 2_000); // delivered, then nothing to do
    expect(seqs(b.store)).toEqual(upTo(5));
    await brokers.crash(b);
    const saved = JSON.parse(readFileSync(join(dir, 'config', 'timerCheckpoint.json'), 'utf8'));
    expect(saved.inflight).toBeNull();
    const lines: Line[] = [];
    const again = await brokers.open(dir, { log: capturingLogger(lines) });
    await tick(again.timer, 500);
    expect(lines.map((l) => l.msg)).not.toContain('interrupted timer batch checked');
    expect(seqs(again.store)).toEqual(upTo(5));
  });
});

describe('new timer files', () => {
  it('have their directory fdatasynced before anything points at them', async () => {
    const dir = newDir();
    const events: string[] = [];
    const rel = (p: string) => p.slice(dir.length + 1) || '.';
    const io: FileIO = {
      ...nodeFileIO,
      open(path) {
        if (!nodeFileIO.exists(path)) events.push(`create ${rel(path)}`);
        return nodeFileIO.open(path);
      },
      mkdirp(path) {
        if (!nodeFileIO.exists(path)) events.push(`create ${rel(path)}`);
        nodeFileIO.mkdirp(path);
      },
      async syncDir(path) {
        events.push(`syncDir ${rel(path)}`);
        await nodeFileIO.syncDir(path);
      },
      async writeFileAtomicAsync(path, data) {
        const isNew = !nodeFileIO.exists(path);
        await nodeFileIO.writeFileAtomicAsync(path, data);
        events.push(`${isNew ? 'create' : 'write'} ${rel(path)}`);
      },
    };
    // Segments of 4 units: ten messages make three of them.
    const b = await brokers.open(dir, { fileIO: io, segmentBytes: 4 * 48 });
    for (let i = 0; i < 10; i++) await sendTimer(b.store, i, T0 + 300);
    await tick(b.timer, 500);
    expect(seqs(b.store)).toEqual(upTo(10));
    const timerFile = /^(timerwheel|timerlog.*|config\/timerCheckpoint\.json)$/;
    const created = events.filter((e) => e.startsWith('create ') && timerFile.test(e.slice(7)));
    expect(created).toEqual(expect.arrayContaining(['create timerwheel', 'create timerlog']));
    expect(created.filter((e) => e.startsWith('create timerlog/'))).toHaveLength(3);
    for (const c of created) {
      const path = c.slice(7);
      const parent = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '.';
      const at = events.indexOf(c);
      const synced = events.indexOf(`syncDir ${parent}`, at);
      expect(synced, `${path}: its directory is synced`).toBeGreaterThan(at);
      // ...before the next checkpoint, the first thing that could point at it after a crash.
      const next = events.findIndex((e, i) => i > at && e.endsWith('timerCheckpoint.json'));
      if (next >= 0 && !path.endsWith('timerCheckpoint.json')) expect(synced).toBeLessThan(next);
    }
  });
});
