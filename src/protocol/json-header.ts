// JSON.parse for RemotingCommand headers without losing 64-bit integers. A client that writes a
// Java long as a JSON number (9223372036854775807) would get it back from JSON.parse as the
// nearest double, 9223372036854775808: out of the long range, or a different offset. Integer
// literals of 16 digits or more (2^53 has 16) are turned into strings before parsing, so the
// extFields value is the text the client sent; shorter numbers stay numbers.
const LONG_DIGITS = /\d{16}/;

export function parseHeaderJson(text: string): unknown {
  // Fast path: no run of 16 digits anywhere, so there is no big number to protect.
  if (!LONG_DIGITS.test(text)) return JSON.parse(text);
  return JSON.parse(quoteBigIntegers(text));
}

/** The same JSON text with every integer literal of 16+ digits written as a string. */
export function quoteBigIntegers(text: string): string {
  let out = '';
  let copied = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      i = skipString(text, i + 1);
      continue;
    }
    if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      const start = i;
      if (c === 0x2d) i++;
      const digitsFrom = i;
      while (i < n && isDigit(text.charCodeAt(i))) i++;
      const digits = i - digitsFrom;
      const next = i < n ? text.charCodeAt(i) : -1;
      const isInteger = next !== 0x2e /* . */ && next !== 0x65 /* e */ && next !== 0x45; /* E */
      if (isInteger && digits >= 16) {
        out += `${text.slice(copied, start)}"${text.slice(start, i)}"`;
        copied = i;
      }
      // A fraction or exponent: the rest of the literal is skipped as ordinary characters.
      continue;
    }
    i++;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Index just past the closing quote of the string whose body starts at i (or the text's end). */
function skipString(text: string, i: number): number {
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x5c /* \ */) i += 2;
    else if (c === 0x22) return i + 1;
    else i++;
  }
  return n;
}
