import { describe, expect, it } from 'vitest';
import { pollUntil } from '../../../test/harness/poll.js';
import type { MessageExt } from '../../message/message.js';
import { type PullMessageRequestHeader, PullSysFlag } from '../../protocol/headers/pull.js';
import type { ConsumeService, PullApi, PullResult, PullStatus } from './consumer-parts.js';
import { ProcessQueue } from './process-queue.js';
import { PullService, type PullServiceOptions } from './pull-service.js';

const mq = { topic: 'ns%T', brokerName: 'b', queueId: 0 };

function found(from: number, n: number, next = from + n): PullResult {
  const msgs = Array.from({ length: n }, (_, i) => {
    const m = { topic: 'ns%T', queueOffset: from + i, body: Buffer.alloc(10), properties: {} };
    return m as unknown as MessageExt;
  });
  return { status: 'FOUND', code: 0, remark: undefined, nextBeginOffset: next, msgs };
}

const answer = (status: PullStatus, next: number, code = 19): PullResult => ({
  status,
  code,
  remark: 'r',
  nextBeginOffset: next,
  msgs: [],
});

/** A pull API answering from a script; when it runs out the queue is dropped (the loop ends). */
function scripted(pq: ProcessQueue, script: PullResult[]) {
  const headers: PullMessageRequestHeader[] = [];
  const api: PullApi = {
    async pull(_broker, header) {
      headers.push({ ...header });
      const next = script.shift();
      if (next) return next;
      pq.dropped = true;
      return answer('NO_NEW_MSG', Number.NaN);
    },
  };
  return { api, headers };
}

function run(
  pq: ProcessQueue,
  script: PullResult[],
  o: Partial<PullServiceOptions> = {},
  offsetMoved?: (pq: ProcessQueue, offset: number) => void,
) {
  const { api, headers } = scripted(pq, script);
  const submitted: MessageExt[][] = [];
  const errors: Error[] = [];
  const consume: ConsumeService = {
    orderly: false,
    submit: (_pq, msgs) => void submitted.push(msgs),
    start() {},
    shutdown() {},
  };
  const host = {
    isRunning: () => true,
    subscription: () => ({ subString: '*', tagsSet: [], codeSet: [], subVersion: 7 }),
    onPullError: (err: Error) => void errors.push(err),
    report: (err: Error) => void errors.push(err),
    offsetMoved,
  };
  const service = new PullService(
    { api, consume, host },
    {
      group: 'ns%G',
      pullBatchSize: 32,
      pullPipelineDepth: 1,
      pullThresholdForQueue: 1_000,
      pullThresholdSizeForQueueMiB: 100,
      commitOffsetEnable: true,
      suspendTimeoutMs: 15_000,
      pullTimeoutMs: 30_000,
      flowControlDelayMs: 1,
      exceptionDelayMs: 1,
      retryTopic: '%RETRY%ns%G',
      namespace: 'ns',
      ...o,
    },
  );
  return { done: service.pullLoop(pq), headers, submitted, errors };
}

/** Counts the loop's flow-control checks (each reads inflightCount once). */
function countChecks(pq: ProcessQueue): { n: number } {
  const checks = { n: 0 };
  const read = Object.getOwnPropertyDescriptor(ProcessQueue.prototype, 'inflightCount')!.get!;
  Object.defineProperty(pq, 'inflightCount', {
    get() {
      checks.n++;
      return read.call(pq);
    },
  });
  return checks;
}

/** Polls a condition under a generous deadline; the expect() after it reports a miss. */
const until = (cond: () => boolean) => pollUntil(cond, (done) => done, 20_000, 2);

describe('PullService', () => {
  it('pulls from nextOffset on, hands found messages over with their application topic', async () => {
    const pq = new ProcessQueue(mq, 5);
    const retried = found(7, 1).msgs[0]!;
    retried.topic = '%RETRY%ns%G';
    retried.properties.RETRY_TOPIC = 'ns%Other';
    const script = [found(5, 2), { ...found(7, 1), msgs: [retried] }];
    const { done, headers, submitted } = run(pq, script);
    await done;
    expect(headers.map((h) => h.queueOffset)).toEqual([5, 7, 8]);
    expect(submitted.map((b) => b.map((m) => `${m.topic}:${m.queueOffset}`))).toEqual([
      ['T:5', 'T:6'],
      ['Other:7'],
    ]);
    expect(pq.inflightCount).toBe(3);
    expect(headers[0]).toMatchObject({ consumerGroup: 'ns%G', maxMsgNums: 32, subVersion: 7 });
  });

  it('moves to nextBeginOffset on NO_NEW_MSG and OFFSET_ILLEGAL, not on an error', async () => {
    const pq = new ProcessQueue(mq, 0);
    const script = [
      answer('NO_NEW_MSG', 3),
      answer('OFFSET_ILLEGAL', 10),
      answer('ERROR', 99, 1),
      answer('NO_MATCHED_MSG', Number.NaN),
    ];
    const { done, headers, errors } = run(pq, script);
    await done;
    expect(headers.map((h) => h.queueOffset)).toEqual([0, 3, 10, 10, 10]);
    expect(errors.map((e) => e.message)).toEqual(['pull ns%T@b@0 failed: 1 r']);
  });

  it('hands the queue back on OFFSET_ILLEGAL when the consumer restarts queues', async () => {
    const pq = new ProcessQueue(mq, 4);
    const moved: [ProcessQueue, number][] = [];
    const { done, headers } = run(pq, [answer('OFFSET_ILLEGAL', 0)], {}, (q, offset) => {
      moved.push([q, offset]);
      q.dropped = true; // as the rebalance does when it replaces the queue
    });
    await done;
    expect(moved).toEqual([[pq, 0]]);
    expect(pq.nextOffset).toBe(4);
    expect(headers).toHaveLength(1); // the dropped queue pulls no more
  });

  it('carries the commit only when the broker keeps offsets and there is one to commit', async () => {
    const suspend = PullSysFlag.SUSPEND | PullSysFlag.SUBSCRIPTION;
    const remote = new ProcessQueue(mq, 0);
    const a = run(remote, [answer('NO_NEW_MSG', 4)]);
    await a.done;
    expect(a.headers.map((h) => [h.sysFlag, h.commitOffset])).toEqual([
      [suspend, 0],
      [suspend | PullSysFlag.COMMIT_OFFSET, 4],
    ]);
    const local = new ProcessQueue(mq, 0);
    const b = run(local, [answer('NO_NEW_MSG', 4)], { commitOffsetEnable: false });
    await b.done;
    expect(b.headers.map((h) => h.sysFlag)).toEqual([suspend, suspend]);
  });

  it('pauses a queue over pullThresholdForQueue until the listener catches up', async () => {
    const pq = new ProcessQueue(mq, 0);
    const checks = countChecks(pq);
    const { done, headers } = run(pq, [found(0, 3)], { pullThresholdForQueue: 3 });
    await until(() => checks.n >= 10); // the loop has paused several times since the pull
    expect(headers).toHaveLength(1);
    pq.remove(0);
    await done;
    expect(headers.map((h) => h.queueOffset)).toEqual([0, 3]);
  });

  it('pauses over pullThresholdSizeForQueue MiB of bodies too', async () => {
    const pq = new ProcessQueue(mq, 0);
    const big = found(0, 1);
    big.msgs[0]!.body = Buffer.alloc(1024 * 1024);
    const checks = countChecks(pq);
    const { done, headers } = run(pq, [big], { pullThresholdSizeForQueueMiB: 1 });
    await until(() => checks.n >= 10);
    expect(headers).toHaveLength(1);
    pq.remove(0);
    await done;
    expect(headers).toHaveLength(2);
  });
});
