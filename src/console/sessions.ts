// Console sessions: in memory (a restart logs everyone out), random ids, an idle expiry, and a
// CSRF token each. The map is kept in last-use order, so expiry and eviction look only at its head.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role } from './auth.js';

export interface SessionUser {
  readonly name: string;
  readonly role: Role;
}

export interface Session {
  readonly id: string;
  readonly csrfToken: string;
  readonly user: SessionUser;
  lastUsedMs: number;
}

export interface SessionStoreOptions {
  idleTimeoutMs: number;
  maxSessions: number;
  now?: () => number;
}

const randomToken = () => randomBytes(32).toString('base64url');

/** Equal strings, in time that does not depend on where they differ (nor on their lengths). */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly idleTimeoutMs: number;
  private readonly maxSessions: number;
  private readonly now: () => number;

  constructor(o: SessionStoreOptions) {
    this.idleTimeoutMs = o.idleTimeoutMs;
    this.maxSessions = o.maxSessions;
    this.now = o.now ?? Date.now;
  }

  get size(): number {
    return this.sessions.size;
  }

  create(user: SessionUser): Session {
    this.sweep();
    while (this.sessions.size >= this.maxSessions) {
      const oldest = this.sessions.keys().next().value;
      if (oldest === undefined) break;
      this.sessions.delete(oldest);
    }
    const s: Session = {
      id: randomToken(),
      csrfToken: randomToken(),
      user,
      lastUsedMs: this.now(),
    };
    this.sessions.set(s.id, s);
    return s;
  }

  /** The live session with this id (its idle clock restarted), or undefined. */
  touch(id: string | undefined): Session | undefined {
    if (id === undefined) return undefined;
    const s = this.sessions.get(id);
    if (!s) return undefined;
    this.sessions.delete(id);
    if (this.now() - s.lastUsedMs >= this.idleTimeoutMs) return undefined;
    s.lastUsedMs = this.now();
    this.sessions.set(id, s);
    return s;
  }

  delete(id: string): void {
    this.sessions.delete(id);
  }

  /** Drops expired sessions from the head (least recently used first). */
  sweep(): void {
    const cutoff = this.now() - this.idleTimeoutMs;
    for (const [id, s] of this.sessions) {
      if (s.lastUsedMs > cutoff) break;
      this.sessions.delete(id);
    }
  }
}
