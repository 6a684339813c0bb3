// Failed logins per (user name, client address): after CONSOLE_LOGIN_MAX_FAILURES within
// CONSOLE_LOGIN_FAILURE_WINDOW_MS, that pair is refused until the window that began with its first
// attempt has passed, whatever password it sends, so guessing costs a window per few tries.
// Attempts still being checked count too, or a burst sent at once would all get through. The
// pair, not the name alone, is counted: a stranger cannot lock the admin out from elsewhere. The
// table is bounded: entries expire with their window, and when it is full the oldest goes, so a
// flood of made-up names costs memory up to the cap and no more.

/** RocketMQ Dashboard has no throttle; these are the usual five tries in five minutes. */
export const CONSOLE_LOGIN_MAX_FAILURES = 5;
export const CONSOLE_LOGIN_FAILURE_WINDOW_MS = 5 * 60_000;
/** Pairs remembered at once. */
export const CONSOLE_LOGIN_THROTTLE_MAX_ENTRIES = 10_000;

interface Entry {
  windowStartMs: number;
  failures: number;
  /** Logins begun and not yet decided: a burst sent at once counts before its scrypt ends. */
  pending: number;
}

export interface LoginThrottleOptions {
  maxFailures?: number;
  windowMs?: number;
  maxEntries?: number;
  now?: () => number;
}

export class LoginThrottle {
  private readonly table = new Map<string, Entry>();
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(o: LoginThrottleOptions = {}) {
    this.maxFailures = o.maxFailures ?? CONSOLE_LOGIN_MAX_FAILURES;
    this.windowMs = o.windowMs ?? CONSOLE_LOGIN_FAILURE_WINDOW_MS;
    this.maxEntries = o.maxEntries ?? CONSOLE_LOGIN_THROTTLE_MAX_ENTRIES;
    this.now = o.now ?? Date.now;
  }

  get size(): number {
    return this.table.size;
  }

  /** Seconds until this pair may try again, or 0 when it may try now. */
  retryAfterS(user: string, addr: string): number {
    const e = this.live(key(user, addr));
    if (!e || e.failures + e.pending < this.maxFailures) return 0;
    return Math.max(1, Math.ceil((e.windowStartMs + this.windowMs - this.now()) / 1000));
  }

  /**
   * Before checking a password: the seconds to wait (nothing is counted), or 0 and the attempt is
   * counted as pending until fail() or succeed() decides it.
   */
  begin(user: string, addr: string): number {
    const wait = this.retryAfterS(user, addr);
    if (wait === 0) this.entry(key(user, addr)).pending++;
    return wait;
  }

  /** Counts a failure; true when this one locks the pair (the caller records that once). */
  fail(user: string, addr: string): boolean {
    const e = this.entry(key(user, addr));
    e.pending = Math.max(0, e.pending - 1);
    e.failures++;
    return e.failures === this.maxFailures;
  }

  /** A right password forgets the pair's failures (and its other pending attempts). */
  succeed(user: string, addr: string): void {
    this.table.delete(key(user, addr));
  }

  private entry(k: string): Entry {
    const found = this.live(k);
    if (found) return found;
    if (this.table.size >= this.maxEntries) this.evict();
    const e = { windowStartMs: this.now(), failures: 0, pending: 0 };
    this.table.set(k, e);
    return e;
  }

  private live(k: string): Entry | undefined {
    const e = this.table.get(k);
    if (e && this.now() - e.windowStartMs >= this.windowMs) {
      this.table.delete(k);
      return undefined;
    }
    return e;
  }

  /** Expired entries first; if none, the oldest (Map keeps insertion order). */
  private evict(): void {
    const now = this.now();
    for (const [k, e] of this.table) {
      if (now - e.windowStartMs >= this.windowMs) this.table.delete(k);
    }
    if (this.table.size < this.maxEntries) return;
    const oldest = this.table.keys().next().value;
    if (oldest !== undefined) this.table.delete(oldest);
  }
}

const key = (user: string, addr: string) => `${user}\0${addr}`;
