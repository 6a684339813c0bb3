// Waiting for a condition instead of sleeping: read a value until it looks done or a generous
// deadline passes, then hand back the last value read, so the caller's expect() shows what was
// there (a diff) rather than a bare timeout. Timing never decides a result, only how long to look.

/** Reads get() every intervalMs until done(value) or timeoutMs; resolves the last value read. */
export async function pollUntil<T>(
  get: () => Promise<T> | T,
  done: (value: T) => boolean,
  timeoutMs: number,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await get();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, intervalMs));
    value = await get();
  }
  return value;
}
