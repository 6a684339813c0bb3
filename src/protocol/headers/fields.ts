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

/** Integers that fit a JS number exactly: Java int and long both go through here. */
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

function parseIntField(key: string, v: string): number {
  const n = Number(v);
  // Decimal only, as Long.parseLong reads it: Number() alone would take "0x10", "1e3", " 5".
  if (!/^[+-]?\d+$/.test(v) || !Number.isSafeInteger(n)) invalid(key, v, 'an integer');
  return n;
}
