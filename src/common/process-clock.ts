// Milliseconds since this module was loaded, from Date.now() (so it steps with the wall clock
// as the deadlines it replaces did). Why: an epoch millisecond value is past 2^31, so storing it
// in an object field makes a heap number (16 B) per store into a new object; these small values
// stay small integers for ~24 days of uptime, and past that they are only boxed, not wrong.
const BASE_MS = Date.now();

export function processMs(): number {
  return Date.now() - BASE_MS;
}
