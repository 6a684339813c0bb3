import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AdminClient } from '../../client/admin.js';
import { type Logger, silentLogger } from '../../common/logger.js';
import { AlertRuleError } from '../alerts/rules.js';
import { EnvMonitor } from './monitor.js';

const DEAD = '127.0.0.1:1'; // nothing listens: the first snapshot fails at once
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function monitor(dir: string, logger: Logger = silentLogger()): EnvMonitor {
  const admin = new AdminClient({ namesrvAddr: DEAD, logger });
  cleanups.push(() => admin.close());
  return new EnvMonitor({ admin, namesrvAddr: DEAD, dir, refreshIntervalMs: 60_000, logger });
}

const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'kite-monitor-'));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
};

const rule = { id: 'down', type: 'brokerDown', target: '*', forMs: 0 };

describe('EnvMonitor', () => {
  it('saves rules to its dir, reads them back on start, and keeps them on a bad PUT', () => {
    const dir = tempDir();
    const m = monitor(dir);
    expect(m.rules()).toEqual({ rules: [] });
    m.setRules({ rules: [rule], webhook: null });
    const saved = { rules: [{ ...rule, threshold: 0, enabled: true }] };
    expect(JSON.parse(readFileSync(join(dir, 'alert-rules.json'), 'utf8'))).toEqual(saved);
    expect(() => m.setRules({ rules: [{ ...rule, type: 'nope' }] })).toThrow(AlertRuleError);
    expect(m.rules()).toEqual(saved);
    expect(monitor(dir).rules()).toEqual(saved);
  });

  it('starts rule-less, with a warning, when the rules file does not validate', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'alert-rules.json'), '{"rules":[{"id":"x"}]}');
    const warnings: string[] = [];
    const logger = { ...silentLogger(), warn: (_o: unknown, msg?: string) => warnings.push(msg!) };
    expect(monitor(dir, logger as Logger).rules()).toEqual({ rules: [] });
    expect(warnings).toEqual([expect.stringMatching(/alert rules not loaded/)]);
  });

  it('answers UPSTREAM, naming the name server, when there is no snapshot to show', async () => {
    await expect(monitor(tempDir()).snapshot()).rejects.toMatchObject({
      code: 'UPSTREAM',
      message: expect.stringContaining(DEAD),
    });
  });
});
