import { describe, expect, it } from 'vitest';
import { pollUntil } from '../../../test/harness/poll.js';
import { silentLogger } from '../../common/logger.js';
import type { MessageExt } from '../../message/message.js';
import type { RemotingCommand } from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import type { MessageListener } from './consume-concurrently.js';
import { ConsumeLimiter } from './consume-limiter.js';
import { ConsumeOrderlyService, type OrderlyContext } from './consume-orderly.js';
import type { BrokerInvoker, LockRenewal } from './consumer-parts.js';
import { ProcessQueue } from './process-queue.js';

const mq = { topic: 'T', brokerName: 'b', queueId: 0 };

/** A locked queue holding messages at offsets 0..n-1, as the pull service leaves it. */
function pulled(n: number): { pq: ProcessQueue; msgs: MessageExt[] } {
  const pq = new ProcessQueue(mq, n);
  pq.locked = true;
  const msgs = Array.from({ length: n }, (_, i) => message(i));
  for (const m of msgs) pq.add(m);
  return { pq, msgs };
}

function message(queueOffset: number): MessageExt {
  const props = { UNIQ_KEY: `id${queueOffset}` };
  const m = { queueOffset, body: Buffer.alloc(1), properties: props, reconsumeTimes: 0 };
  return m as unknown as MessageExt;
}

/** Records what would go to the broker; every send-back is taken. */
function recordingBroker(sent: RemotingCommand[]): BrokerInvoker {
  return {
    clientId: 'c',
    invokeBroker: async (_name, cmd) => {
      sent.push(cmd);
      return { code: 0, extFields: {} } as RemotingCommand;
    },
  };
}

function service(listener: MessageListener, sent: RemotingCommand[] = [], locks?: LockRenewal) {
  const ctx: OrderlyContext = {
    listener,
    limiter: new ConsumeLimiter(4),
    log: silentLogger(),
    backContext: () => ({
      client: recordingBroker(sent),
      log: silentLogger(),
      group: 'G',
      retryTopic: '%RETRY%G',
      maxReconsumeTimes: 2,
    }),
    report: () => {},
    isRunning: () => true,
  };
  const noLocks: LockRenewal = { lockAll: async () => {} };
  return new ConsumeOrderlyService(ctx, locks ?? noLocks, {
    maxReconsumeTimes: 2,
    suspendMs: 5,
    lockRenewMs: 5,
  });
}

/** Polls a condition under a generous deadline; the expect() after it reports a miss. */
const until = (cond: () => boolean) => pollUntil(cond, (done) => done, 20_000, 2);

describe('ConsumeOrderlyService', () => {
  it('hands one message at a time to the listener, in queue order, across submits', async () => {
    const seen: number[] = [];
    let running = 0;
    let peak = 0;
    const s = service(async (batch) => {
      peak = Math.max(peak, ++running);
      await new Promise((r) => setTimeout(r, 1));
      seen.push(...batch.map((m) => m.queueOffset));
      running--;
      return 'CONSUME_SUCCESS' as const;
    });
    const { pq, msgs } = pulled(6);
    s.submit(pq, msgs.slice(0, 3));
    s.submit(pq, msgs.slice(3));
    await until(() => seen.length === 6);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
    expect(peak).toBe(1);
    await until(() => pq.inflightCount === 0);
    expect(pq.commitOffset()).toBe(6);
  });

  it('suspends the queue on a failure and retries the same message; the commit waits', async () => {
    const seen: number[] = [];
    let failures = 1;
    let commitWhileFailing = -1;
    const { pq, msgs } = pulled(3);
    const s = service((batch) => {
      const off = batch[0]!.queueOffset;
      seen.push(off);
      if (off === 1 && failures-- > 0) {
        commitWhileFailing = pq.commitOffset();
        throw new Error('not yet');
      }
      return 'CONSUME_SUCCESS';
    });
    s.submit(pq, msgs);
    await until(() => pq.inflightCount === 0);
    expect(seen).toEqual([0, 1, 1, 2]);
    expect(commitWhileFailing).toBe(1);
    expect(msgs[1]!.reconsumeTimes).toBe(1);
  });

  it('past maxReconsumeTimes sends the message to the DLQ (delay level -1) and moves on', async () => {
    const sent: RemotingCommand[] = [];
    const seen: number[] = [];
    const s = service((batch) => {
      seen.push(batch[0]!.queueOffset);
      return batch[0]!.queueOffset === 0 ? 'RECONSUME_LATER' : 'CONSUME_SUCCESS';
    }, sent);
    const { pq, msgs } = pulled(2);
    s.submit(pq, msgs);
    await until(() => pq.inflightCount === 0);
    expect(seen).toEqual([0, 0, 0, 1]); // the first call and maxReconsumeTimes (2) retries
    expect(sent.map((c) => [c.code, c.extFields.delayLevel])).toEqual([
      [RequestCode.CONSUMER_SEND_MSG_BACK, '-1'],
    ]);
  });

  it('consumes nothing without the lock, and resumes when the renewal gets it back', async () => {
    const seen: number[] = [];
    const { pq, msgs } = pulled(2);
    pq.locked = false;
    let renewals = 0;
    const locks: LockRenewal = {
      lockAll: async (onLocked) => {
        if (++renewals < 3) return;
        pq.locked = true;
        onLocked(pq);
      },
    };
    const s = service(
      (batch) => {
        seen.push(batch[0]!.queueOffset);
        return 'CONSUME_SUCCESS';
      },
      [],
      locks,
    );
    s.submit(pq, msgs);
    expect(seen).toEqual([]);
    s.start();
    try {
      await until(() => seen.length === 2);
    } finally {
      s.shutdown();
    }
    expect(renewals).toBeGreaterThanOrEqual(3);
    expect(seen).toEqual([0, 1]);
  });
});
