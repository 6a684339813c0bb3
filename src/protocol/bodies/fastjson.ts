// What the admin bodies share about fastjson 1.2's output (RocketMQ's RemotingSerializable):
// a Java double keeps its point or goes to E notation as Double.toString does, a map keyed by
// MessageQueue has the key object itself in key position (not JSON), and a body that does not
// parse is the caller's ProtocolError, never a SyntaxError reaching the remoting layer.
import { ProtocolError } from '../../common/errors.js';
import type { MessageQueueKey } from './offset-table.js';

/**
 * Double.toString: plain decimal in [1e-3, 1e7) with at least one fraction digit (0 → "0.0"),
 * otherwise the shortest mantissa with ".0" if whole and an "E" exponent (1.0E7, 1.5E-4).
 */
export function javaDouble(n: number): string {
  if (!Number.isFinite(n)) return 'null'; // fastjson writes NaN and the infinities as null
  const abs = Math.abs(n);
  if (abs === 0 || (abs >= 1e-3 && abs < 1e7)) return Number.isInteger(n) ? n.toFixed(1) : `${n}`;
  const [mantissa = '0', exponent = '0'] = n.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/** JSON.parse of a whole body into an object, or a ProtocolError naming the body. */
export function parseObject(
  body: Buffer | string | undefined,
  what: string,
): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(typeof body === 'string' ? body : (body?.toString('utf8') ?? ''));
  } catch (err) {
    throw new ProtocolError(`${what} body does not parse: ${(err as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new ProtocolError(`${what} body is not a JSON object`);
  }
  return v as Record<string, unknown>;
}

// A MessageQueue in key position, fields in fastjson's order; a JSON value is never followed by
// ':', so only keys match.
const MQ_KEY =
  /\{"brokerName":("(?:[^"\\]|\\.)*"),"queueId":(-?\d+),"topic":("(?:[^"\\]|\\.)*")\}:/g;
const SEP = '\u0000';

/**
 * Rewrites each MessageQueue object key into a string key (see messageQueueOfKey), so the body
 * becomes JSON that JSON.parse reads.
 */
export function quoteMessageQueueKeys(text: string): string {
  const str = (literal: string): string => {
    try {
      return JSON.parse(literal) as string;
    } catch (err) {
      throw new ProtocolError(`a MessageQueue key does not parse: ${(err as Error).message}`);
    }
  };
  return text.replace(
    MQ_KEY,
    (_, b: string, q: string, t: string) => `${JSON.stringify([str(b), q, str(t)].join(SEP))}:`,
  );
}

/** The MessageQueue a quoted key stands for; a key that was not one is a ProtocolError. */
export function messageQueueOfKey(key: string, what: string): MessageQueueKey {
  const parts = key.split(SEP);
  if (parts.length !== 3) throw new ProtocolError(`${what}: map key ${key} is not a MessageQueue`);
  const [brokerName, queueId, topic] = parts as [string, string, string];
  return { topic, brokerName, queueId: Number(queueId) };
}

/** A field that must be an object (a map or a nested bean), or a ProtocolError. */
export function objectField(o: Record<string, unknown>, field: string, what: string) {
  const v = o[field];
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) {
    throw new ProtocolError(`${what} body: ${field} is not an object`);
  }
  return v as Record<string, unknown>;
}

/** A long or double field as a number (fastjson never quotes them); absent is 0. */
export function numberField(o: Record<string, unknown>, field: string, what: string): number {
  const v = o[field] ?? 0;
  if (typeof v !== 'number') throw new ProtocolError(`${what} body: ${field} is not a number`);
  return v;
}
