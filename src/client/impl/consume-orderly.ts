// Orderly consumption (ConsumeMessageOrderlyService): one worker per queue hands its messages to
// the listener strictly in queue order, one call at a time, and only while the queue's broker
// lock is held. A failure (RECONSUME_LATER or a throw) suspends the queue for
// suspendCurrentQueueTimeMillis and retries the same message; past maxReconsumeTimes it goes to
// %DLQ%<group> (send-back with delay level -1) and the queue moves on. Locks are renewed every
// REBALANCE_LOCK_INTERVAL (lockMQPeriodically); a queue whose lock came back resumes.
import type { MessageExt } from '../../message/message.js';
import { sleep } from './abort.js';
import {
  type ConcurrentContext,
  type ConsumeResult,
  recordConsume,
} from './consume-concurrently.js';
import type { ConsumeService, LockRenewal } from './consumer-parts.js';
import type { ProcessQueue } from './process-queue.js';
import { sendMessageBack } from './send-back.js';

export interface OrderlyContext extends Omit<ConcurrentContext, 'broadcasting'> {
  isRunning(): boolean;
}

export interface OrderlyOptions {
  maxReconsumeTimes: number;
  suspendMs: number;
  lockRenewMs: number;
}

export class ConsumeOrderlyService implements ConsumeService {
  readonly orderly = true;
  private readonly ctx: OrderlyContext;
  private readonly locks: LockRenewal;
  private readonly o: OrderlyOptions;
  private renewTimer: NodeJS.Timeout | undefined;

  constructor(ctx: OrderlyContext, locks: LockRenewal, options: OrderlyOptions) {
    this.ctx = ctx;
    this.locks = locks;
    this.o = options;
  }

  submit(pq: ProcessQueue, msgs: MessageExt[]): void {
    for (const m of msgs) pq.pending.push(m);
    void this.consume(pq);
  }

  start(): void {
    const kick = (pq: ProcessQueue) => void this.consume(pq);
    this.renewTimer = setInterval(
      () => void this.locks.lockAll(kick).catch((err: Error) => this.ctx.report(err)),
      this.o.lockRenewMs,
    );
    this.renewTimer.unref();
  }

  shutdown(): void {
    clearInterval(this.renewTimer);
  }

  /** The queue's worker; a call while one runs returns at once (that one sees the new messages). */
  async consume(pq: ProcessQueue): Promise<void> {
    if (pq.consuming) return;
    pq.consuming = true;
    try {
      while (this.ctx.isRunning() && !pq.dropped && pq.locked && pq.pending.length > 0) {
        const m = pq.pending[0]!;
        if (!(await this.consumeOne(pq, m))) {
          m.reconsumeTimes++;
          if (m.reconsumeTimes <= this.o.maxReconsumeTimes) {
            await sleep(this.o.suspendMs);
            continue;
          }
          await sendMessageBack(this.ctx.backContext(), pq.mq.brokerName, m, -1);
        }
        pq.pending.shift();
        pq.remove(m.queueOffset);
      }
    } finally {
      pq.consuming = false;
    }
  }

  /** One listener call; true when it consumed the message. */
  private async consumeOne(pq: ProcessQueue, m: MessageExt): Promise<boolean> {
    await this.ctx.limiter.acquire();
    let result: ConsumeResult;
    const began = Date.now();
    try {
      result = (await this.ctx.listener([m], { queue: pq.mq })) ?? 'CONSUME_SUCCESS';
    } catch (err) {
      this.ctx.log.warn({ err }, 'orderly listener failed; retrying the same message');
      result = 'RECONSUME_LATER';
    } finally {
      this.ctx.limiter.release();
    }
    recordConsume(this.ctx, pq, 1, began, result);
    return result === 'CONSUME_SUCCESS';
  }
}
