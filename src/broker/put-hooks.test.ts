// The put hooks in the order the broker runs them: which one wins, what each leaves behind.
import { describe, expect, it } from 'vitest';
import { MessageSysFlag, type MessageToStore } from '../message/message.js';
import { SCHEDULE_TOPIC, TIMER_TOPIC } from '../message/system-topics.js';
import { type PutHook, putHooksFor, runPutHooks } from './put-hooks.js';

const NOW = 1_700_000_000_000;
const LEVELS = [1_000, 5_000, 10_000];

const SENT = { topic: 'Orders', queueId: 3, flag: 0, body: Buffer.from('x') };
const HOSTS = { bornTimestamp: NOW, bornHost: '127.0.0.1:1', storeHost: '127.0.0.1:2' };
const FRESH = { reconsumeTimes: 0, preparedTransactionOffset: 0 };

function msg(properties: Record<string, string>, sysFlag = 0): MessageToStore {
  return { ...SENT, ...HOSTS, ...FRESH, sysFlag, properties: { UNIQ_KEY: 'U', ...properties } };
}

const wheel = putHooksFor({
  levels: LEVELS,
  timerWheelEnable: true,
  timerMaxDelaySec: 60,
  now: () => NOW,
});
const onLevels = putHooksFor({
  levels: LEVELS,
  timerWheelEnable: false,
  timerMaxDelaySec: 60,
  now: () => NOW,
});

describe('putHooksFor', () => {
  it('runs the delay level first, then the timer the broker is configured with', () => {
    expect(wheel.map((h) => h.name)).toEqual(['delayLevel', 'timerWheel']);
    expect(onLevels.map((h) => h.name)).toEqual(['delayLevel', 'levelTimer']);
  });

  it('runs the half message of a transaction before both', () => {
    const withTx = putHooksFor({
      levels: LEVELS,
      timerWheelEnable: true,
      timerMaxDelaySec: 60,
      halfMessage: { reject: false, brokerIP1: '127.0.0.1', ensureHalfTopic: () => {} },
    });
    expect(withTx.map((h) => h.name)).toEqual(['halfMessage', 'delayLevel', 'timerWheel']);
  });

  it('lets a plain message through unchanged', () => {
    expect(runPutHooks(wheel, msg({ KEYS: 'k' }))).toBeUndefined();
    expect(runPutHooks(onLevels, msg({ KEYS: 'k' }))).toBeUndefined();
  });

  it('a DELAY level wins over timer properties and drops them', () => {
    const r = runPutHooks(wheel, msg({ DELAY: '2', TIMER_DELAY_MS: '30000' }));
    expect(r).toHaveProperty('message.topic', SCHEDULE_TOPIC);
    const m = (r as { message: MessageToStore }).message;
    expect(m.queueId).toBe(1);
    const want = { UNIQ_KEY: 'U', DELAY: '2', REAL_TOPIC: 'Orders', REAL_QID: '3' };
    expect(Object.entries(m.properties)).toEqual(Object.entries(want));
  });

  it('diverts a timer message to the wheel, or to the delay levels without it', () => {
    const w = runPutHooks(wheel, msg({ TIMER_DELAY_MS: '30000' }));
    expect(w).toHaveProperty('message.topic', TIMER_TOPIC);
    expect(w).toHaveProperty('message.properties.TIMER_OUT_MS', String(NOW + 30_000));
    const l = runPutHooks(onLevels, msg({ TIMER_DELAY_MS: '30000' }));
    expect(l).toHaveProperty('message.topic', SCHEDULE_TOPIC);
    expect(l).toHaveProperty('message.properties.DELAY', '3');
  });

  it('refuses with the hook remark: a DELAY that does not parse, a timer too far ahead', () => {
    expect(runPutHooks(wheel, msg({ DELAY: 'soon', TIMER_DELAY_MS: '1' }))).toHaveProperty('error');
    const far = runPutHooks(wheel, msg({ TIMER_DELAY_SEC: '61' }));
    expect(far).toHaveProperty('error');
    expect((far as { error: string }).error).toContain('timerMaxDelaySec (60 s)');
  });

  it('leaves a half message to the hooks after it (delay and wheel skip it)', () => {
    const half = msg(
      { DELAY: '2', TIMER_DELAY_MS: '30000' },
      MessageSysFlag.TRANSACTION_PREPARED_TYPE,
    );
    expect(runPutHooks(wheel, half)).toBeUndefined();
    const seen: string[] = [];
    const third: PutHook = {
      name: 'third',
      apply(m) {
        seen.push(m.topic);
        return { message: { ...m, topic: 'elsewhere' } };
      },
    };
    expect(runPutHooks([...wheel, third], half)).toHaveProperty('message.topic', 'elsewhere');
    // A message an earlier hook answered for never reaches a later one.
    runPutHooks([...wheel, third], msg({ DELAY: '1' }));
    expect(seen).toEqual(['Orders']);
  });
});
