// Java .properties parser for broker.conf / namesrv.conf, following java.util.Properties#load:
// `key=value`, `key: value` and `key value`; `#` and `!` comment lines; a line ending in an odd
// number of backslashes continues on the next line (its leading whitespace dropped); escapes
// \t \n \r \f \uXXXX, and `\x` for any other x. Unlike Java we keep the line number of every
// entry so config errors can say where they come from, and a malformed \u escape is an error that
// names the line instead of an IllegalArgumentException.
import { ConfigError } from './errors.js';

export interface PropertyEntry {
  readonly key: string;
  readonly value: string;
  /** 1-based number of the (first) natural line the entry starts on. */
  readonly line: number;
}

const WHITESPACE = new Set([' ', '\t', '\f']);

/** Entries in file order; a key repeated later appears twice (Java keeps the last). */
export function parseProperties(text: string, fileName = '<properties>'): PropertyEntry[] {
  const lines = text.split(/\r\n|\r|\n/);
  const entries: PropertyEntry[] = [];
  let i = 0;
  while (i < lines.length) {
    const startLine = i + 1;
    let logical = stripLeadingWhitespace(lines[i] ?? '');
    i++;
    if (logical === '' || logical.startsWith('#') || logical.startsWith('!')) continue;
    while (endsWithContinuation(logical) && i < lines.length) {
      logical = logical.slice(0, -1) + stripLeadingWhitespace(lines[i] ?? '');
      i++;
    }
    // A continuation on the very last line is dropped, as Java does.
    if (endsWithContinuation(logical)) logical = logical.slice(0, -1);
    entries.push(splitEntry(logical, startLine, fileName));
  }
  return entries;
}

function stripLeadingWhitespace(s: string): string {
  let k = 0;
  while (k < s.length && WHITESPACE.has(s.charAt(k))) k++;
  return s.slice(k);
}

function endsWithContinuation(s: string): boolean {
  let n = 0;
  for (let k = s.length - 1; k >= 0 && s.charAt(k) === '\\'; k--) n++;
  return n % 2 === 1;
}

function splitEntry(logical: string, line: number, fileName: string): PropertyEntry {
  let k = 0;
  let keyEnd = logical.length;
  let valueStart = logical.length;
  while (k < logical.length) {
    const c = logical.charAt(k);
    if (c === '\\') {
      k += 2;
      continue;
    }
    if (c === '=' || c === ':' || WHITESPACE.has(c)) {
      keyEnd = k;
      valueStart = skipSeparator(logical, k);
      break;
    }
    k++;
  }
  const key = decodeEscapes(logical.slice(0, keyEnd), line, fileName);
  const value = decodeEscapes(logical.slice(valueStart), line, fileName);
  return { key, value, line };
}

/** Whitespace, then at most one `=` or `:`, then whitespace. */
function skipSeparator(s: string, k: number): number {
  while (k < s.length && WHITESPACE.has(s.charAt(k))) k++;
  if (k < s.length && (s.charAt(k) === '=' || s.charAt(k) === ':')) k++;
  while (k < s.length && WHITESPACE.has(s.charAt(k))) k++;
  return k;
}

const SIMPLE_ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function decodeEscapes(s: string, line: number, fileName: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let k = 0; k < s.length; k++) {
    const c = s.charAt(k);
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = s.charAt(k + 1);
    k++;
    if (next === 'u') {
      const hex = s.slice(k + 1, k + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
        throw new ConfigError(
          `${fileName}:${line}: malformed \\uXXXX escape "\\u${hex}"; write four hex digits`,
        );
      }
      out += String.fromCharCode(Number.parseInt(hex, 16));
      k += 4;
    } else {
      out += SIMPLE_ESCAPES[next] ?? next;
    }
  }
  return out;
}
