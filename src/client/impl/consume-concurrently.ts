// Concurrent consumption (ConsumeMessageConcurrentlyService): pulled messages go to the listener
// in batches of up to consumeMessageBatchMaxSize, many calls at once (bounded by the limiter). A
// failed batch (RECONSUME_LATER or a throw) is sent back to the broker message by message, which
// redelivers it later through %RETRY%<group>; what the broker will not take back is retried here
// after a pause. BROADCASTING drops failed messages, as RocketMQ does. ConsumeConcurrentlyService
// is the push consumer's ConsumeService of this kind.
import { CONSUMER_RETRY_DELAY_MS } from '../../common/limits.js';
import type { Logger } from '../../common/logger.js';
import type { MessageExt } from '../../message/message.js';
import { sleep } from './abort.js';
import type { MessageQueue } from './allocate.js';
import type { ConsumeLimiter } from './consume-limiter.js';
import type { ConsumeService } from './consumer-parts.js';
import type { ConsumerStatsSink } from './consumer-stats.js';
import type { ProcessQueue } from './process-queue.js';
import { type SendBackContext, sendMessageBack } from './send-back.js';

export type ConsumeResult = 'CONSUME_SUCCESS' | 'RECONSUME_LATER';
export type MessageListener = (
  msgs: MessageExt[],
  ctx: { queue: MessageQueue },
) => Promise<ConsumeResult | undefined> | ConsumeResult | undefined;

/** What concurrent consumption needs from its push consumer. */
export interface ConcurrentContext {
  readonly listener: MessageListener;
  readonly limiter: ConsumeLimiter;
  readonly log: Logger;
  /** BROADCASTING: failures are dropped, not sent back. */
  readonly broadcasting: boolean;
  backContext(): SendBackContext;
  report(err: Error): void;
  /** Consume RT and OK/failed counts by topic (the running info's statusTable). */
  readonly stats?: ConsumerStatsSink;
}

/** One listener call's figures: a failed call counts each of its messages as failed. */
export function recordConsume(
  ctx: Pick<ConcurrentContext, 'stats'>,
  pq: ProcessQueue,
  count: number,
  began: number,
  result: ConsumeResult,
): void {
  const ok = result === 'CONSUME_SUCCESS' ? count : 0;
  ctx.stats?.consumed(pq.mq.topic, Date.now() - began, ok, count - ok);
}

/** Pulled messages go to the listener in batches of up to consumeMessageBatchMaxSize. */
export class ConsumeConcurrentlyService implements ConsumeService {
  readonly orderly = false;
  private readonly ctx: ConcurrentContext;
  private readonly batchMax: number;

  constructor(ctx: ConcurrentContext, consumeMessageBatchMaxSize: number) {
    this.ctx = ctx;
    this.batchMax = consumeMessageBatchMaxSize;
  }

  submit(pq: ProcessQueue, msgs: MessageExt[]): void {
    const max = this.batchMax;
    if (msgs.length <= max) consumeConcurrently(this.ctx, pq, msgs);
    else {
      for (let i = 0; i < msgs.length; i += max) {
        consumeConcurrently(this.ctx, pq, msgs.slice(i, i + max));
      }
    }
  }

  start(): void {}

  shutdown(): void {}
}

/**
 * One listener call for `msgs`. With a free slot and a listener that answers without a promise
 * it all happens now, in this turn (most listeners; a backlog drain paid for several promises
 * per message before); anything else goes on in consumeAsync.
 */
export function consumeConcurrently(
  ctx: ConcurrentContext,
  pq: ProcessQueue,
  msgs: MessageExt[],
): void {
  if (!ctx.limiter.tryAcquire()) return void consumeAsync(ctx, pq, msgs);
  let answer: ReturnType<MessageListener>;
  const began = Date.now();
  try {
    answer = ctx.listener(msgs, { queue: pq.mq });
  } catch (err) {
    ctx.limiter.release();
    ctx.report(err as Error);
    recordConsume(ctx, pq, msgs.length, began, 'RECONSUME_LATER');
    return void consumeAsync(ctx, pq, msgs, 'RECONSUME_LATER');
  }
  if (typeof answer === 'object' && answer !== null) {
    // A promise (or any thenable): the slot is held until it settles.
    void Promise.resolve(answer)
      .then(
        (r): ConsumeResult => r ?? 'CONSUME_SUCCESS',
        (err: unknown): ConsumeResult => {
          ctx.report(err as Error);
          return 'RECONSUME_LATER';
        },
      )
      .then((r) => {
        ctx.limiter.release();
        recordConsume(ctx, pq, msgs.length, began, r);
        return consumeAsync(ctx, pq, msgs, r);
      });
    return;
  }
  ctx.limiter.release();
  recordConsume(ctx, pq, msgs.length, began, answer ?? 'CONSUME_SUCCESS');
  if ((answer ?? 'CONSUME_SUCCESS') === 'CONSUME_SUCCESS' || pq.dropped) {
    for (const m of msgs) pq.remove(m.queueOffset);
    return;
  }
  void consumeAsync(ctx, pq, msgs, 'RECONSUME_LATER');
}

/** Listener calls after `first` (an answer already given), with retries as needed. */
async function consumeAsync(
  ctx: ConcurrentContext,
  pq: ProcessQueue,
  msgs: MessageExt[],
  first?: ConsumeResult,
): Promise<void> {
  let batch = msgs;
  let result = first;
  for (;;) {
    if (result === undefined) {
      await ctx.limiter.acquire();
      const began = Date.now();
      try {
        result = (await ctx.listener(batch, { queue: pq.mq })) ?? 'CONSUME_SUCCESS';
      } catch (err) {
        ctx.report(err as Error);
        result = 'RECONSUME_LATER';
      } finally {
        ctx.limiter.release();
      }
      recordConsume(ctx, pq, batch.length, began, result);
    }
    if (result === 'CONSUME_SUCCESS' || pq.dropped) break;
    if (ctx.broadcasting) {
      ctx.log.warn({ count: batch.length }, 'broadcast messages failed; dropped as RocketMQ does');
      break;
    }
    const left: MessageExt[] = [];
    for (const m of batch) {
      if (!(await sendMessageBack(ctx.backContext(), pq.mq.brokerName, m, 0))) left.push(m);
    }
    if (left.length === 0) break;
    // The broker could not take them back either: retry here after a pause.
    for (const m of left) m.reconsumeTimes++;
    batch = left;
    result = undefined;
    await sleep(CONSUMER_RETRY_DELAY_MS);
  }
  for (const m of msgs) pq.remove(m.queueOffset);
}
