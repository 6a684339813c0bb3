// The input rules of every console write (docs/console-api.md, "Input validation"). Each check
// adds one line naming the field and what is wrong with it; done() throws them all at once as a
// 400 BAD_REQUEST with `problems`. Routes run it before any broker call, so a refused write has
// changed nothing. Names use the broker's own rule (broker/topic-validator.ts), so the console
// never lets through a name the broker would refuse, nor refuses one it would take.
import type { FastifySchemaValidationError } from 'fastify';
import { isSystemGroup } from '../broker/metrics/names.js';
import { isSystemTopic, validateGroup, validateTopic } from '../broker/topic-validator.js';
import { TOPIC_QUEUE_NUMS_MAX } from '../common/limits.js';
import { DEFAULT_MESSAGE_DELAY_LEVEL, parseMessageDelayLevel } from '../message/delay-level.js';
import { DLQ_GROUP_TOPIC_PREFIX, RETRY_GROUP_TOPIC_PREFIX } from '../message/system-topics.js';
import { ConsoleError } from './errors.js';

/** Clocks of the browser, the console and the brokers differ a little; this much is allowed. */
export const CONSOLE_CLOCK_SKEW_MS = 60_000;
/** The console cannot see each broker's messageDelayLevel; RocketMQ's default has 18 levels. */
export const CONSOLE_DELAY_LEVELS = parseMessageDelayLevel(DEFAULT_MESSAGE_DELAY_LEVEL).length;
export const PERMS: readonly number[] = [2, 4, 6];

const ILLEGAL_NAME_CHAR = /[^%|a-zA-Z0-9_-]/;

function nameLine(field: string, value: string, remark: string): string {
  const bad = ILLEGAL_NAME_CHAR.exec(value)?.[0];
  if (bad !== undefined && value.trim() !== '') {
    return (
      `${field}: '${value}' has the illegal character ${JSON.stringify(bad)}; ` +
      'only letters, digits and % | _ - are allowed'
    );
  }
  return `${field}: ${remark}`;
}

export class InputCheck {
  private readonly lines: string[] = [];
  private readonly nowMs: number;

  constructor(nowMs: number = Date.now()) {
    this.nowMs = nowMs;
  }

  get problems(): readonly string[] {
    return this.lines;
  }

  add(line: string): this {
    this.lines.push(line);
    return this;
  }

  /** `create`: a name the user makes up, so system names are refused too. */
  topic(field: string, value: unknown, o: { create?: boolean } = {}): this {
    if (typeof value !== 'string') return this.add(`${field}: a topic name is required`);
    const remark = validateTopic(value);
    if (remark) return this.add(nameLine(field, value, remark));
    const retryOrDlq =
      value.startsWith(RETRY_GROUP_TOPIC_PREFIX) || value.startsWith(DLQ_GROUP_TOPIC_PREFIX);
    if (o.create && (isSystemTopic(value) || retryOrDlq)) {
      this.add(`${field}: ${value} is a system topic name; choose another`);
    }
    return this;
  }

  group(field: string, value: unknown, o: { create?: boolean } = {}): this {
    if (typeof value !== 'string') return this.add(`${field}: a group name is required`);
    const remark = validateGroup(value);
    if (remark) return this.add(nameLine(field, value, remark));
    if (o.create && isSystemGroup(value)) {
      this.add(`${field}: ${value} is a system group name; choose another`);
    }
    return this;
  }

  /** An integer in [min, max]; undefined passes (the field is optional). */
  int(field: string, value: unknown, min: number, max: number): this {
    if (value === undefined) return this;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      return this.add(`${field}: ${JSON.stringify(value)} is not a whole number`);
    }
    if (value < min || value > max) {
      return this.add(`${field}: ${value} is outside ${min}…${max}`);
    }
    return this;
  }

  queueNums(field: string, value: unknown): this {
    return this.int(field, value, 1, TOPIC_QUEUE_NUMS_MAX);
  }

  perm(field: string, value: unknown): this {
    if (value === undefined || PERMS.includes(value as number)) return this;
    return this.add(
      `${field}: ${JSON.stringify(value)} is not one of 2 (write), 4 (read), 6 (both)`,
    );
  }

  /** A reset's target time (ms): not before 0, not in the future beyond the skew allowed. */
  resetTimestamp(field: string, value: unknown): this {
    if (value === undefined) return this.add(`${field}: a time in ms since the epoch is required`);
    const before = this.lines.length;
    this.int(field, value, 0, Number.MAX_SAFE_INTEGER);
    if (this.lines.length > before) return this;
    const ahead = (value as number) - this.nowMs;
    if (ahead > CONSOLE_CLOCK_SKEW_MS) {
      this.add(
        `${field}: ${value} is ${Math.ceil(ahead / 1000)} s in the future; pick a past time`,
      );
    }
    return this;
  }

  delayLevel(field: string, value: unknown): this {
    return this.int(field, value, 1, CONSOLE_DELAY_LEVELS);
  }

  /** A timer message's delivery time: the past (beyond the skew) would deliver at once. */
  deliverTime(field: string, value: unknown): this {
    if (value === undefined) return this;
    const before = this.lines.length;
    this.int(field, value, 0, Number.MAX_SAFE_INTEGER);
    if (this.lines.length > before) return this;
    const late = this.nowMs - (value as number);
    if (late > CONSOLE_CLOCK_SKEW_MS) {
      this.add(
        `${field}: ${value} is ${Math.floor(late / 1000)} s in the past; pick a future time`,
      );
    }
    return this;
  }

  /** Throws every line collected as one 400; returns when there is none. */
  done(): void {
    if (this.lines.length === 0) return;
    throw inputError(this.lines);
  }
}

export function inputError(problems: readonly string[]): ConsoleError {
  const n = problems.length;
  return new ConsoleError('BAD_REQUEST', `${n} input problem${n > 1 ? 's' : ''}: ${problems[0]}`, {
    problems,
  });
}

/** Fastify's schema errors (wrong types, missing fields) in the same shape as InputCheck's. */
export function schemaError(errors: readonly FastifySchemaValidationError[]): ConsoleError {
  const lines = errors.map((e) => {
    const missing = e.params.missingProperty;
    const field =
      typeof missing === 'string'
        ? [e.instancePath.slice(1), missing].filter(Boolean).join('.')
        : e.instancePath.slice(1).replaceAll('/', '.') || 'body';
    return typeof missing === 'string' ? `${field}: is required` : `${field}: ${e.message}`;
  });
  return inputError(lines.length > 0 ? lines : ['the request does not fit the endpoint']);
}
