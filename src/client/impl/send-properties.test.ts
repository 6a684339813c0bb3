// sendPropertiesString must give the very string encodeProperties gives for the properties
// object the producer used to build: same entries, same order, the producer's values winning.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MessageConst } from '../../message/message.js';
import { encodeProperties } from '../../message/properties-codec.js';
import type { Message } from '../producer-types.js';
import {
  SEND_PROPERTIES_HEAD,
  sendPropertiesString,
  sendPropertiesTail,
} from './send-properties.js';

function viaObject(msg: Message, uniq: string): string {
  const p: Record<string, string> = {
    ...msg.properties,
    [MessageConst.WAIT]: 'true',
    [MessageConst.UNIQ_KEY]: uniq,
  };
  if (msg.tags) p[MessageConst.TAGS] = msg.tags;
  if (msg.keys) p[MessageConst.KEYS] = Array.isArray(msg.keys) ? msg.keys.join(' ') : msg.keys;
  if (msg.delayTimeLevel) p[MessageConst.DELAY] = String(msg.delayTimeLevel);
  return encodeProperties(p);
}

const name = fc.oneof(
  fc.constantFrom('WAIT', 'UNIQ_KEY', 'TAGS', 'KEYS', 'DELAY', 'a', '7', '__proto__'),
  fc.string({ minLength: 1, maxLength: 6 }),
);

describe('sendPropertiesString', () => {
  it('is what the properties object encoded to', () => {
    const msg = fc.record(
      {
        tags: fc.oneof(fc.constant(''), fc.string({ maxLength: 5 })),
        keys: fc.oneof(fc.string({ maxLength: 5 }), fc.array(fc.string({ maxLength: 4 }))),
        delayTimeLevel: fc.integer({ min: 0, max: 18 }),
        properties: fc.dictionary(name, fc.string({ maxLength: 5 }), { maxKeys: 6 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(msg, fc.string({ minLength: 1, maxLength: 32 }), (m, uniq) => {
        const full: Message = { topic: 'T', body: '', ...m };
        expect(sendPropertiesString(full, uniq)).toBe(viaObject(full, uniq));
      }),
      { numRuns: 3_000 },
    );
  });

  it('keeps an application property under a producer name in its place', () => {
    const m: Message = { topic: 'T', body: '', tags: 't', properties: { x: '1', WAIT: 'false' } };
    expect(sendPropertiesString(m, 'U')).toBe(
      'x\u00011\u0002WAIT\u0001true\u0002UNIQ_KEY\u0001U\u0002TAGS\u0001t\u0002',
    );
  });

  it('is head + key + tail for a message without properties of its own', () => {
    const msg = fc.record(
      {
        tags: fc.oneof(fc.constant(''), fc.string({ maxLength: 5 })),
        keys: fc.oneof(fc.string({ maxLength: 5 }), fc.array(fc.string({ maxLength: 4 }))),
        delayTimeLevel: fc.integer({ min: 0, max: 18 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(msg, fc.string({ minLength: 1, maxLength: 32 }), (m, uniq) => {
        const full: Message = { topic: 'T', body: '', ...m };
        const pieces = SEND_PROPERTIES_HEAD + uniq + sendPropertiesTail(full);
        expect(pieces).toBe(viaObject(full, uniq));
      }),
      { numRuns: 1_000 },
    );
    expect(sendPropertiesTail({ topic: 'T', body: '', properties: {} })).toBeUndefined();
  });
});
