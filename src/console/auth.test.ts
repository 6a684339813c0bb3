import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../common/errors.js';
import {
  ADMIN_PASSWORD_FILE,
  Authenticator,
  hashPassword,
  isPasswordHash,
  parseUsers,
  resolveUsers,
  verifyPassword,
} from './auth.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'kitemq-console-auth-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('password hashes', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const h = await hashPassword('s3cret');
    expect(h).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(await verifyPassword('s3cret', h)).toBe(true);
    expect(await verifyPassword('s3cret ', h)).toBe(false);
    expect(await verifyPassword('', h)).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
  });

  it('refuses malformed hashes and ones that would cost too much memory', async () => {
    const h = await hashPassword('x');
    expect(isPasswordHash(h)).toBe(true);
    expect(isPasswordHash('plain-text')).toBe(false);
    expect(isPasswordHash(h.replace('16384', '1000'))).toBe(false); // not a power of two
    expect(isPasswordHash(h.replace('16384', String(2 ** 20)))).toBe(false);
    expect(await verifyPassword('x', 'scrypt$16384$8$1$abc$')).toBe(false);
  });
});

describe('console.users', () => {
  it('reads name:hash:role lists and names what is wrong in one', async () => {
    const h = await hashPassword('pw');
    expect(parseUsers(`admin:${h}:admin, viewer:${h}:read-only`, 'c:1')).toEqual([
      { name: 'admin', passwordHash: h, role: 'admin' },
      { name: 'viewer', passwordHash: h, role: 'read-only' },
    ]);
    expect(() => parseUsers(`a:${h}:root`, 'c:1')).toThrow(/role root; use admin or read-only/);
    expect(() => parseUsers('a:pw:admin', 'c:1')).toThrow(/--hash-password/);
    expect(() => parseUsers(`a:${h}:admin,a:${h}:admin`, 'c:1')).toThrow(ConfigError);
    expect(() => parseUsers(`a b:${h}:admin`, 'c:1')).toThrow(/not name:hash:role/);
  });
});

describe('resolveUsers', () => {
  it('generates an admin password once, keeps only its hash, and reuses it', async () => {
    const dir = tempDir();
    const first = await resolveUsers([], dir);
    expect(first.generatedPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const file = join(dir, ADMIN_PASSWORD_FILE);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(first.generatedPassword);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = await resolveUsers([], dir);
    expect(again.generatedPassword).toBeUndefined();
    const auth = new Authenticator(again.users);
    expect(await auth.login('admin', first.generatedPassword!)).toMatchObject({ role: 'admin' });
  });

  it('uses a configured admin and writes nothing', async () => {
    const dir = tempDir();
    const h = await hashPassword('pw');
    const r = await resolveUsers([{ name: 'ops', passwordHash: h, role: 'admin' }], dir);
    expect(r.generatedPassword).toBeUndefined();
    expect(existsSync(join(dir, ADMIN_PASSWORD_FILE))).toBe(false);
  });
});

describe('Authenticator', () => {
  it('logs in known users with their password only', async () => {
    const h = await hashPassword('pw');
    const auth = new Authenticator([{ name: 'viewer', passwordHash: h, role: 'read-only' }]);
    expect(await auth.login('viewer', 'pw')).toMatchObject({ name: 'viewer', role: 'read-only' });
    expect(await auth.login('viewer', 'wrong')).toBeUndefined();
    expect(await auth.login('nobody', 'pw')).toBeUndefined();
  });
});
