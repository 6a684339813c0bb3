// Read-ahead pulls (pullPipelineDepth > 1) against a broker whose answers the test releases one
// at a time: which offsets go out, which may park, and that a guess answered after its
// predecessor ended elsewhere never reaches the process queue.
import { describe, expect, it } from 'vitest';
import { pollUntil } from '../../../test/harness/poll.js';
import type { MessageExt } from '../../message/message.js';
import { type PullMessageRequestHeader, PullSysFlag } from '../../protocol/headers/pull.js';
import type { ConsumeService, PullApi, PullResult } from './consumer-parts.js';
import { ProcessQueue } from './process-queue.js';
import { PullService, type PullServiceOptions } from './pull-service.js';

const mq = { topic: 'T', brokerName: 'b', queueId: 0 };

function found(from: number, n: number, maxOffset: number): PullResult {
  const msgs = Array.from({ length: n }, (_, i) => {
    const m = { topic: 'T', queueOffset: from + i, body: Buffer.alloc(10), properties: {} };
    return m as unknown as MessageExt;
  });
  return {
    status: 'FOUND',
    code: 0,
    remark: undefined,
    nextBeginOffset: from + n,
    maxOffset,
    msgs,
  };
}

interface Sent {
  header: PullMessageRequestHeader;
  answer(r: PullResult | Error): void;
}

function start(pq: ProcessQueue, o: Partial<PullServiceOptions>) {
  const sent: Sent[] = [];
  let open = 0;
  let maxOpen = 0;
  const api: PullApi = {
    pull(_broker, header) {
      open++;
      maxOpen = Math.max(maxOpen, open);
      return new Promise((resolve, reject) => {
        sent.push({
          header: { ...header },
          answer: (r) => {
            open--;
            if (r instanceof Error) reject(r);
            else resolve(r);
          },
        });
      });
    },
  };
  const submitted: number[] = [];
  const consume: ConsumeService = {
    orderly: false,
    submit: (_pq, msgs) => void submitted.push(...msgs.map((m) => m.queueOffset)),
    start() {},
    shutdown() {},
  };
  const errors: Error[] = [];
  const host = {
    isRunning: () => true,
    subscription: () => ({ subString: '*', tagsSet: [], codeSet: [], subVersion: 1 }),
    onPullError: (err: Error) => void errors.push(err),
    report: (err: Error) => void errors.push(err),
  };
  const service = new PullService(
    { api, consume, host },
    {
      group: 'G',
      pullBatchSize: 32,
      pullPipelineDepth: 4,
      pullThresholdForQueue: 1_000,
      pullThresholdSizeForQueueMiB: 100,
      commitOffsetEnable: true,
      suspendTimeoutMs: 15_000,
      pullTimeoutMs: 30_000,
      flowControlDelayMs: 1,
      exceptionDelayMs: 1,
      retryTopic: '%RETRY%G',
      namespace: '',
      ...o,
    },
  );
  const done = service.pullLoop(pq);
  return { done, sent, submitted, errors, maxOpen: () => maxOpen };
}

const until = (cond: () => boolean) => pollUntil(cond, (ok) => ok, 2_000, 1);
const offsets = (sent: Sent[]) => sent.map((s) => s.header.queueOffset);
const suspends = (s: Sent) => (s.header.sysFlag & PullSysFlag.SUSPEND) !== 0;

describe('PullService read-ahead', () => {
  it('keeps pullPipelineDepth pulls in flight while far behind, handling answers in order', async () => {
    const pq = new ProcessQueue(mq, 0);
    const t = start(pq, {});
    await until(() => t.sent.length === 1);
    t.sent[0]!.answer(found(0, 32, 10_000)); // the first answer shows the backlog
    // A new front pull (it may park) and three read-ahead pulls that may not.
    await until(() => t.sent.length === 5);
    expect(offsets(t.sent)).toEqual([0, 32, 64, 96, 128]);
    expect(t.sent.map(suspends)).toEqual([true, true, false, false, false]);
    // Answered out of order: the one at 64 waits for the one at 32.
    t.sent[2]!.answer(found(64, 32, 10_000));
    t.sent[1]!.answer(found(32, 32, 10_000));
    await until(() => t.sent.length === 7);
    expect(offsets(t.sent).slice(5)).toEqual([160, 192]);
    expect(t.submitted).toEqual(Array.from({ length: 96 }, (_, i) => i));
    expect(t.maxOpen()).toBe(4);
    pq.dropped = true;
    for (const s of t.sent.slice(3)) s.answer(found(s.header.queueOffset, 32, 10_000));
    await t.done;
  });

  it('drops the guesses after a short answer and pulls on from where it ended', async () => {
    const pq = new ProcessQueue(mq, 0);
    const t = start(pq, { pullPipelineDepth: 3 });
    await until(() => t.sent.length === 1);
    t.sent[0]!.answer(found(0, 32, 10_000));
    await until(() => t.sent.length === 4); // at 32, 64 and 96
    // The broker's byte cap cut the batch at 32 short: offsets 40..63 are not in it.
    t.sent[1]!.answer(found(32, 8, 10_000));
    t.sent[2]!.answer(found(64, 32, 10_000)); // a guess past the gap: must be ignored
    await until(() => t.sent.some((s) => s.header.queueOffset === 40));
    expect(offsets(t.sent).slice(4)).toEqual([40, 72, 104]);
    expect(t.sent.slice(4).map(suspends)).toEqual([true, false, false]);
    expect(t.submitted).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(pq.nextOffset).toBe(40);
    expect(pq.cachedOffsetRange()).toEqual([0, 39]);
    pq.dropped = true;
    for (const s of t.sent.slice(4)) s.answer(found(s.header.queueOffset, 1, 10_000));
    await t.done;
  });

  it('reads ahead only within pullThresholdForQueue and only where the broker has a batch', async () => {
    const pq = new ProcessQueue(mq, 0);
    const t = start(pq, { pullThresholdForQueue: 100 });
    await until(() => t.sent.length === 1);
    t.sent[0]!.answer(found(0, 32, 10_000));
    // 32 held + 2 batches on their way = 96; a third would pass 100.
    await until(() => t.sent.length === 3);
    t.sent[1]!.answer(found(32, 32, 100));
    await until(() => pq.inflightCount === 64);
    // maxOffset 100: the batch at 96 would not be full, so nothing more reads ahead.
    expect(t.sent).toHaveLength(3);
    pq.dropped = true;
    t.sent[2]!.answer(found(64, 32, 100));
    await t.done;
  });

  it('an error at the front is reported and pulling restarts there; later guesses are dropped', async () => {
    const pq = new ProcessQueue(mq, 0);
    const t = start(pq, { pullPipelineDepth: 2 });
    await until(() => t.sent.length === 1);
    t.sent[0]!.answer(found(0, 32, 10_000));
    await until(() => t.sent.length === 3); // at 32 and 64
    t.sent[1]!.answer(found(32, 32, 10_000));
    await until(() => t.sent.length === 4); // at 96
    t.sent[2]!.answer(new Error('timeout'));
    await until(() => t.sent.length === 6);
    expect(t.errors.map((e) => e.message)).toEqual(['timeout']);
    expect(offsets(t.sent)).toEqual([0, 32, 64, 96, 64, 96]);
    expect(t.sent.slice(4).map(suspends)).toEqual([true, false]);
    t.sent[3]!.answer(found(96, 32, 10_000)); // the guess before the error: never read
    pq.dropped = true;
    t.sent[4]!.answer(found(64, 1, 10_000));
    t.sent[5]!.answer(found(96, 1, 10_000));
    await t.done;
    expect(t.submitted).toEqual(Array.from({ length: 64 }, (_, i) => i));
  });
});
