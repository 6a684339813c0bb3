// extFields ("custom header", spec part 1 §1.6): a plain object of string values, whichever
// header serialization it came in.
export type ExtFields = Record<string, string>;

/** `out[k] = v`, except that a key named __proto__ becomes a field instead of a prototype. */
export function setField(out: ExtFields, k: string, v: string): void {
  if (k === '__proto__') {
    Object.defineProperty(out, k, {
      value: v,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    out[k] = v;
  }
}
