// Typed reads of extFields. Values arrive as strings (Java) or were coerced from JSON numbers and
// booleans (ali-ons). A missing required field is answered with a remark naming it, where Java
// would fail later with a NullPointerException.
import { RequestValidationError } from '../../common/errors.js';
import type { ExtFields } from '../remoting-command.js';
import { ResponseCode } from '../response-code.js';

function missing(key: string): never {
  throw new RequestValidationError(
    ResponseCode.SYSTEM_ERROR,
    `the request header field '${key}' is missing; check the client version`,
  );
}

function invalid(key: string, value: string, want: string): never {
  throw new RequestValidationError(
    ResponseCode.SYSTEM_ERROR,
    `the request header field '${key}' must be ${want}, got '${value}'`,
  );
}

export function reqString(ext: ExtFields, key: string): string {
  const v = ext[key];
  if (v === undefined) missing(key);
  return v;
}

export function optString(ext: ExtFields, key: string): string | undefined {
  return ext[key];
}

/** Java int fields, and long fields whose values always fit a JS number (queue ids, flags). */
export function reqInt(ext: ExtFields, key: string): number {
  const v = ext[key];
  if (v === undefined) missing(key);
  return parseIntField(key, v);
}

export function optInt(ext: ExtFields, key: string, dflt: number): number;
export function optInt(ext: ExtFields, key: string): number | undefined;
export function optInt(ext: ExtFields, key: string, dflt?: number): number | undefined {
  const v = ext[key];
  if (v === undefined || v === '' || v === 'null') return dflt;
  return parseIntField(key, v);
}

export function optBool(ext: ExtFields, key: string, dflt: boolean): boolean {
  const v = ext[key];
  if (v === undefined || v === '') return dflt;
  // Boolean.parseBoolean ignores case.
  const lower = v.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  return invalid(key, v, 'true or false');
}

export const JAVA_LONG_MAX = 2n ** 63n - 1n;
export const JAVA_LONG_MIN = -(2n ** 63n);

/** A Java long field exactly, over its whole range: what Long.parseLong accepts. */
export function reqLongExact(ext: ExtFields, key: string): bigint {
  const v = ext[key];
  if (v === undefined) missing(key);
  return parseLongField(key, v);
}

/**
 * A Java long field (timestamp, offset, id) as a number. Clients send the whole range, e.g.
 * endTimestamp=Long.MAX_VALUE for "no upper bound", so nothing in range is refused; beyond
 * ±(2^53 - 1) the value saturates. Every offset, timestamp and id this broker holds is far inside
 * that bound, so a saturated value compares with them exactly as the real one would.
 */
export function reqLong(ext: ExtFields, key: string): number {
  const v = ext[key];
  if (v === undefined) missing(key);
  return parseLongNumber(key, v);
}

export function optLong(ext: ExtFields, key: string, dflt: number): number;
export function optLong(ext: ExtFields, key: string): number | undefined;
export function optLong(ext: ExtFields, key: string, dflt?: number): number | undefined {
  const v = ext[key];
  if (v === undefined || v === '' || v === 'null') return dflt;
  return parseLongNumber(key, v);
}

function parseLongNumber(key: string, v: string): number {
  // Up to 15 digits is always safe: no BigInt on the send and pull paths.
  if (/^[+-]?\d{1,15}$/.test(v)) return Number(v);
  const n = parseLongField(key, v);
  if (n > MAX_SAFE) return Number.MAX_SAFE_INTEGER;
  if (n < -MAX_SAFE) return -Number.MAX_SAFE_INTEGER;
  return Number(n);
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function parseLongField(key: string, v: string): bigint {
  if (!/^[+-]?\d+$/.test(v)) invalid(key, v, 'an integer (a Java long)');
  const n = BigInt(v);
  if (n > JAVA_LONG_MAX || n < JAVA_LONG_MIN) {
    invalid(key, v, `a Java long, within ${JAVA_LONG_MIN}..${JAVA_LONG_MAX}`);
  }
  return n;
}

function parseIntField(key: string, v: string): number {
  const n = Number(v);
  // Decimal only, as Long.parseLong reads it: Number() alone would take "0x10", "1e3", " 5".
  if (!/^[+-]?\d+$/.test(v) || !Number.isSafeInteger(n)) invalid(key, v, 'an integer');
  return n;
}
