import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger.js';
import type { Connection } from '../../remoting/connection.js';
import { type HeldPull, PullRequestHoldService } from './pull-request-hold-service.js';

function fakeConn(): Connection & { isClosed: boolean } {
  return { isClosed: false } as unknown as Connection & { isClosed: boolean };
}

function held(now: () => number, over: Partial<HeldPull> = {}): HeldPull & { woken: number } {
  const h = {
    conn: fakeConn(),
    offset: 5,
    deadlineMs: now() + 1_000,
    matches: () => true,
    woken: 0,
    wake() {
      h.woken++;
    },
    ...over,
  };
  return h;
}

describe('PullRequestHoldService', () => {
  it('wakes a parked pull only when the queue grows past its offset and the tag matches', () => {
    let t = 1_000;
    const svc = new PullRequestHoldService(silentLogger(), () => t);
    const tagB = 2598920;
    const p = held(() => t, { matches: (code) => code === undefined || code === tagB });
    expect(svc.suspend('T', 0, p)).toBe(true);
    svc.notifyMessageArriving('T', 0, 5, tagB); // queue max 5: nothing past offset 5 yet
    svc.notifyMessageArriving('T', 1, 9, tagB); // another queue
    svc.notifyMessageArriving('T', 0, 6, 2598919); // TagA does not match
    expect(p.woken).toBe(0);
    expect(svc.parkedCount).toBe(1);
    svc.notifyMessageArriving('T', 0, 7, tagB);
    expect(p.woken).toBe(1);
    expect(svc.parkedCount).toBe(0);
    t += 10_000;
    svc.checkHoldRequest();
    expect(p.woken).toBe(1); // answered exactly once
  });

  it('asks a commit-log filter about the arrived message after the tag filter passed', () => {
    const t = 1_000;
    const svc = new PullRequestHoldService(silentLogger(), () => t);
    const asked: number[] = [];
    const p = held(() => t, {
      matches: (code) => code !== 7,
      matchesArrival: (queueOffset) => {
        asked.push(queueOffset);
        return queueOffset === 8;
      },
    });
    svc.suspend('T', 0, p);
    svc.notifyMessageArriving('T', 0, 6, 1); // the message at queue offset 5 does not match
    svc.notifyMessageArriving('T', 0, 7, 7); // the tag filter refuses: the record is not read
    expect([p.woken, asked]).toEqual([0, [5]]);
    svc.notifyMessageArriving('T', 0, 9, 1);
    expect([p.woken, asked]).toEqual([1, [5, 8]]);
  });

  it('answers parked pulls whose deadline passed, and drops pulls of closed connections', () => {
    let t = 0;
    const svc = new PullRequestHoldService(silentLogger(), () => t);
    const early = held(() => t, { deadlineMs: 100 });
    const late = held(() => t, { deadlineMs: 500 });
    const gone = held(() => t, { deadlineMs: 100 });
    svc.suspend('T', 0, early);
    svc.suspend('T', 0, late);
    svc.suspend('T', 0, gone);
    (gone.conn as unknown as { isClosed: boolean }).isClosed = true;
    t = 99;
    svc.checkHoldRequest();
    expect([early.woken, late.woken, gone.woken]).toEqual([0, 0, 0]);
    t = 100;
    svc.checkHoldRequest();
    expect([early.woken, late.woken, gone.woken]).toEqual([1, 0, 0]);
    expect(svc.parkedCount).toBe(1);
    svc.shutdown();
    expect(late.woken).toBe(1);
    expect(svc.parkedCount).toBe(0);
  });
});
