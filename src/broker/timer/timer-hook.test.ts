import { describe, expect, it } from 'vitest';
import { MessageSysFlag, type MessageToStore } from '../../message/message.js';
import { ordersMessage } from '../delivery.fixture.js';
import { applyDelayLevel } from '../schedule/delay-hook.js';
import {
  applyTimerWheel,
  hasTimerProperty,
  requestedDeliverMs,
  TIMER_TOPIC,
} from './timer-hook.js';

const NOW = 1_700_000_000_000;
const MAX = 3 * 86_400_000;

function msg(properties: Record<string, string>, sysFlag = 0): MessageToStore {
  return ordersMessage(3, { UNIQ_KEY: 'U', ...properties }, { sysFlag, bornTimestamp: NOW });
}

describe('timer properties', () => {
  it('reads TIMER_DELAY_SEC, then TIMER_DELAY_MS, then TIMER_DELIVER_MS, as RocketMQ does', () => {
    expect(requestedDeliverMs({ TIMER_DELAY_SEC: '5', TIMER_DELAY_MS: '7' }, NOW)).toBe(
      NOW + 5_000,
    );
    expect(requestedDeliverMs({ TIMER_DELAY_MS: '7', TIMER_DELIVER_MS: '9' }, NOW)).toBe(NOW + 7);
    expect(requestedDeliverMs({ TIMER_DELIVER_MS: String(NOW + 9) }, NOW)).toBe(NOW + 9);
    expect(requestedDeliverMs({}, NOW)).toBeUndefined();
    expect(requestedDeliverMs({ TIMER_DELAY_MS: '1.5' }, NOW)).toMatch(/TIMER_DELAY_MS '1.5'/);
    expect(requestedDeliverMs({ TIMER_DELAY_SEC: 'soon' }, NOW)).toMatch(/whole number of seconds/);
    expect(hasTimerProperty({ TIMER_DELIVER_MS: '1' })).toBe(true);
    expect(hasTimerProperty({ TIMER_OUT_MS: '1' })).toBe(false);
  });

  it('parks a future message in rmq_sys_wheel_timer with its exact due time', () => {
    const r = applyTimerWheel(msg({ TIMER_DELAY_MS: '1234' }), NOW, MAX);
    expect(r && 'message' in r && r.message).toMatchObject({
      topic: TIMER_TOPIC,
      queueId: 0,
      properties: {
        TIMER_DELAY_MS: '1234',
        TIMER_OUT_MS: String(NOW + 1_234),
        REAL_TOPIC: 'Orders',
        REAL_QID: '3',
        UNIQ_KEY: 'U',
      },
    });
  });

  it('leaves a message whose time has come as it is, and refuses one too far ahead', () => {
    const past = msg({ TIMER_DELIVER_MS: String(NOW - 1) });
    expect(applyTimerWheel(past, NOW, MAX)).toEqual({ message: past, level: 0 });
    const far = applyTimerWheel(msg({ TIMER_DELAY_SEC: String(3 * 86_400 + 1) }), NOW, MAX);
    expect(far).toEqual({
      error: expect.stringMatching(/259201 s ahead, beyond timerMaxDelaySec \(259200 s\)/),
    });
    expect(applyTimerWheel(msg({ TIMER_DELAY_SEC: '259200' }), NOW, MAX)).toHaveProperty('message');
  });

  it('leaves half messages, rolled and non-timer messages alone', () => {
    const half = msg({ TIMER_DELAY_MS: '10' }, MessageSysFlag.TRANSACTION_PREPARED_TYPE);
    expect(applyTimerWheel(half, NOW, MAX)).toBeUndefined();
    const rolled = { ...msg({ TIMER_OUT_MS: String(NOW + 5) }), topic: TIMER_TOPIC };
    expect(applyTimerWheel(rolled, NOW, MAX)).toBeUndefined();
    expect(applyTimerWheel(msg({}), NOW, MAX)).toBeUndefined();
    const committed = msg({ TIMER_DELAY_MS: '10' }, MessageSysFlag.TRANSACTION_COMMIT_TYPE);
    expect(applyTimerWheel(committed, NOW, MAX)).toHaveProperty('message.topic', TIMER_TOPIC);
  });

  it('lets a DELAY level win: the level path drops the timer properties first', () => {
    const d = applyDelayLevel(msg({ DELAY: '2', TIMER_DELAY_MS: '10' }), [1_000, 5_000]);
    expect('message' in d && d.level).toBe(2);
    if (!('message' in d)) return;
    expect(d.message.properties.TIMER_DELAY_MS).toBeUndefined();
    expect(applyTimerWheel(d.message, NOW, MAX)).toBeUndefined();
  });
});
