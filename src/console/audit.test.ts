import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditLog } from './audit.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function log() {
  const dir = mkdtempSync(join(tmpdir(), 'kitemq-console-audit-'));
  dirs.push(dir);
  let t = Date.UTC(2026, 0, 1);
  return new AuditLog(join(dir, 'sub', 'audit.log'), () => new Date(t++));
}

describe('AuditLog', () => {
  it('answers newest first, up to the limit, and nothing before the first write', () => {
    const a = log();
    expect(a.read(10)).toEqual([]);
    for (const target of ['t1', 't2', 't3']) {
      a.append({ user: 'admin', action: 'topic.create', target, params: { n: 1 }, ok: true });
    }
    a.append({
      user: 'viewer',
      action: 'topic.delete',
      target: 't1',
      params: null,
      ok: false,
      error: 'read-only',
    });
    const entries = a.read(3);
    expect(entries.map((e) => e.target)).toEqual(['t1', 't3', 't2']);
    expect(entries[0]).toEqual({
      at: '2026-01-01T00:00:00.003Z',
      user: 'viewer',
      action: 'topic.delete',
      target: 't1',
      params: null,
      ok: false,
      error: 'read-only',
    });
  });

  it('skips a line torn by a crash and keeps the others', () => {
    const a = log();
    a.append({ user: 'admin', action: 'topic.create', target: 'a', params: null, ok: true });
    appendFileSync(a.path, '{"at":"2026-01-01T00:00:00.000Z","us');
    appendFileSync(a.path, '\n');
    a.append({ user: 'admin', action: 'topic.create', target: 'b', params: null, ok: true });
    expect(a.read(10).map((e) => e.target)).toEqual(['b', 'a']);
  });
});
