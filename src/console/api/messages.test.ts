import { describe, expect, it } from 'vitest';
import { CONSOLE_DEFAULTS as D } from '../defaults.js';
import { bodyViews, planScan, type QueueScan } from './messages.js';

const q = (queueId: number, from: number, to: number): QueueScan => ({
  brokerName: 'broker-a',
  brokerAddr: '127.0.0.1:10911',
  queueId,
  from,
  to,
});

describe('planScan', () => {
  it('reads every range whole when the caps allow', () => {
    const p = planScan([q(0, 0, 3), q(1, 5, 5), q(2, 2, 4)], 10, 100);
    expect(p).toEqual({ reads: [q(0, 0, 3), q(2, 2, 4)], scannedQueues: 3, truncated: false });
  });

  it('keeps the newest of a queue past the per-queue cap, and says so', () => {
    const p = planScan([q(0, 0, 50)], 10, 100);
    expect(p).toEqual({ reads: [q(0, 40, 50)], scannedQueues: 1, truncated: true });
  });

  it('stops at the total cap: the queues after it are not scanned', () => {
    const p = planScan([q(0, 0, 8), q(1, 0, 8), q(2, 0, 8), q(3, 0, 0)], 8, 12);
    expect(p.reads).toEqual([q(0, 0, 8), q(1, 4, 8)]);
    expect(p.scannedQueues).toBe(3);
    expect(p.truncated).toBe(true);
  });
});

describe('bodyViews', () => {
  it('gives text only for valid UTF-8, and says whether it is JSON', () => {
    expect(bodyViews(Buffer.from('{"a":1}'))).toEqual({
      bodyBase64: 'eyJhIjoxfQ==',
      bodyText: '{"a":1}',
      bodyJson: true,
    });
    expect(bodyViews(Buffer.from('héllo'))).toMatchObject({ bodyText: 'héllo', bodyJson: false });
    expect(bodyViews(Buffer.from([0xff, 0xfe, 0x00]))).toMatchObject({
      bodyText: null,
      bodyJson: false,
    });
  });
});

describe('message query bounds', () => {
  it('hold their relations', () => {
    // One queue's cap fits in a query's, and a page is never larger than the most allowed.
    expect(D.messageQueryMaxPerQueue).toBeLessThanOrEqual(D.messageQueryMaxTotal);
    expect(D.messagePageSizeDefault).toBeLessThanOrEqual(D.messagePageSizeMax);
    // A full page is always readable from one query's scan, and from one group's dead letters.
    expect(D.messagePageSizeMax).toBeLessThanOrEqual(D.messageQueryMaxTotal);
    expect(D.messagePageSizeMax).toBeLessThanOrEqual(D.dlqMaxMessages);
  });
});
