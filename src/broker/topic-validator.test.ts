import { describe, expect, it } from 'vitest';
import { isNotAllowedSendTopic, validateGroup, validateTopic } from './topic-validator.js';

describe('topic and group names', () => {
  it('accepts RocketMQ-legal names and rejects the rest with a reason', () => {
    expect(validateTopic('TopicTest')).toBeNull();
    expect(validateTopic('%RETRY%group-1')).toBeNull();
    expect(validateTopic('a|b_c-d')).toBeNull();
    expect(validateTopic('')).toMatch(/blank/);
    expect(validateTopic('   ')).toMatch(/blank/);
    expect(validateTopic('has space')).toMatch(/illegal characters/);
    expect(validateTopic('订单')).toMatch(/illegal characters/);
    expect(validateTopic('x'.repeat(127))).toBeNull();
    expect(validateTopic('x'.repeat(128))).toMatch(/max length 127/);
    expect(validateTopic(`%RETRY%${'g'.repeat(200)}`)).toBeNull();
    expect(validateGroup('g'.repeat(121))).toMatch(/max length 120/);
    expect(isNotAllowedSendTopic('SCHEDULE_TOPIC_XXXX')).toBe(true);
    expect(isNotAllowedSendTopic('TopicTest')).toBe(false);
  });
});
