import { describe, expect, it } from 'vitest';
import { alterTopicAttributes, isBatchCq } from './topic-attributes.js';

describe('topic attributes (+key=value / -key)', () => {
  it('sets queue.type at creation and keeps other keys', () => {
    expect(alterTopicAttributes(undefined, '+queue.type=BatchCQ,+message.type=NORMAL')).toEqual({
      'queue.type': 'BatchCQ',
      'message.type': 'NORMAL',
    });
    expect(isBatchCq({ 'queue.type': 'BatchCQ' })).toBe(true);
    expect(isBatchCq({})).toBe(false);
    expect(alterTopicAttributes({ a: '1' }, undefined)).toEqual({ a: '1' });
  });

  it('refuses a change of queue.type, an unknown type and malformed parts', () => {
    const batch = { 'queue.type': 'BatchCQ' };
    expect(alterTopicAttributes(batch, '+queue.type=SimpleCQ')).toMatch(/cannot change/);
    expect(alterTopicAttributes(batch, '-queue.type')).toMatch(/cannot change/);
    expect(alterTopicAttributes({}, '+queue.type=BatchCQ')).toMatch(/cannot change/);
    expect(alterTopicAttributes({}, '+queue.type=SimpleCQ')).toEqual({ 'queue.type': 'SimpleCQ' });
    expect(alterTopicAttributes(batch, '+queue.type=BatchCQ')).toEqual(batch);
    expect(alterTopicAttributes(undefined, '+queue.type=Fancy')).toMatch(/SimpleCQ or BatchCQ/);
    expect(alterTopicAttributes(undefined, 'queue.type=BatchCQ')).toMatch(/not \+key=value/);
    expect(alterTopicAttributes(undefined, '+a=1,+a=2')).toMatch(/twice/);
    expect(alterTopicAttributes(undefined, '-a')).toMatch(/while creating/);
    expect(alterTopicAttributes({}, '-a')).toMatch(/not set/);
  });
});
