// A message body three ways: as the text it decodes to, as indented JSON, and as a hex dump
// (offset, 16 bytes, their printable ASCII) for bodies that are not text. Pure, so tested alone.

export const BODY_VIEWS = ['text', 'json', 'hex'] as const;
export type BodyView = (typeof BODY_VIEWS)[number];

const BYTES_PER_LINE = 16;
/** A dump this long is already past what anyone reads in a drawer; the rest is cut. */
export const HEX_DUMP_MAX_BYTES = 64 * 1024;

export function base64Bytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const printable = (b: number): string => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.');

export function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  const end = Math.min(bytes.length, HEX_DUMP_MAX_BYTES);
  for (let at = 0; at < end; at += BYTES_PER_LINE) {
    const row = bytes.subarray(at, Math.min(at + BYTES_PER_LINE, end));
    const hex = Array.from(row, (b) => b.toString(16).padStart(2, '0')).join(' ');
    const text = Array.from(row, printable).join('');
    lines.push(
      `${at.toString(16).padStart(8, '0')}  ${hex.padEnd(BYTES_PER_LINE * 3 - 1)}  ${text}`,
    );
  }
  if (bytes.length > end) lines.push(`… ${bytes.length - end} more bytes`);
  return lines.join('\n');
}

/** The server says whether the text parses; a body that does not is shown as it is. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** Which view to open first: JSON when it is JSON, text when it is text, else hex. */
export function defaultView(m: { bodyText: string | null; bodyJson: boolean }): BodyView {
  if (m.bodyJson) return 'json';
  return m.bodyText === null ? 'hex' : 'text';
}

export function bodyAs(
  view: BodyView,
  m: { bodyBase64: string; bodyText: string | null },
): string | null {
  if (view === 'hex') return hexDump(base64Bytes(m.bodyBase64));
  if (m.bodyText === null) return null;
  return view === 'json' ? prettyJson(m.bodyText) : m.bodyText;
}
