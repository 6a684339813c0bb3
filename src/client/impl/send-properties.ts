// The properties string of one send, written straight from the message: the same string as
// encodeProperties() of Producer#properties's object ({...msg.properties, WAIT, UNIQ_KEY} then
// TAGS, KEYS, DELAY), without that object. A property the application set under one of those
// names keeps its place and takes the producer's value, as the object's spread-then-assign did.
import { MessageConst } from '../../message/message.js';
import { NAME_VALUE_SEPARATOR, PROPERTY_SEPARATOR } from '../../message/properties-codec.js';
import type { Message } from '../producer-types.js';

const WAIT_TRUE = `${MessageConst.WAIT}${NAME_VALUE_SEPARATOR}true${PROPERTY_SEPARATOR}`;
const UNIQ_PREFIX = MessageConst.UNIQ_KEY + NAME_VALUE_SEPARATOR;

function keysOf(msg: Message): string | undefined {
  if (!msg.keys) return undefined;
  return Array.isArray(msg.keys) ? msg.keys.join(' ') : msg.keys;
}

function entry(k: string, v: string): string {
  return k + NAME_VALUE_SEPARATOR + v + PROPERTY_SEPARATOR;
}

/**
 * For a message without properties of its own (the common shape), the properties string is
 * SEND_PROPERTIES_HEAD + uniqKey + sendPropertiesTail(msg): the send writes the three pieces out
 * without joining them (send-request-frame.ts).
 */
export const SEND_PROPERTIES_HEAD = WAIT_TRUE + UNIQ_PREFIX;

/** What follows the unique key when msg has no properties of its own (undefined otherwise). */
export function sendPropertiesTail(msg: Message): string | undefined {
  if (msg.properties !== undefined) return undefined;
  let out = PROPERTY_SEPARATOR;
  if (msg.tags) out += entry(MessageConst.TAGS, msg.tags);
  const keys = keysOf(msg);
  if (keys !== undefined) out += entry(MessageConst.KEYS, keys);
  if (msg.delayTimeLevel) out += entry(MessageConst.DELAY, String(msg.delayTimeLevel));
  return out;
}

export function sendPropertiesString(msg: Message, uniqKey: string): string {
  const own = msg.properties;
  const tail = sendPropertiesTail(msg);
  if (own === undefined) return SEND_PROPERTIES_HEAD + uniqKey + tail;
  const keys = keysOf(msg);
  const delay = msg.delayTimeLevel ? String(msg.delayTimeLevel) : undefined;
  const set: Record<string, string | undefined> = {
    [MessageConst.WAIT]: 'true',
    [MessageConst.UNIQ_KEY]: uniqKey,
    [MessageConst.TAGS]: msg.tags || undefined,
    [MessageConst.KEYS]: keys,
    [MessageConst.DELAY]: delay,
  };
  let out = '';
  let written = 0; // bit per name of `set` already placed where the application had it
  for (const k in own) {
    if (!Object.hasOwn(own, k)) continue;
    const mine = Object.hasOwn(set, k) ? set[k] : undefined;
    if (mine !== undefined) {
      written |= bitOf(k);
      out += entry(k, mine);
      continue;
    }
    const v = own[k];
    if (v !== undefined && v !== null) out += entry(k, v);
  }
  for (const k in set) {
    const v = set[k];
    if (v !== undefined && (written & bitOf(k)) === 0) out += entry(k, v);
  }
  return out;
}

function bitOf(k: string): number {
  switch (k) {
    case MessageConst.WAIT:
      return 1;
    case MessageConst.UNIQ_KEY:
      return 2;
    case MessageConst.TAGS:
      return 4;
    case MessageConst.KEYS:
      return 8;
    default:
      return 16;
  }
}
