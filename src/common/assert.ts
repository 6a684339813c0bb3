// Assertions guard our own invariants; a failure is a bug and must stop the process before it
// can corrupt data. Errors from the outside world use KiteError instead.
export class AssertionError extends Error {
  override name = 'AssertionError';
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

export function assertNever(value: never, message = 'unexpected value'): never {
  throw new AssertionError(`${message}: ${String(value)}`);
}
