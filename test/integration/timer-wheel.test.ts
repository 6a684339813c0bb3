// RocketMQ 5 timer messages through the timer wheel (timerWheelEnable, the default) on real
// mqnamesrv + mqbroker processes with raw RemotingCommands: TIMER_DELIVER_MS / TIMER_DELAY_SEC /
// TIMER_DELAY_MS 1–3 s ahead arrive after their time, never before; a kill -9 with timers
// pending loses and repeats nothing; a time past timerMaxDelaySec is refused with a remark; a
// DELAY level wins over the timer properties. Timings are asserted one way only (not early);
// lateness is printed and only bounded generously.
import { describe, expect, it } from 'vitest';
import type { MessageExt } from '../../src/message/message.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';

/** Generous: a loaded CI machine may be slow, but a broken timer is seconds off. */
const MAX_LATENESS_MS = 2_000;

const cluster = useCluster({
  brokerConfig: { messageDelayLevel: '1s 2s 3s', timerMaxDelaySec: 60 },
});

/** Long-polls queue 0 of `topic` until `count` messages came (or the time is up). */
async function receive(
  topic: string,
  count: number,
  timeoutMs: number,
): Promise<{ m: MessageExt; at: number }[]> {
  const got: { m: MessageExt; at: number }[] = [];
  const deadline = Date.now() + timeoutMs;
  let offset = 0;
  while (got.length < count && Date.now() < deadline) {
    const r = await cluster.raw.pull(topic, 'TimerProbe', 0, offset, {
      subscription: '*',
      suspendMs: Math.max(1, Math.min(2_000, deadline - Date.now())),
    });
    const at = Date.now();
    for (const m of r.msgs) got.push({ m, at });
    offset = r.next;
  }
  return got;
}

describe('timer messages on the wheel', () => {
  it('arrive 1–3 s ahead at their time, never before', async () => {
    const topic = uniqueName('Wheel');
    await cluster.createTopic(topic, 1);
    const t0 = Date.now();
    const due: Record<string, number> = {};
    const send = async (body: string, props: Record<string, string>, dueAt: number) => {
      due[body] = dueAt;
      const r = await cluster.raw.send(topic, 0, body, props);
      expect(r.code).toBe(ResponseCode.SUCCESS);
    };
    await send('deliver-ms', { TIMER_DELIVER_MS: String(t0 + 2_500) }, t0 + 2_500);
    const s = Date.now();
    await send('delay-sec', { TIMER_DELAY_SEC: '1' }, s + 1_000);
    const m = Date.now();
    await send('delay-ms', { TIMER_DELAY_MS: '3000' }, m + 3_000);
    expect(await cluster.raw.maxOffset(topic, 0)).toBe(0);
    expect(await cluster.raw.maxOffset('rmq_sys_wheel_timer', 0)).toBeGreaterThanOrEqual(3);
    const got = await receive(topic, 3, 10_000);
    expect(got.map((g) => g.m.body.toString())).toEqual(['delay-sec', 'deliver-ms', 'delay-ms']);
    const lateness: Record<string, number> = {};
    for (const { m: msg, at } of got) {
      const body = msg.body.toString();
      // The broker side: stored back no earlier than asked (the timer store's own clock).
      expect(msg.storeTimestamp).toBeGreaterThanOrEqual(Number(msg.properties.TIMER_OUT_MS));
      expect(at).toBeGreaterThanOrEqual(due[body]!);
      lateness[body] = msg.storeTimestamp - Number(msg.properties.TIMER_OUT_MS);
      expect(msg.properties.REAL_TOPIC).toBeUndefined();
      // Stamped when the timer store put it back: after its time, before the copy was stored.
      const dequeuedAt = msg.properties.TIMER_DEQUEUE_MS ?? '';
      expect(dequeuedAt).toMatch(/^\d+$/);
      expect(Number(dequeuedAt)).toBeGreaterThanOrEqual(Number(msg.properties.TIMER_OUT_MS));
      expect(Number(dequeuedAt)).toBeLessThanOrEqual(msg.storeTimestamp);
      // ...and when it entered the timer store: stored after the test began sending (one host,
      // one clock), before it was put back.
      const enqueuedAt = Number(msg.properties.TIMER_ENQUEUE_MS);
      expect(enqueuedAt).toBeGreaterThanOrEqual(t0);
      expect(enqueuedAt).toBeLessThanOrEqual(Number(dequeuedAt));
    }
    console.info('timer lateness (ms, copy stored − TIMER_OUT_MS)', lateness);
    for (const ms of Object.values(lateness)) expect(ms).toBeLessThan(MAX_LATENESS_MS);
  });

  it('refuses a time past timerMaxDelaySec or not a number, with a remark', async () => {
    const topic = uniqueName('WheelFar');
    await cluster.createTopic(topic, 1);
    const far = await cluster.raw.send(topic, 0, 'far', { TIMER_DELAY_SEC: '3600' });
    expect(far.code).toBe(ResponseCode.MESSAGE_ILLEGAL);
    expect(far.remark).toMatch(/3600 s ahead, beyond timerMaxDelaySec \(60 s\)/);
    const bad = await cluster.raw.send(topic, 0, 'bad', { TIMER_DELAY_MS: 'soon' });
    expect(bad.code).toBe(ResponseCode.MESSAGE_ILLEGAL);
    expect(bad.remark).toContain("TIMER_DELAY_MS 'soon'");
    const past = await cluster.raw.send(topic, 0, 'now', {
      TIMER_DELIVER_MS: String(Date.now() - 10),
    });
    expect(past.code).toBe(ResponseCode.SUCCESS);
    expect(await cluster.raw.maxOffset(topic, 0)).toBe(1); // stored as is: its time has come
  });

  it('lets a DELAY level win over the timer properties', async () => {
    const topic = uniqueName('WheelDelay');
    await cluster.createTopic(topic, 1);
    const wheelBefore = await cluster.raw.maxOffset('rmq_sys_wheel_timer', 0);
    const r = await cluster.raw.send(topic, 0, 'both', { DELAY: '1', TIMER_DELAY_SEC: '30' });
    expect(r.code).toBe(ResponseCode.SUCCESS);
    expect(await cluster.raw.maxOffset('rmq_sys_wheel_timer', 0)).toBe(wheelBefore);
    const [got] = await receive(topic, 1, 5_000);
    expect(got?.m.properties.TIMER_DELAY_SEC).toBeUndefined();
    expect(got!.m.storeTimestamp - got!.m.bornTimestamp).toBeGreaterThanOrEqual(1_000);
  });
});

describe('a kill -9 while timers are pending', () => {
  it('loses none and repeats none', async () => {
    const topic = uniqueName('WheelCrash');
    await cluster.createTopic(topic, 1);
    const t0 = Date.now();
    const N = 30;
    for (let i = 0; i < N; i++) {
      const props = { TIMER_DELIVER_MS: String(t0 + 1_500 + i * 100) };
      expect((await cluster.raw.send(topic, 0, `t${i}`, props)).code).toBe(0);
    }
    // The crash once some are delivered (the rest pending), polled under a generous deadline.
    for (const until = Date.now() + 20_000; Date.now() < until; ) {
      if ((await cluster.raw.maxOffset(topic, 0)) > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const before = await cluster.raw.maxOffset(topic, 0);
    await cluster.broker.kill();
    await cluster.broker.restart();
    const got = await receive(topic, N, 10_000);
    await new Promise((r) => setTimeout(r, 500)); // anything repeated would show up now
    expect(await cluster.raw.maxOffset(topic, 0)).toBe(N);
    const bodies = got.map((g) => g.m.body.toString());
    expect([...bodies].sort()).toEqual(Array.from({ length: N }, (_, i) => `t${i}`).sort());
    for (const { m } of got) {
      expect(m.storeTimestamp).toBeGreaterThanOrEqual(Number(m.properties.TIMER_OUT_MS));
    }
    console.info(`timer kill -9: ${before} of ${N} delivered before the crash, ${N} after`);
  });
});
