// Delay levels (MessageStoreConfig#messageDelayLevel, ScheduleMessageService#parseDelayLevel):
// "1s 5s 10s …" names the delay of level 1, 2, 3 …; a message whose DELAY property is a level > 0
// is parked in SCHEDULE_TOPIC_XXXX, queue level-1, until storeTimestamp + delay. Pure functions,
// shared by the broker's schedule service and by whoever builds the schedule consume queue (its
// tagsCode is the delivery time, CommitLog#checkMessageAndReturnSize).
import { assert } from '../common/assert.js';

export { SCHEDULE_TOPIC } from './system-topics.js';

/** RocketMQ's default messageDelayLevel. */
export const DEFAULT_MESSAGE_DELAY_LEVEL =
  '1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h';

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const LEVEL = /^(\d+)([smhd])$/;

/** One level's delay, or an error naming the token. */
export function parseDelayToken(token: string): number | string {
  const m = LEVEL.exec(token);
  if (!m) return `'${token}' is not <number><s|m|h|d>`;
  const ms = Number(m[1]) * UNIT_MS[m[2]!]!;
  if (!Number.isSafeInteger(ms)) return `'${token}' is too long`;
  return ms;
}

/**
 * Delay per level, in ms: result[0] is level 1. Whitespace-separated tokens; throws on a bad one
 * (the config schema validates the key first, so a throw here is a bug in the caller).
 */
export function parseMessageDelayLevel(text: string): readonly number[] {
  const tokens = text.trim().split(/\s+/);
  const out = tokens.map((t) => {
    const ms = parseDelayToken(t);
    if (typeof ms === 'string') throw new Error(`messageDelayLevel: ${ms}`);
    return ms;
  });
  assert(out.length > 0, 'split always yields a token');
  return Object.freeze(out);
}

const INT32_MAX = 0x7fffffff;

/**
 * A DELAY property as the level the store uses: 0 = no delay (absent, 0 or negative), above the
 * highest level → the highest (HookUtils#transformDelayLevelMessage). Java reads it with
 * Integer.parseInt and fails the request on anything else; a string here says what is wrong.
 */
export function effectiveDelayLevel(
  property: string | undefined,
  levels: readonly number[],
): number | string {
  if (property === undefined) return 0;
  const level = Number(property);
  if (!/^[+-]?\d+$/.test(property) || level > INT32_MAX || level < -INT32_MAX - 1) {
    return `the DELAY property '${property}' is not an integer delay level`;
  }
  if (level <= 0) return 0;
  return Math.min(level, levels.length);
}

export function delayLevelToQueueId(level: number): number {
  return level - 1;
}

export function queueIdToDelayLevel(queueId: number): number {
  return queueId + 1;
}

/** ScheduleMessageService#computeDeliverTimestamp: an unknown level waits one second. */
export function computeDeliverTimestamp(
  levels: readonly number[],
  level: number,
  storeTimestampMs: number,
): number {
  const delayMs = levels[level - 1];
  return storeTimestampMs + (delayMs ?? 1_000);
}
