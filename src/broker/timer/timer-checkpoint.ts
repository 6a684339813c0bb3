// TimerCheckpoint: <storePathRootDir>/config/timerCheckpoint.json, the progress of the timer
// store (RocketMQ keeps the same facts in the binary config/timercheck: last read time, timer
// log flush position, last timer queue offset). Written whole (temp file, fdatasync, rename):
//   precisionMs, wheelSlots   the wheel's geometry (a config change does not reshape a wheel)
//   queueOffset, logEnd       rmq_sys_wheel_timer below queueOffset is in the timer log below
//                             logEnd, and the wheel points at nothing past it
//   cursorMs, chainPos        every slot before cursorMs is delivered; chainPos is the next unit
//                             of the cursor slot's chain (null: the slot is not opened yet)
//   inflight                  the batch whose puts may have begun, with where each target queue
//                             ended before the first put (timer-recovery.ts finds the copies)
//   segments                  timer-log segment → its latest slot (deleted once delivered)
import { join } from 'node:path';
import type { FileIO } from '../../store/file-io.js';

export interface TimerInflight {
  slotMs: number;
  /** Chain position of the batch's first unit, and how many units it took. */
  fromPos: number;
  count: number;
  /** "<topic>@<queueId>" of each target queue → its max offset before the first put. */
  queues: Record<string, number>;
}

export interface TimerProgress {
  precisionMs: number;
  wheelSlots: number;
  queueOffset: number;
  logEnd: number;
  cursorMs: number;
  chainPos: number | null;
  inflight: TimerInflight | null;
  segments: Record<string, number>;
}

const isInt = (v: unknown): v is number => Number.isSafeInteger(v);

function isInflight(x: unknown): x is TimerInflight {
  const b = x as TimerInflight;
  return (
    typeof b === 'object' &&
    b !== null &&
    isInt(b.slotMs) &&
    isInt(b.fromPos) &&
    isInt(b.count) &&
    typeof b.queues === 'object' &&
    b.queues !== null &&
    Object.values(b.queues).every(isInt)
  );
}

/** Why `x` is not a TimerProgress, or undefined when it is. */
export function checkProgress(x: unknown): string | undefined {
  const p = x as TimerProgress;
  if (typeof p !== 'object' || p === null) return 'not an object';
  for (const k of ['precisionMs', 'wheelSlots', 'queueOffset', 'logEnd', 'cursorMs'] as const) {
    if (!isInt(p[k]) || p[k] < 0) return `${k} is not a non-negative integer`;
  }
  if (p.chainPos !== null && !isInt(p.chainPos)) return 'chainPos is not an integer or null';
  if (p.inflight !== null && !isInflight(p.inflight)) return 'inflight is malformed';
  if (typeof p.segments !== 'object' || p.segments === null) return 'segments is not an object';
  if (!Object.values(p.segments).every(isInt)) return 'segments holds a non-integer';
  return undefined;
}

export class TimerCheckpoint {
  readonly path: string;
  private readonly io: FileIO;

  constructor(io: FileIO, storePathRootDir: string) {
    this.io = io;
    this.path = join(storePathRootDir, 'config', 'timerCheckpoint.json');
  }

  /**
   * The saved progress, or undefined when there is none. A file that does not parse stops the
   * broker: starting over would enqueue rmq_sys_wheel_timer again from its first message.
   */
  load(): TimerProgress | undefined {
    const text = this.io.readFile(this.path);
    if (text === undefined) return undefined;
    let why: string | undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
      why = checkProgress(parsed);
    } catch (err) {
      why = (err as Error).message;
    }
    if (why === undefined) return parsed as TimerProgress;
    throw new Error(
      `${this.path} is not a timer checkpoint (${why}); fix it, or remove it together with ` +
        'timerwheel and timerlog/ to enqueue every message of rmq_sys_wheel_timer again',
    );
  }

  async save(p: TimerProgress): Promise<void> {
    const dir = join(this.path, '..');
    this.io.mkdirp(dir);
    const isNew = !this.io.exists(this.path);
    await this.io.writeFileAtomicAsync(this.path, JSON.stringify(p, null, 2));
    if (isNew) await this.io.syncDir(dir); // the first one's name, so a power loss keeps it
  }

  /** At shutdown, after the last asynchronous save. */
  saveSync(p: TimerProgress): void {
    this.io.mkdirp(join(this.path, '..'));
    this.io.writeFileAtomic(this.path, JSON.stringify(p, null, 2));
  }
}
