import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger.js';
import type { MessageExt } from '../../message/message.js';
import {
  type ConcurrentContext,
  ConsumeConcurrentlyService,
  type ConsumeResult,
  consumeConcurrently,
  type MessageListener,
} from './consume-concurrently.js';
import { ConsumeLimiter } from './consume-limiter.js';
import type { OffsetStore } from './consumer-parts.js';
import { commitQueueOffset } from './offset-commit.js';
import { ProcessQueue } from './process-queue.js';

const mq = { topic: 'T', brokerName: 'b', queueId: 0 };

function queueWith(n: number): { pq: ProcessQueue; msgs: MessageExt[] } {
  const pq = new ProcessQueue(mq, 0);
  pq.nextOffset = n;
  const msgs = Array.from({ length: n }, (_, i) => ({ queueOffset: i, body: Buffer.alloc(1) }));
  for (const m of msgs) pq.add(m as MessageExt);
  return { pq, msgs: msgs as MessageExt[] };
}

function context(listener: MessageListener, max = 4, errors: Error[] = []): ConcurrentContext {
  return {
    listener,
    limiter: new ConsumeLimiter(max),
    log: silentLogger(),
    broadcasting: true, // failures are dropped, so no broker is needed here
    backContext: () => {
      throw new Error('no send-back in broadcasting');
    },
    report: (err) => errors.push(err),
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('consumeConcurrently', () => {
  it('reports each call to the stats: OK counts, and failed ones whether answered or thrown', async () => {
    const { pq, msgs } = queueWith(4);
    const seen: [string, number, number][] = [];
    const answers: (() => ConsumeResult)[] = [
      () => 'CONSUME_SUCCESS',
      () => 'RECONSUME_LATER',
      () => {
        throw new Error('boom');
      },
    ];
    const ctx = {
      ...context(() => answers.shift()!()),
      stats: {
        pulled: () => {},
        consumed: (topic: string, _ms: number, ok: number, failed: number) =>
          seen.push([topic, ok, failed]),
      },
    };
    consumeConcurrently(ctx, pq, msgs.slice(0, 2));
    consumeConcurrently(ctx, pq, [msgs[2]!]);
    consumeConcurrently(ctx, pq, [msgs[3]!]);
    await tick();
    expect(seen).toEqual([
      ['T', 2, 0],
      ['T', 0, 1],
      ['T', 0, 1],
    ]);
  });

  it('finishes a synchronous success in the same turn', () => {
    const { pq, msgs } = queueWith(3);
    const seen: number[] = [];
    const ctx = context((batch) => {
      for (const m of batch) seen.push(m.queueOffset);
      return 'CONSUME_SUCCESS';
    });
    for (const m of msgs) consumeConcurrently(ctx, pq, [m]);
    expect(seen).toEqual([0, 1, 2]);
    expect(pq.inflightCount).toBe(0);
    expect(pq.commitOffset()).toBe(3);
  });

  it('holds a slot while a promise runs, so at most consumeThreadMax calls run at once', async () => {
    const { pq, msgs } = queueWith(3);
    let running = 0;
    let peak = 0;
    const finish: (() => void)[] = [];
    const ctx = context(async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise<void>((r) => finish.push(r));
      running--;
      return undefined; // counts as success
    }, 2);
    for (const m of msgs) consumeConcurrently(ctx, pq, [m]);
    await tick();
    expect(running).toBe(2);
    while (finish.length > 0) {
      finish.shift()!();
      await tick();
    }
    await tick();
    expect(peak).toBe(2);
    expect(pq.inflightCount).toBe(0);
  });

  it('reports a thrown error and treats it as RECONSUME_LATER (dropped in broadcasting)', async () => {
    const { pq, msgs } = queueWith(2);
    const errors: Error[] = [];
    const results: ConsumeResult[] = ['RECONSUME_LATER'];
    const ctx = context(
      (batch) => {
        if (batch[0]!.queueOffset === 0) throw new Error('boom');
        return results[0];
      },
      4,
      errors,
    );
    for (const m of msgs) consumeConcurrently(ctx, pq, [m]);
    await tick();
    expect(errors.map((e) => e.message)).toEqual(['boom']);
    expect(pq.inflightCount).toBe(0);
  });
});

/** An offset store that keeps what it is given, and refuses while `refuse` is set. */
function memoryStore(): OffsetStore & { table: Map<number, number>; refuse: boolean } {
  return {
    remote: true,
    table: new Map(),
    refuse: false,
    load() {},
    async readOffset(q) {
      return this.table.get(q.queueId) ?? -1;
    },
    async updateOffset(q, offset) {
      if (!this.refuse) this.table.set(q.queueId, offset);
      return !this.refuse;
    },
    persistAll() {},
  };
}

describe('ConsumeConcurrentlyService', () => {
  it('splits what one pull found into batches of consumeMessageBatchMaxSize', () => {
    const { pq, msgs } = queueWith(5);
    const batches: number[][] = [];
    const s = new ConsumeConcurrentlyService(
      context((batch) => {
        batches.push(batch.map((m) => m.queueOffset));
        return 'CONSUME_SUCCESS';
      }),
      2,
    );
    s.submit(pq, msgs);
    expect(batches).toEqual([[0, 1], [2, 3], [4]]);
  });

  it('commits the smallest offset still in flight, and only what the store took', async () => {
    const { pq, msgs } = queueWith(4);
    let finishFirst: (() => void) | undefined;
    const s = new ConsumeConcurrentlyService(
      context((batch) => {
        if (batch[0]!.queueOffset !== 1) return 'CONSUME_SUCCESS';
        return new Promise<ConsumeResult>((r) => {
          finishFirst = () => r('CONSUME_SUCCESS');
        });
      }),
      1,
    );
    const store = memoryStore();
    s.submit(pq, msgs);
    await commitQueueOffset(store, pq);
    expect(store.table.get(0)).toBe(1); // 0, 2 and 3 are done; 1 is not
    finishFirst!();
    await tick();
    store.refuse = true;
    await commitQueueOffset(store, pq);
    expect(pq.lastCommitted).toBe(1); // refused: tried again next time
    store.refuse = false;
    await commitQueueOffset(store, pq);
    expect(store.table.get(0)).toBe(4);
    expect(pq.lastCommitted).toBe(4);
  });
});
