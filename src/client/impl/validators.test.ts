import { describe, expect, it } from 'vitest';
import { MQClientError } from '../errors.js';
import { checkMessage, checkTopic } from './validators.js';

describe('producer-side validation (Validators#checkMessage)', () => {
  it('accepts legal topics and refuses blank, long, ill-formed and system ones', () => {
    expect(() => checkTopic('Topic_A-1%ns|x')).not.toThrow();
    expect(() => checkTopic('  ')).toThrow(/blank/);
    expect(() => checkTopic('a'.repeat(128))).toThrow(/128 characters, over 127/);
    expect(() => checkTopic('a b')).toThrow(/illegal characters/);
    expect(() => checkMessage('SCHEDULE_TOPIC_XXXX', 1, 10)).toThrow(/system topic/);
  });

  it('refuses empty bodies and bodies over maxMessageSize with MESSAGE_ILLEGAL', () => {
    expect(() => checkMessage('T', 0, 10)).toThrow(/empty/);
    try {
      checkMessage('T', 11, 10);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(MQClientError);
      expect((err as MQClientError).responseCode).toBe(13);
      expect((err as Error).message).toMatch(/11 bytes, over maxMessageSize 10/);
    }
    expect(() => checkMessage('T', 10, 10)).not.toThrow();
  });
});
