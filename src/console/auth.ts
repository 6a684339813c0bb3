// Console users and passwords. A password is kept only as an scrypt hash,
// "scrypt$N$r$p$<salt>$<key>" (base64url), so console.conf and the data dir never hold one in
// clear. With no admin user in console.users, a password is generated on first start, its hash
// written to <dataDir>/admin.passwd, and the password shown once.
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../common/errors.js';

export type Role = 'admin' | 'read-only';
export const ROLES: readonly Role[] = ['admin', 'read-only'];

export interface ConsoleUser {
  readonly name: string;
  readonly passwordHash: string;
  readonly role: Role;
}

/** OWASP's scrypt floor (N=2^14, r=8, p=1): ~50 ms a login on a small machine. */
const SCRYPT = { N: 16_384, r: 8, p: 1, keyLength: 32, saltLength: 16 } as const;
/** A hash from a file may not make one login cost more memory than this. */
const SCRYPT_MAX_MEM = 64 * 1024 * 1024;
const GENERATED_PASSWORD_BYTES = 18;
export const ADMIN_PASSWORD_FILE = 'admin.passwd';

function scryptAsync(pw: string, salt: Buffer, len: number, o: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(pw, salt, len, o, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SCRYPT.saltLength);
  const { N, r, p, keyLength } = SCRYPT;
  const key = await scryptAsync(password, salt, keyLength, { N, r, p, maxmem: SCRYPT_MAX_MEM });
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function parseHash(encoded: string): ParsedHash | undefined {
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/.exec(encoded);
  if (!m) return undefined;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // N a power of two, and the memory scrypt needs (128·N·r bytes) within bounds.
  if (N < 2 || (N & (N - 1)) !== 0 || r < 1 || p < 1 || 128 * N * r > SCRYPT_MAX_MEM / 2) {
    return undefined;
  }
  const key = Buffer.from(m[5]!, 'base64url');
  if (key.length < 16) return undefined;
  return { N, r, p, salt: Buffer.from(m[4]!, 'base64url'), key };
}

export function isPasswordHash(encoded: string): boolean {
  return parseHash(encoded) !== undefined;
}

/** Constant time in the key comparison; false for a malformed hash. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const h = parseHash(encoded);
  if (!h) return false;
  const opts = { N: h.N, r: h.r, p: h.p, maxmem: SCRYPT_MAX_MEM };
  const key = await scryptAsync(password, h.salt, h.key.length, opts);
  return timingSafeEqual(key, h.key);
}

export function generatePassword(): string {
  return randomBytes(GENERATED_PASSWORD_BYTES).toString('base64url');
}

/** "name:hash:role,name:hash:role" (console.users and admin.passwd). */
export function parseUsers(text: string, where: string): ConsoleUser[] {
  const users: ConsoleUser[] = [];
  for (const item of text.split(',').map((s) => s.trim())) {
    if (item === '') continue;
    const [name = '', passwordHash = '', role = '', ...rest] = item.split(':');
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(name) || rest.length > 0) {
      throw new ConfigError(
        `${where}: "${item.slice(0, 40)}" is not name:hash:role (names: letters, digits, . _ -)`,
      );
    }
    if (!isPasswordHash(passwordHash)) {
      throw new ConfigError(
        `${where}: user ${name} has no scrypt hash; make one with kitemq console --hash-password`,
      );
    }
    if (!(ROLES as readonly string[]).includes(role)) {
      throw new ConfigError(`${where}: user ${name} has role ${role}; use admin or read-only`);
    }
    if (users.some((u) => u.name === name)) throw new ConfigError(`${where}: user ${name} twice`);
    users.push({ name, passwordHash, role: role as Role });
  }
  return users;
}

export interface ResolvedUsers {
  users: ConsoleUser[];
  /** Set only on the start that generated it: to be shown once, then forgotten. */
  generatedPassword?: string;
  /** Where the generated admin's hash is kept. */
  passwordFile?: string;
}

/** console.users when it has an admin; else the admin kept in the data dir, made on first start. */
export async function resolveUsers(
  configured: readonly ConsoleUser[],
  dataDir: string,
): Promise<ResolvedUsers> {
  if (configured.some((u) => u.role === 'admin')) return { users: [...configured] };
  const file = join(dataDir, ADMIN_PASSWORD_FILE);
  const others = configured.filter((u) => u.name !== 'admin');
  if (existsSync(file)) {
    const kept = parseUsers(readFileSync(file, 'utf8').trim(), file);
    return { users: [...kept, ...others], passwordFile: file };
  }
  const password = generatePassword();
  const admin: ConsoleUser = {
    name: 'admin',
    passwordHash: await hashPassword(password),
    role: 'admin',
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `admin:${admin.passwordHash}:admin\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { users: [admin, ...others], generatedPassword: password, passwordFile: file };
}

/** Checks a login; an unknown name costs the same scrypt as a known one. */
export class Authenticator {
  private readonly users: ReadonlyMap<string, ConsoleUser>;
  private readonly decoy: Promise<string>;

  constructor(users: readonly ConsoleUser[]) {
    this.users = new Map(users.map((u) => [u.name, u]));
    this.decoy = hashPassword(generatePassword());
  }

  async login(name: string, password: string): Promise<ConsoleUser | undefined> {
    const user = this.users.get(name);
    const ok = await verifyPassword(password, user?.passwordHash ?? (await this.decoy));
    return ok && user ? user : undefined;
  }
}
