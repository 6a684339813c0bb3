// What the timer store's parts share: the store facade they read and put through (the delay
// levels' RedeliveryStore plus record reads), the timer
// log and wheel, the progress kept in config/timerCheckpoint.json, the clock, and the slot
// arithmetic. A slot of time S holds the units due in (S - precision, S]; a unit due later than
// its slot (dueMs > slotMs) is a roll: it is put back to rmq_sys_wheel_timer when its slot comes.
import type { Logger } from '../../common/logger.js';
import type { MessageStore } from '../../store/message-store.js';
import { queueKey, type RedeliveryStore } from '../copy-recovery.js';
import type { TimerInflight } from './timer-checkpoint.js';
import type { TimerLog } from './timer-log.js';
import type { TimerWheel } from './timer-wheel.js';

export type TimerStore = RedeliveryStore & Pick<MessageStore, 'getRecordBytes'>;

export interface TimerState {
  /** Next rmq_sys_wheel_timer offset to enqueue. */
  queueOffset: number;
  /** Every slot before it is delivered; it only moves forward. */
  cursorMs: number;
  /** Next unit of the opened cursor slot (NO_POS: its chain is done); null: not opened. */
  chainPos: number | null;
  inflight: TimerInflight | null;
  /**
   * What the log and wheel files hold for sure (both written and fdatasynced): rmq_sys_wheel_timer
   * below queueOffset is in the timer log below logEnd. The checkpoint records this, not the
   * offset and log end in memory, which run ahead of the files while a write is failing.
   */
  durable: { queueOffset: number; logEnd: number };
  /** Timer-log segment start → the latest slot any of its units is in. */
  readonly segments: Map<number, number>;
}

export interface TimerContext {
  readonly store: TimerStore;
  readonly tlog: TimerLog;
  readonly wheel: TimerWheel;
  readonly state: TimerState;
  readonly log: Logger;
  readonly now: () => number;
  readonly precisionMs: number;
  /** Writes config/timerCheckpoint.json from the state (after the log and wheel are flushed). */
  readonly save: () => Promise<void>;
  /** Told of each message put back to its real queue: how long after its due time. */
  readonly onDelivered?: (latenessMs: number) => void;
}

/** The slot a time falls in: the first multiple of the precision at or after it. */
export function slotOf(timeMs: number, precisionMs: number): number {
  return Math.ceil(timeMs / precisionMs) * precisionMs;
}

export { queueKey };
