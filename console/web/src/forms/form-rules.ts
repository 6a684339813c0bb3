// The checks the console server makes on every write (docs/console-api.md, input errors), run in
// the browser first so a bad field is named before anything is sent. The server checks again and
// stays the authority: its `problems` lines are shown the same way. Bounds come from the one
// place they live (src/common/limits.ts); RocketMQ's TopicValidator gives the name rule.
import {
  GROUP_MAX_LENGTH,
  TOPIC_MAX_LENGTH,
  TOPIC_QUEUE_NUMS_MAX,
} from '../../../../src/common/limits.js';

export { TOPIC_QUEUE_NUMS_MAX };

/** Levels of the broker's default messageDelayLevel (1s 5s 10s … 2h). */
export const DELAY_LEVEL_COUNT = 18;
/** Clock skew tolerated between this browser and the console server. */
export const CLOCK_SKEW_MS = 60_000;

const LEGAL_CHAR = /[%|a-zA-Z0-9_-]/;

/** One refused field: a key of the forms i18n table and the values its template names. */
export interface Problem {
  key:
    | 'nameBlank'
    | 'nameTooLong'
    | 'nameIllegalChar'
    | 'queueNums'
    | 'timeFuture'
    | 'timeNegative'
    | 'timeMissing'
    | 'delayLevel'
    | 'deliverPast'
    | 'intRange';
  values: Record<string, string | number>;
}

export function checkName(
  field: string,
  name: string,
  kind: 'topic' | 'group',
): Problem | undefined {
  if (name.trim() === '') return { key: 'nameBlank', values: { field } };
  const max = kind === 'topic' ? TOPIC_MAX_LENGTH : GROUP_MAX_LENGTH;
  if (name.length > max) return { key: 'nameTooLong', values: { field, max, n: name.length } };
  const bad = [...name].find((ch) => !LEGAL_CHAR.test(ch));
  if (bad !== undefined) return { key: 'nameIllegalChar', values: { field, ch: bad } };
  return undefined;
}

/** Integers min…max; 0, negatives, fractions and NaN (an emptied number box) are refused. */
export function checkInt(field: string, n: number, min: number, max: number): Problem | undefined {
  if (Number.isInteger(n) && n >= min && n <= max) return undefined;
  return { key: 'intRange', values: { field, value: String(n), min, max } };
}

export function checkQueueNums(field: string, n: number): Problem | undefined {
  const p = checkInt(field, n, 1, TOPIC_QUEUE_NUMS_MAX);
  return p && { key: 'queueNums', values: p.values };
}

/** A reset time: a number of ms, not before 0, not ahead of now beyond the skew. */
export function checkResetTime(ms: number, nowMs: number): Problem | undefined {
  if (!Number.isFinite(ms)) return { key: 'timeMissing', values: {} };
  if (ms < 0) return { key: 'timeNegative', values: {} };
  if (ms > nowMs + CLOCK_SKEW_MS) return { key: 'timeFuture', values: {} };
  return undefined;
}

export function checkDelivery(
  d: { delayLevel?: number; deliverTimeMs?: number },
  nowMs: number,
): Problem | undefined {
  if (d.delayLevel !== undefined) {
    const p = checkInt('delayLevel', d.delayLevel, 1, DELAY_LEVEL_COUNT);
    if (p) return { key: 'delayLevel', values: { max: DELAY_LEVEL_COUNT } };
  }
  if (d.deliverTimeMs !== undefined) {
    if (!Number.isFinite(d.deliverTimeMs)) return { key: 'timeMissing', values: {} };
    if (d.deliverTimeMs < nowMs - CLOCK_SKEW_MS) return { key: 'deliverPast', values: {} };
  }
  return undefined;
}

export function problemsOf(...checks: (Problem | undefined)[]): Problem[] {
  return checks.filter((p): p is Problem => p !== undefined);
}

/** A datetime-local value (browser's zone) as ms; NaN when empty or malformed. */
export function localTimeMs(value: string): number {
  return value === '' ? Number.NaN : new Date(value).getTime();
}

/** ms as a datetime-local value with seconds, in the browser's zone. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  const date = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
  return `${date}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
