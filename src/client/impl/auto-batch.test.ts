// The autoBatch accumulator with a recording sender and hand-driven timers: what sends a batch
// (bytes, delay, maxMessageSize, close), how it is keyed, each send's own result, the batch's
// error for all, and the bytes held until the answer (totalBatchMaxBytes).
import { describe, expect, it } from 'vitest';
import type { SendResult } from '../producer-types.js';
import type { MessageQueue } from './allocate.js';
import { type AutoBatchLimits, type BatchTimers, ProduceAccumulator } from './auto-batch.js';

interface Sent {
  topic: string;
  mq: MessageQueue | undefined;
  body: Buffer;
  msgIds: string;
  resolve(r: SendResult): void;
  reject(err: unknown): void;
}

/** Timers fired by the test: pending ones by fire(), cleared ones dropped. */
class ManualTimers implements BatchTimers {
  private readonly pending = new Map<number, { fn: () => void; ms: number }>();
  private next = 0;
  set(fn: () => void, ms: number): unknown {
    this.pending.set(++this.next, { fn, ms });
    return this.next;
  }
  clear(h: unknown): void {
    this.pending.delete(h as number);
  }
  get count(): number {
    return this.pending.size;
  }
  delays(): number[] {
    return [...this.pending.values()].map((t) => t.ms);
  }
  fireAll(): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const t of all) t.fn();
  }
}

const LIMITS: AutoBatchLimits = {
  batchMaxDelayMs: 10,
  batchMaxBytes: 100,
  totalBatchMaxBytes: 1_000,
  maxMessageSize: 10_000,
};

function setup(limits: Partial<AutoBatchLimits> = {}) {
  const sent: Sent[] = [];
  const timers = new ManualTimers();
  const acc = new ProduceAccumulator(
    { ...LIMITS, ...limits },
    (topic, mq, body, msgIds) =>
      new Promise<SendResult>((resolve, reject) => {
        sent.push({ topic, mq, body, msgIds, resolve, reject });
      }),
    timers,
  );
  let n = 0;
  /** Admits and adds a message of `bodyBytes` (its item is that many bytes plus a label). */
  const add = (bodyBytes: number, topic = 'T', mq?: MessageQueue, tags?: string) => {
    const uniqKey = `K${++n}`;
    expect(acc.tryReserve(bodyBytes)).toBe(true);
    const item = Buffer.concat([Buffer.from(`${uniqKey};`), Buffer.alloc(bodyBytes)]);
    return acc.add(topic, mq, tags, { item, bodyBytes, uniqKey });
  };
  return { acc, sent, timers, add };
}

const MQ: MessageQueue = { topic: 'T', brokerName: 'broker-a', queueId: 3 };

function batchResult(msgIds: string, offsetMsgId: string, queueOffset = 40): SendResult {
  return { sendStatus: 'SEND_OK', msgId: msgIds, offsetMsgId, messageQueue: MQ, queueOffset };
}

describe('ProduceAccumulator triggers', () => {
  it('sends once the bodies reach batchMaxBytes, the items in arrival order', () => {
    const { sent, timers, add } = setup();
    void add(40);
    void add(40);
    expect(sent).toHaveLength(0);
    void add(20);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.msgIds).toBe('K1,K2,K3');
    expect(sent[0]!.body.length).toBe(3 * 3 + 100);
    expect(sent[0]!.body.subarray(0, 3).toString()).toBe('K1;');
    expect(sent[0]!.body.subarray(43, 46).toString()).toBe('K2;');
    expect(timers.count).toBe(0); // the size trigger clears the delay
  });

  it('sends a batch below batchMaxBytes once batchMaxDelayMs passes', () => {
    const { sent, timers, add } = setup();
    void add(5);
    void add(5);
    expect(timers.delays()).toEqual([10]);
    expect(sent).toHaveLength(0);
    timers.fireAll();
    expect(sent.map((s) => s.msgIds)).toEqual(['K1,K2']);
  });

  it('sends the batch first when a message would take it past maxMessageSize', () => {
    const { sent, add } = setup({ maxMessageSize: 60, batchMaxBytes: 1_000 });
    void add(25);
    void add(25);
    expect(sent).toHaveLength(0);
    void add(25); // 3 × 28 wire bytes > 60
    expect(sent.map((s) => s.msgIds)).toEqual(['K1,K2']);
  });

  it('keeps a batch per topic, fixed queue and tags (AggregateKey)', () => {
    const { sent, timers, acc, add } = setup();
    void add(1, 'T');
    void add(1, 'U');
    void add(1, 'T', MQ);
    void add(1, 'T', { ...MQ, queueId: 4 });
    void add(1, 'T', undefined, 'TagA');
    void add(1, 'T');
    expect(acc.pendingBatches).toBe(5);
    timers.fireAll();
    expect(sent.map((s) => [s.topic, s.mq?.queueId, s.msgIds])).toEqual([
      ['T', undefined, 'K1,K6'],
      ['U', undefined, 'K2'],
      ['T', 3, 'K3'],
      ['T', 4, 'K4'],
      ['T', undefined, 'K5'],
    ]);
  });
});

describe('ProduceAccumulator results', () => {
  it('resolves each send with its own msgId, offset msgId and queueOffset', async () => {
    const { sent, timers, add } = setup();
    const results = [add(1), add(1), add(1)];
    timers.fireAll();
    sent[0]!.resolve(batchResult('K1,K2,K3', 'O1,O2,O3', 40));
    const rs = await Promise.all(results);
    expect(rs.map((r) => [r.msgId, r.offsetMsgId, r.queueOffset])).toEqual([
      ['K1', 'O1', 40],
      ['K2', 'O2', 41],
      ['K3', 'O3', 42],
    ]);
    expect(rs.every((r) => r.messageQueue === MQ && r.sendStatus === 'SEND_OK')).toBe(true);
  });

  it('gives every send the one offset msgId when the broker answers one for the batch', async () => {
    const { sent, timers, add } = setup();
    const results = [add(1), add(1)];
    timers.fireAll();
    sent[0]!.resolve(batchResult('K1,K2', 'ONLY', 7));
    const rs = await Promise.all(results);
    expect(rs.map((r) => [r.msgId, r.offsetMsgId, r.queueOffset])).toEqual([
      ['K1', 'ONLY', 7],
      ['K2', 'ONLY', 8],
    ]);
  });

  it("rejects every send of a batch with the batch's error", async () => {
    const { sent, timers, add, acc } = setup();
    const results = [add(1), add(1)].map((p) => p.catch((e: unknown) => e));
    void add(1, 'Other'); // another batch, not affected
    timers.fireAll();
    const boom = new Error('SYSTEM_BUSY');
    sent[0]!.reject(boom);
    expect(await Promise.all(results)).toEqual([boom, boom]);
    expect(acc.heldBytes).toBe(1); // the other batch's, still unanswered
  });

  it('rejects the sends when the sender throws instead of returning a promise', async () => {
    const timers = new ManualTimers();
    const boom = new Error('no route');
    const acc = new ProduceAccumulator(
      LIMITS,
      () => {
        throw boom;
      },
      timers,
    );
    acc.tryReserve(3);
    const r = acc.add('T', undefined, undefined, {
      item: Buffer.alloc(3),
      bodyBytes: 3,
      uniqKey: 'K',
    });
    timers.fireAll();
    await expect(r).rejects.toBe(boom);
    expect(acc.heldBytes).toBe(0);
  });
});

describe('ProduceAccumulator totalBatchMaxBytes', () => {
  it('refuses bytes past the total and admits again once a batch is answered', async () => {
    const { acc, sent, timers, add } = setup({ totalBatchMaxBytes: 100, batchMaxBytes: 1_000 });
    const first = add(60);
    expect(acc.tryReserve(50)).toBe(false); // 110 > 100: the caller sends it unbatched
    expect(acc.heldBytes).toBe(60);
    timers.fireAll();
    expect(acc.tryReserve(50)).toBe(false); // sent, not answered: still held
    sent[0]!.resolve(batchResult('K1', 'O1'));
    await first;
    expect(acc.heldBytes).toBe(0);
    expect(acc.tryReserve(50)).toBe(true);
    acc.release(50);
    expect(acc.heldBytes).toBe(0);
  });

  it('asserts on releasing bytes it never held', () => {
    const { acc } = setup();
    expect(() => acc.release(1)).toThrow(/released more bytes/);
  });
});

describe('ProduceAccumulator close', () => {
  it('sends every pending batch and resolves only once all are answered', async () => {
    const { acc, sent, timers, add } = setup();
    const results = [add(1, 'T'), add(1, 'U')];
    let closed = false;
    const closing = acc.close().then(() => {
      closed = true;
    });
    expect(sent.map((s) => s.topic)).toEqual(['T', 'U']);
    expect(timers.count).toBe(0);
    sent[0]!.resolve(batchResult('K1', 'O1'));
    await results[0];
    expect(closed).toBe(false);
    sent[1]!.reject(new Error('down'));
    await closing;
    expect(closed).toBe(true);
    await expect(results[1]).rejects.toThrow('down');
    expect(acc.pendingBatches).toBe(0);
  });
});
