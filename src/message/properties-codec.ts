// The properties string: name U+0001 value U+0002, repeated
// (MessageDecoder#messageProperties2String and #string2messageProperties). Java's parser drops
// entries with an empty name or value and keeps the last of duplicated names; we do the same so
// both sides agree on what was sent.
export const NAME_VALUE_SEPARATOR = '\u0001';
export const PROPERTY_SEPARATOR = '\u0002';

export function encodeProperties(props: Record<string, string | undefined>): string {
  let out = '';
  // for-in, not Object.entries: no [key, value] array per property on every send and store.
  for (const k in props) {
    if (!Object.hasOwn(props, k)) continue;
    const v = props[k];
    if (v === undefined || v === null) continue;
    out += k + NAME_VALUE_SEPARATOR + v + PROPERTY_SEPARATOR;
  }
  return out;
}

export function decodeProperties(s: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!s) return out;
  // indexOf over the string instead of split(): no array of items per message.
  const n = s.length;
  for (let i = 0; i < n; ) {
    let end = s.indexOf(PROPERTY_SEPARATOR, i);
    if (end < 0) end = n;
    const sep = s.indexOf(NAME_VALUE_SEPARATOR, i);
    if (sep > i && sep < end - 1) out[s.slice(i, sep)] = s.slice(sep + 1, end);
    i = end + 1;
  }
  return out;
}

/** A message's properties with the string they encode to, kept to skip re-encoding on a put. */
export interface EncodedProperties {
  /** The map `text` encodes; a copy or another map is encoded afresh. */
  readonly of: Readonly<Record<string, string>>;
  readonly text: string;
}

/**
 * decodeProperties, and whether encodeProperties of the map gives `s` back byte for byte: every
 * entry kept and ended by PROPERTY_SEPARATOR, no name twice, and no name an object would reorder
 * (integer-like names go first in a JavaScript object) or treat apart (__proto__).
 */
export function decodePropertiesExact(s: string | undefined): {
  props: Record<string, string>;
  exact: boolean;
} {
  const props: Record<string, string> = {};
  if (!s) return { props, exact: true };
  let exact = true;
  const n = s.length;
  for (let i = 0; i < n; ) {
    let end = s.indexOf(PROPERTY_SEPARATOR, i);
    if (end < 0) {
      end = n;
      exact = false;
    }
    const sep = s.indexOf(NAME_VALUE_SEPARATOR, i);
    if (sep > i && sep < end - 1) {
      const name = s.slice(i, sep);
      if (exact && (Object.hasOwn(props, name) || !plainName(name))) exact = false;
      props[name] = s.slice(sep + 1, end);
    } else {
      exact = false;
    }
    i = end + 1;
  }
  return { props, exact };
}

function plainName(name: string): boolean {
  const c = name.charCodeAt(0);
  return !(c >= 0x30 && c <= 0x39) && name !== '__proto__';
}
