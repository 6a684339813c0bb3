// RocketMQ 5 timer messages (TIMER_DELIVER_MS, TIMER_DELAY_SEC/_MS) on a broker with
// timerWheelEnable=false, where they ride the delay levels (the timer wheel, the default, is
// tested in timer-wheel.test.ts). Delay levels 1s 2s 3s so they cascade through several
// levels: each arrives at its time, not before
// (and late by less than the first level), exactly once across a kill -9 while pending; a
// delivery time past timerMaxDelaySec is refused with a remark.
import { describe, expect, it } from 'vitest';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';

const cluster = useCluster({
  brokerConfig: { messageDelayLevel: '1s 2s 3s', timerMaxDelaySec: 60, timerWheelEnable: false },
});

/** Bodies in queue 0 of `topic` with their store times, read once. */
async function arrived(topic: string) {
  const r = await cluster.raw.pull(topic, 'reader', 0, 0, { subscription: '*' });
  return r.msgs.map((m) => ({ body: m.body.toString(), at: m.storeTimestamp }));
}

describe('timer messages', () => {
  it('delivers at the given times across several levels, never before', async () => {
    const topic = uniqueName('Timers');
    await cluster.createTopic(topic, 1);
    const t0 = Date.now();
    const due = { a: t0 + 1_500, b: t0 + 4_200, c: t0 + 7_700 };
    expect((await cluster.raw.send(topic, 0, 'a', { TIMER_DELIVER_MS: String(due.a) })).code).toBe(
      0,
    );
    expect(
      (await cluster.raw.send(topic, 0, 'b', { TIMER_DELAY_MS: String(due.b - Date.now()) })).code,
    ).toBe(0);
    expect((await cluster.raw.send(topic, 0, 'c', { TIMER_DELIVER_MS: String(due.c) })).code).toBe(
      0,
    );
    expect(await arrived(topic)).toEqual([]);
    // Polled until all three came, under a deadline generous for a loaded machine (c is due in
    // 7.7 s); whatever came, came no earlier than asked (checked below on the broker's clock).
    let got = await arrived(topic);
    for (const until = Date.now() + 30_000; got.length < 3 && Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, 200));
      got = await arrived(topic);
    }
    expect(got.map((g) => g.body)).toEqual(['a', 'b', 'c']);
    for (const g of got) {
      const want = due[g.body as 'a' | 'b' | 'c'];
      expect(g.at).toBeGreaterThanOrEqual(want);
      expect(g.at - want).toBeLessThan(2_000); // generous: < the first level (1 s) plus slack
    }
  }, 60_000);

  it('loses and repeats nothing across a kill -9 while timers are pending', async () => {
    const topic = uniqueName('TimersCrash');
    await cluster.createTopic(topic, 1);
    const t0 = Date.now();
    for (let i = 0; i < 20; i++) {
      const props = { TIMER_DELIVER_MS: String(t0 + 2_000 + i * 150) };
      expect((await cluster.raw.send(topic, 0, `t${i}`, props)).code).toBe(0);
    }
    // The crash once some are delivered (some still cascading), polled under a deadline.
    for (const until = Date.now() + 20_000; Date.now() < until; ) {
      if ((await arrived(topic)).length > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await cluster.broker.kill();
    await cluster.broker.restart();
    // Every one arrives (late by up to a level after the restart; longer on a loaded machine),
    // and none twice: a second look after the last one came finds nothing more.
    const all = Array.from({ length: 20 }, (_, i) => `t${i}`).sort();
    let got: string[] = [];
    for (const until = Date.now() + 25_000; Date.now() < until && got.length < 20; ) {
      await new Promise((r) => setTimeout(r, 500));
      got = (await arrived(topic)).map((g) => g.body);
    }
    await new Promise((r) => setTimeout(r, 1_500));
    got = (await arrived(topic)).map((g) => g.body);
    expect([...got].sort()).toEqual(all);
  }, 60_000);

  it('refuses a delivery time past timerMaxDelaySec', async () => {
    const topic = uniqueName('TimersFar');
    await cluster.createTopic(topic, 1);
    const r = await cluster.raw.send(topic, 0, 'far', { TIMER_DELAY_SEC: '3600' });
    expect(r.code).toBe(ResponseCode.MESSAGE_ILLEGAL);
    expect(r.remark).toMatch(/beyond timerMaxDelaySec \(60 s\)/);
  });
});
