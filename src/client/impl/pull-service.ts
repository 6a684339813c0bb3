// The push consumer's pull loop (PullMessageService + DefaultMQPushConsumerImpl#pullMessage): one
// long poll at a time per owned queue (more with pullPipelineDepth while far behind, see topUp),
// parked on the broker up to BROKER_SUSPEND_MAX_TIME_MILLIS,
// carrying the committed offset when the broker keeps offsets (CLUSTERING). Flow control pauses a
// queue holding pullThresholdForQueue messages or pullThresholdSizeForQueue MiB unconsumed. Found
// messages get the topic the application knows (a redelivery's original, without the namespace:
// resetRetryAndNamespace) and go to the consume service; NO_NEW_MSG and NO_MATCHED_MSG move the
// queue to nextBeginOffset; OFFSET_ILLEGAL hands the queue back to the consumer to start over
// there (its messages still in flight must not be committed over the new offset); an error or a
// failed pull waits before the next try. The loop ends when the queue is dropped or the consumer
// stops.
import type { MessageExt } from '../../message/message.js';
import { MessageConst } from '../../message/message.js';
import { PullSysFlag } from '../../protocol/headers/pull.js';
import { sleep } from './abort.js';
import { queueKey } from './allocate.js';
import type { ConsumeService, PullApi, PullResult, Subscription } from './consumer-parts.js';
import type { ConsumerStatsSink } from './consumer-stats.js';
import { unwrapNamespace } from './namespace.js';
import type { ProcessQueue } from './process-queue.js';

export interface PullServiceOptions {
  group: string;
  pullBatchSize: number;
  /** Pulls kept in flight per queue while it is far behind (1: RocketMQ's one at a time). */
  pullPipelineDepth: number;
  pullThresholdForQueue: number;
  pullThresholdSizeForQueueMiB: number;
  /** The broker keeps the offsets, so each pull carries the commit. */
  commitOffsetEnable: boolean;
  suspendTimeoutMs: number;
  pullTimeoutMs: number;
  flowControlDelayMs: number;
  exceptionDelayMs: number;
  retryTopic: string;
  namespace: string;
}

export interface PullServiceHost {
  isRunning(): boolean;
  subscription(topic: string): Subscription | undefined;
  /** The broker refused a pull (any code but the four pull outcomes). */
  onPullError(err: Error): void;
  /** A pull could not be made (no connection, timeout). */
  report(err: Error): void;
  /**
   * The broker answered PULL_OFFSET_MOVED (an operator's reset, or an offset out of range): the
   * queue starts over at `offset` in a new process queue and `pq` is dropped. Without it the
   * loop just moves `pq` to the offset.
   */
  offsetMoved?(pq: ProcessQueue, offset: number): void;
}

/** What the pull service works with: the pull requests, where messages go, its consumer. */
export interface PullServiceDeps {
  api: PullApi;
  consume: ConsumeService;
  host: PullServiceHost;
  /** Pull RT and TPS by topic (the running info's statusTable). */
  stats?: ConsumerStatsSink;
}

interface InFlightPull {
  offset: number;
  rtMs: number;
  result: Promise<PullResult | Error>;
}

export class PullService {
  private readonly d: PullServiceDeps;
  private readonly o: PullServiceOptions;

  constructor(deps: PullServiceDeps, options: PullServiceOptions) {
    this.d = deps;
    this.o = options;
  }

  /** Pulls `pq` until it is dropped or the consumer stops. */
  async pullLoop(pq: ProcessQueue): Promise<void> {
    const { host } = this.d;
    const o = this.o;
    const maxBytes = o.pullThresholdSizeForQueueMiB * 1024 * 1024;
    const sub = host.subscription(pq.mq.topic)!;
    // Pulls sent and not yet handled, oldest first; only the oldest may suspend on the broker.
    const inFlight: InFlightPull[] = [];
    let maxOffset = Number.NaN;
    while (host.isRunning() && !pq.dropped) {
      if (inFlight.length === 0) {
        if (pq.inflightCount >= o.pullThresholdForQueue || pq.inflightBytes >= maxBytes) {
          await sleep(o.flowControlDelayMs); // flow control: let the listener catch up
          continue;
        }
        inFlight.push(this.send(pq, sub, pq.nextOffset, true));
      }
      this.topUp(pq, sub, inFlight, maxOffset, maxBytes);
      const p = inFlight.shift()!;
      const outcome = await p.result;
      if (pq.dropped || !host.isRunning()) return;
      // A read-ahead pull guessed where its predecessor would end; a short or filtered answer
      // moved nextOffset elsewhere, so it and every later guess are dropped unread.
      if (p.offset !== pq.nextOffset) {
        inFlight.length = 0;
        continue;
      }
      if (outcome instanceof Error) {
        inFlight.length = 0;
        host.report(outcome);
        await sleep(o.exceptionDelayMs);
        continue;
      }
      const r = outcome;
      if (Number.isFinite(r.maxOffset)) maxOffset = r.maxOffset!;
      // Only pulls that found messages, as the Java client: one that waited out its long poll
      // for nothing would make the RT the suspend timeout.
      if (r.status === 'FOUND') this.d.stats?.pulled(pq.mq.topic, p.rtMs, r.msgs.length);
      this.onPullResult(pq, r);
      if (inFlight.length > 0 && inFlight[0]!.offset !== pq.nextOffset) inFlight.length = 0;
      if (r.status === 'ERROR') {
        inFlight.length = 0;
        host.onPullError(new Error(`pull ${queueKey(pq.mq)} failed: ${r.code} ${r.remark ?? ''}`));
        await sleep(o.exceptionDelayMs);
      }
    }
  }

  /**
   * Read-ahead (pullPipelineDepth > 1): while the broker's last answer showed a full batch past
   * the newest pull, another one goes out at the offset where that pull should end, without
   * SUSPEND (there is data there) and within the queue's flow-control thresholds counting the
   * batches still on their way.
   */
  private topUp(
    pq: ProcessQueue,
    sub: Subscription,
    inFlight: InFlightPull[],
    maxOffset: number,
    maxBytes: number,
  ): void {
    const o = this.o;
    const batch = o.pullBatchSize;
    while (inFlight.length < o.pullPipelineDepth) {
      const at = inFlight[inFlight.length - 1]!.offset + batch;
      if (!(at + batch <= maxOffset)) return;
      if (pq.inflightCount + inFlight.length * batch + batch > o.pullThresholdForQueue) return;
      if (pq.inflightBytes >= maxBytes) return;
      inFlight.push(this.send(pq, sub, at, false));
    }
  }

  /** `head`: nothing else is in flight, so the pull may park on the broker (long polling). */
  private send(pq: ProcessQueue, sub: Subscription, offset: number, head: boolean): InFlightPull {
    const o = this.o;
    const committed = pq.commitOffset();
    const commit = committed > 0 && o.commitOffsetEnable ? PullSysFlag.COMMIT_OFFSET : 0;
    const header = {
      consumerGroup: o.group,
      topic: pq.mq.topic,
      queueId: pq.mq.queueId,
      queueOffset: offset,
      maxMsgNums: o.pullBatchSize,
      sysFlag: commit | (head ? PullSysFlag.SUSPEND : 0) | PullSysFlag.SUBSCRIPTION,
      commitOffset: committed,
      suspendTimeoutMillis: o.suspendTimeoutMs,
      subscription: sub.subString,
      subVersion: sub.subVersion,
      expressionType: sub.expressionType ?? 'TAG',
    };
    const began = Date.now();
    const p: InFlightPull = { offset, rtMs: 0, result: undefined! };
    // Never rejects: an answer nobody reads (a dropped guess) must not surface as unhandled.
    p.result = this.d.api.pull(pq.mq.brokerName, header, o.pullTimeoutMs, sub.tagsSet).then(
      (r) => {
        p.rtMs = Date.now() - began;
        return r;
      },
      (err: Error) => err,
    );
    return p;
  }

  private onPullResult(pq: ProcessQueue, r: PullResult): void {
    if (r.status === 'FOUND') {
      pq.nextOffset = r.nextBeginOffset;
      for (const m of r.msgs) {
        pq.add(m);
        m.topic = this.appTopic(m);
      }
      this.d.consume.submit(pq, r.msgs);
    } else if (
      r.status === 'OFFSET_ILLEGAL' &&
      Number.isFinite(r.nextBeginOffset) &&
      this.d.host.offsetMoved
    ) {
      this.d.host.offsetMoved(pq, r.nextBeginOffset);
    } else if (r.status !== 'ERROR' && Number.isFinite(r.nextBeginOffset)) {
      pq.nextOffset = r.nextBeginOffset;
    }
  }

  /** The topic the application knows: a redelivery's original, without the namespace. */
  private appTopic(m: MessageExt): string {
    const sent =
      m.topic === this.o.retryTopic ? (m.properties[MessageConst.RETRY_TOPIC] ?? m.topic) : m.topic;
    return unwrapNamespace(this.o.namespace, sent);
  }
}
