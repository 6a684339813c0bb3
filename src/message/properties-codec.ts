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
