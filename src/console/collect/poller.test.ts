import { afterEach, describe, expect, it } from 'vitest';
import { AdminClient } from '../../client/admin.js';
import { silentLogger } from '../../common/logger.js';
import { SnapshotPoller } from './poller.js';

// Port 1 on loopback: nothing listens there, so every refresh fails at once with a refusal.
const DEAD = '127.0.0.1:1';
const admins: AdminClient[] = [];
afterEach(() => {
  for (const a of admins.splice(0)) a.close();
});

function poller(refreshIntervalMs: number): SnapshotPoller {
  const admin = new AdminClient({ namesrvAddr: DEAD, logger: silentLogger() });
  admins.push(admin);
  return new SnapshotPoller({ admin, namesrvAddr: DEAD, refreshIntervalMs });
}

describe('SnapshotPoller', () => {
  it('never runs two refreshes at once', async () => {
    const p = poller(60_000);
    const a = p.refresh();
    const b = p.refresh();
    expect(b).toBe(a);
    expect(await a).toBeUndefined();
    expect(p.failures).toBe(1);
    const c = p.refresh();
    expect(c).not.toBe(a);
    await c;
    expect(p.failures).toBe(2);
  });

  it('keeps polling after failed refreshes until stopped', async () => {
    const p = poller(10);
    p.start();
    const deadline = Date.now() + 20_000;
    while (p.failures < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await p.stop();
    expect(p.failures).toBeGreaterThanOrEqual(3);
    expect(p.lastError).toBeTruthy();
    expect(p.latest).toBeUndefined();
  });

  it('asks the next name server of the list after a failure', async () => {
    const admin = new AdminClient({ namesrvAddr: DEAD, logger: silentLogger() });
    admins.push(admin);
    const p = new SnapshotPoller({
      admin,
      namesrvAddr: `${DEAD}; 127.0.0.1:2`,
      refreshIntervalMs: 1,
    });
    await p.refresh();
    expect(p.lastError).toMatch(/^127\.0\.0\.1:1: /);
    await p.refresh();
    expect(p.lastError).toMatch(/^127\.0\.0\.1:2: /);
    await p.refresh();
    expect(p.lastError).toMatch(/^127\.0\.0\.1:1: /);
  });
});
