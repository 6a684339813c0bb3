// autoBatch's options and which sends it takes (DefaultMQProducer#canBatch and the send
// overloads that go through the accumulator in Java 5.1.4).
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger.js';
import { Producer } from '../producer.js';
import type { Message } from '../producer-types.js';
import { AUTO_BATCH_DEFAULTS, canBatch, validateAutoBatchOptions } from './auto-batch-send.js';

const msg = (more: Partial<Message> = {}): Message => ({ topic: 'T', body: 'x', ...more });

describe('autoBatch options', () => {
  it("defaults to Java's: off, 10 ms, 32 KiB, 32 MiB", () => {
    expect(AUTO_BATCH_DEFAULTS).toEqual({
      autoBatch: false,
      batchMaxDelayMs: 10,
      batchMaxBytes: 32 * 1024,
      totalBatchMaxBytes: 32 * 1024 * 1024,
    });
    expect(() => validateAutoBatchOptions(AUTO_BATCH_DEFAULTS)).not.toThrow();
  });

  it.each([
    ['batchMaxDelayMs', 0, /batchMaxDelayMs must be an integer in \[1, 30000\], not 0/],
    ['batchMaxDelayMs', 30_001, /batchMaxDelayMs/],
    ['batchMaxDelayMs', 1.5, /batchMaxDelayMs/],
    ['batchMaxBytes', 0, /batchMaxBytes must be an integer in \[1, 2097152\]/],
    ['batchMaxBytes', 2 * 1024 * 1024 + 1, /batchMaxBytes/],
    ['totalBatchMaxBytes', -1, /totalBatchMaxBytes/],
    ['totalBatchMaxBytes', '1', /totalBatchMaxBytes/],
    ['autoBatch', 'yes', /autoBatch must be true or false/],
  ])('refuses %s = %s with a clear error', (name, value, error) => {
    expect(() => validateAutoBatchOptions({ ...AUTO_BATCH_DEFAULTS, [name]: value })).toThrow(
      error,
    );
  });

  it('accepts the ends of the ranges', () => {
    const ends = { batchMaxDelayMs: 30_000, batchMaxBytes: 2 * 1024 * 1024, totalBatchMaxBytes: 1 };
    expect(() => validateAutoBatchOptions({ ...AUTO_BATCH_DEFAULTS, ...ends })).not.toThrow();
  });

  it('is checked when the producer is made', () => {
    const make = (batchMaxBytes: number) =>
      new Producer({
        namesrvAddr: '127.0.0.1:1',
        producerGroup: 'G',
        logger: silentLogger(),
        autoBatch: true,
        batchMaxBytes,
      });
    expect(() => make(0)).toThrow(/batchMaxBytes must be an integer/);
    expect(make(1024)).toBeInstanceOf(Producer);
  });
});

describe('canBatch', () => {
  it('takes a plain send, with a shardingKey, a selector or a fixed queue', () => {
    expect(canBatch(msg({ tags: 'A', keys: ['k'] }), {})).toBe(true);
    expect(canBatch(msg(), { shardingKey: 'order-1' })).toBe(true);
    expect(canBatch(msg(), { selector: (qs) => qs[0]!, selectorArg: 1 })).toBe(true);
    const mq = { topic: 'T', brokerName: 'b', queueId: 0 };
    expect(canBatch(msg({ properties: { a: '1' } }), { messageQueue: mq })).toBe(true);
  });

  it('leaves sends given a timeout, a signal or a queueId to the normal path', () => {
    expect(canBatch(msg(), { timeoutMs: 1000 })).toBe(false);
    expect(canBatch(msg(), { signal: new AbortController().signal })).toBe(false);
    expect(canBatch(msg(), { queueId: 0 })).toBe(false);
  });

  it('leaves delay, timer, retry-topic and transactional messages to the normal path', () => {
    expect(canBatch(msg({ delayTimeLevel: 3 }), {})).toBe(false);
    expect(canBatch(msg({ properties: { DELAY: '2' } }), {})).toBe(false);
    for (const k of ['TIMER_DELIVER_MS', 'TIMER_DELAY_SEC', 'TIMER_DELAY_MS']) {
      expect(canBatch(msg({ properties: { [k]: '1000' } }), {})).toBe(false);
    }
    expect(canBatch(msg({ topic: '%RETRY%G' }), {})).toBe(false);
    expect(canBatch(msg({ properties: { PGROUP: 'G' } }), {})).toBe(false);
    expect(canBatch(msg({ properties: { TRAN_MSG: 'true' } }), {})).toBe(false);
  });
});
