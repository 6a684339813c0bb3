import { describe, expect, it } from 'vitest';
import { MessageSysFlag, type MessageToStore } from '../../message/message.js';
import { testMessage } from '../../store/store.fixture.js';
import { ordersMessage } from '../delivery.fixture.js';
import { applyDelayLevel, applyTimer, timerLevelFor } from './delay-hook.js';

const levels = [1_000, 2_000, 3_000];

function msg(props: Record<string, string>, sysFlag = 0): MessageToStore {
  return ordersMessage(5, { TAGS: 'A', ...props }, { sysFlag, bornTimestamp: 1 });
}

describe('applyDelayLevel', () => {
  it('diverts DELAY=n to the schedule topic, queue n-1, keeping the real topic and queue', () => {
    const r = applyDelayLevel(msg({ DELAY: '2' }), levels);
    expect(r).toMatchObject({
      level: 2,
      message: {
        topic: 'SCHEDULE_TOPIC_XXXX',
        queueId: 1,
        properties: { TAGS: 'A', DELAY: '2', REAL_TOPIC: 'Orders', REAL_QID: '5' },
      },
    });
  });

  it('clamps a level above the table to the last level and drops 5.x timer properties', () => {
    const r = applyDelayLevel(
      msg({ DELAY: '40', TIMER_DELIVER_MS: '5', TIMER_DELAY_SEC: '1' }),
      levels,
    );
    if ('error' in r) throw new Error(r.error);
    expect(r.message.queueId).toBe(2);
    expect(r.message.properties.DELAY).toBe('3');
    expect(r.message.properties.TIMER_DELIVER_MS).toBeUndefined();
    expect(r.message.properties.TIMER_DELAY_SEC).toBeUndefined();
  });

  it('leaves messages without a positive level, and half transaction messages, alone', () => {
    for (const m of [
      msg({}),
      msg({ DELAY: '0' }),
      msg({ DELAY: '-1' }),
      msg({ DELAY: '2' }, MessageSysFlag.TRANSACTION_PREPARED_TYPE),
    ]) {
      const r = applyDelayLevel(m, levels);
      expect(r).toEqual({ message: m, level: 0 });
    }
    const committed = applyDelayLevel(
      msg({ DELAY: '1' }, MessageSysFlag.TRANSACTION_COMMIT_TYPE),
      levels,
    );
    expect(committed).toMatchObject({ level: 1, message: { topic: 'SCHEDULE_TOPIC_XXXX' } });
  });

  it('reports a DELAY that is not an integer', () => {
    expect(applyDelayLevel(msg({ DELAY: 'soon' }), levels)).toEqual({
      error: "the DELAY property 'soon' is not an integer delay level",
    });
  });
});

describe('timer messages on the delay levels', () => {
  const levels = [1_000, 2_000, 3_000];
  const base: MessageToStore = testMessage({
    queueId: 2,
    body: Buffer.from('x'),
    bornTimestamp: 0,
  });

  it('picks the largest level that fits and keeps the due time', () => {
    expect(timerLevelFor(500, levels)).toBe(1);
    expect(timerLevelFor(2_500, levels)).toBe(2);
    expect(timerLevelFor(60_000, levels)).toBe(3);
    const r = applyTimer(
      { ...base, properties: { TIMER_DELAY_MS: '7500' } },
      levels,
      1_000,
      60_000,
    );
    expect(r && 'message' in r && r.message.properties).toMatchObject({
      TIMER_OUT_MS: '8500',
      DELAY: '3',
      REAL_TOPIC: 'T',
      REAL_QID: '2',
    });
    expect(applyTimer(base, levels, 0, 60_000)).toBeUndefined();
    expect(
      applyTimer({ ...base, properties: { TIMER_DELAY_SEC: '61' } }, levels, 0, 60_000),
    ).toEqual({
      error: expect.stringMatching(/beyond timerMaxDelaySec/),
    });
    const past = applyTimer({ ...base, properties: { TIMER_DELIVER_MS: '5' } }, levels, 10, 60_000);
    expect(past).toEqual({ message: expect.objectContaining({ topic: 'T' }), level: 0 });
  });
});
