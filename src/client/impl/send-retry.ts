// The producer's retry (DefaultMQProducerImpl#sendDefaultImpl): up to 1 + retryTimesWhenSendFailed
// attempts within the send's time budget, each on a queue the fault strategy picks away from the
// broker of the previous attempt (which it also isolates for a while when it failed).
//
// Which broker answers are retried: isRetriableSendResponse (DefaultMQProducer#retryResponseCodes,
// Java 5.3+: TOPIC_NOT_EXIST after a route refresh, SERVICE_NOT_AVAILABLE, SYSTEM_ERROR,
// SYSTEM_BUSY, NO_PERMISSION, NO_BUYER_ID, NOT_IN_CURRENT_UNIT). SYSTEM_BUSY means the broker
// refused the send before storing it (its send backlog is full, e.g. a disk slower than the send
// rate), so another broker is the right place and no duplicate is made; Java 4.9.x and 5.0-5.2
// did not retry it and threw MQBrokerException(2) at once. Once the attempts are spent the send
// rejects with an MQClientError whose responseCode is the last broker's code (2 when every broker
// was busy). Any other code rejects at once. A stored but not durable result (FLUSH_DISK_TIMEOUT,
// FLUSH_SLAVE_TIMEOUT, SLAVE_NOT_AVAILABLE) is sent again elsewhere only with
// retryAnotherBrokerWhenNotStoreOK, and is the answer if no attempt does better.
//
// A send is one SendOperation object, which is also the connection's ResponseWaiter of each
// attempt, and one promise for the caller: an async function costs ~0.4 KB per call (its
// generator, promise and the closures and reaction of each await), and this is the producer's
// hottest path. The success path allocates no array and no closure (the brokers tried are
// listed only once there are two; an abort listener only for a send given a signal).
import { processMs } from '../../common/process-clock.js';
import type { FrameSink } from '../../protocol/frame-sink.js';
import type { RemotingCommand, SerializeTypeValue } from '../../protocol/remoting-command.js';
import { isRetriableSendResponse, ResponseCode } from '../../protocol/response-code.js';
import {
  emptySendResponse,
  readSendResponseAt,
  type SendResponseFields,
  sendResponseOf,
} from '../../protocol/send-response-frame.js';
import type { OutgoingRequest, ResponseWaiter } from '../../remoting/connection.js';
import { MQBrokerError, MQClientError } from '../errors.js';
import type { SendResult } from '../producer-types.js';
import type { MessageQueue } from './allocate.js';
import type { SendPath, SendSpec } from './send-path.js';

export interface RetryPolicy {
  retryTimesWhenSendFailed: number;
  retryAnotherBrokerWhenNotStoreOK: boolean;
}

export function sendWithRetry(
  path: SendPath,
  policy: RetryPolicy,
  topic: string,
  queueId: number | undefined,
  spec: SendSpec,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<SendResult> {
  const op = new SendOperation(path, policy, topic, queueId, spec, timeoutMs, signal);
  const promise = new Promise<SendResult>(capture);
  op.settle = capturedResolve!;
  op.fail = capturedReject!;
  capturedResolve = capturedReject = undefined;
  op.start();
  return promise;
}

// One executor for every send instead of a closure each (read at once by sendWithRetry).
let capturedResolve: ((r: SendResult) => void) | undefined;
let capturedReject: ((err: unknown) => void) | undefined;
function capture(resolve: (r: SendResult) => void, reject: (err: unknown) => void): void {
  capturedResolve = resolve;
  capturedReject = reject;
}
const noop = (): void => {};
/** Where each answer is read into: used at once, before anything else can run. */
const RESPONSE = emptySendResponse();

class SendOperation implements ResponseWaiter, OutgoingRequest {
  // ResponseWaiter: set by the connection for each attempt.
  deadline = 0;
  code = 0;
  timeoutMs = 0;
  settle: (r: SendResult) => void = noop;
  fail: (err: unknown) => void = noop;
  private readonly path: SendPath;
  private readonly policy: RetryPolicy;
  private readonly topic: string;
  private readonly queueId: number | undefined;
  private readonly spec: SendSpec;
  private readonly budgetMs: number;
  private readonly signal: AbortSignal | undefined;
  private readonly begin = processMs();
  private attempts = 0;
  /** What only a retried or abortable send needs: made the first time it is. */
  private rare: RareState | undefined;
  /** The current attempt's queue and start time. */
  private mq: MessageQueue | undefined;
  private t0 = 0;
  private done = false;

  constructor(
    path: SendPath,
    policy: RetryPolicy,
    topic: string,
    queueId: number | undefined,
    spec: SendSpec,
    budgetMs: number,
    signal: AbortSignal | undefined,
  ) {
    this.path = path;
    this.policy = policy;
    this.topic = topic;
    this.queueId = queueId;
    this.spec = spec;
    this.code = spec.code; // the request's code, as an OutgoingRequest shows it
    this.budgetMs = budgetMs;
    this.signal = signal;
  }

  start(): void {
    const signal = this.signal;
    if (signal && !signal.aborted) {
      // The request on the wire is not taken back (the broker may still store it).
      const onAbort = () => this.end(undefined, signal.reason);
      this.state().onAbort = onAbort;
      signal.addEventListener('abort', onAbort, { once: true });
    }
    this.next();
  }

  /** The next attempt, or the send's end once the attempts or the time are spent. */
  private next(): void {
    if (this.done) return;
    if (this.signal?.aborted) {
      this.end(undefined, this.signal.reason);
      return;
    }
    const left = this.budgetMs - (processMs() - this.begin);
    if (this.attempts > this.policy.retryTimesWhenSendFailed || left <= 0) {
      this.spent();
      return;
    }
    this.attempts++;
    const cached = this.path.client.cachedPublishQueues(this.topic); // no promise, usually
    if (cached?.length) {
      this.sendTo(cached, left);
      return;
    }
    this.path.writableQueues(this.topic).then(
      (queues) => this.sendTo(queues, left),
      (err: unknown) => this.end(undefined, err),
    );
  }

  private sendTo(queues: readonly MessageQueue[], left: number): void {
    if (this.done) return;
    const path = this.path;
    const lastBroker = this.mq?.brokerName;
    let mq = path.fault.select(this.topic, queues, lastBroker)!;
    if (this.queueId !== undefined) mq = { ...mq, queueId: this.queueId };
    if (lastBroker !== undefined) {
      const rare = this.state();
      rare.brokersSent ??= [lastBroker];
      rare.brokersSent.push(mq.brokerName);
    }
    this.mq = mq;
    this.t0 = processMs();
    const addr = path.client.masterAddr(mq.brokerName);
    if (!addr) {
      this.reject(new MQClientError(`broker ${mq.brokerName} has no master address in the route`));
      return;
    }
    path.client.remoting.invokeFrame(addr, this, left, this);
  }

  /** OutgoingRequest: the body beside the frame's head. */
  get body(): Buffer {
    return this.spec.body;
  }

  /** OutgoingRequest: the current attempt's frame, written from the send's fields. */
  writeFrame(
    opaque: number,
    serializeType: SerializeTypeValue | undefined,
    inlineBodyBytes: number,
    sink: FrameSink,
  ): void {
    this.path.writeFrame(this.mq!, this.spec, opaque, serializeType, inlineBodyBytes, sink);
  }

  /** The broker answered the current attempt (a JSON header: decoded by the connection). */
  resolve(res: RemotingCommand): void {
    this.answered(sendResponseOf(res, RESPONSE));
  }

  /** The broker answered with a binary header: read in place, no command or extFields. */
  resolveFrame(b: Buffer, start: number, end: number): void {
    this.answered(readSendResponseAt(b, start, end, RESPONSE));
  }

  private answered(res: SendResponseFields): void {
    if (this.done) return;
    let r: SendResult;
    try {
      r = this.path.result(this.mq!, res, this.t0, this.spec.msgId);
    } catch (err) {
      this.failed(err);
      return;
    }
    if (r.sendStatus === 'SEND_OK' || !this.policy.retryAnotherBrokerWhenNotStoreOK) {
      this.end(r, undefined);
      return;
    }
    this.state().notStoreOK = r; // stored, not durable yet: try to get it durable elsewhere
    this.next();
  }

  /** The current attempt got no answer (timeout, connect refused, connection closed). */
  reject(err: Error): void {
    if (this.done) return;
    this.path.failed(this.mq!, this.t0, this.signal);
    this.failed(err);
  }

  private failed(err: unknown): void {
    if (this.signal?.aborted) {
      this.end(undefined, err);
      return;
    }
    this.state().lastErr = err;
    if (err instanceof MQBrokerError) {
      if (!isRetriableSendResponse(err.responseCode)) {
        this.end(this.rare?.notStoreOK, err);
        return;
      }
      if (err.responseCode === ResponseCode.TOPIC_NOT_EXIST) {
        void this.path.client
          .updateRoute(this.topic)
          .catch(noop)
          .then(() => this.next());
        return;
      }
    }
    this.next();
  }

  private spent(): void {
    const rare = this.rare;
    if (rare?.notStoreOK) {
      this.end(rare.notStoreOK, undefined);
      return;
    }
    const last = this.mq?.brokerName;
    const brokers = rare?.brokersSent ?? (last ? [last] : []);
    this.end(undefined, spentError(this.topic, this.begin, brokers, rare?.lastErr));
  }

  private state(): RareState {
    this.rare ??= {
      lastErr: undefined,
      notStoreOK: undefined,
      brokersSent: undefined,
      onAbort: undefined,
    };
    return this.rare;
  }

  /** Settles the send: with r when there is one, else with err. */
  private end(r: SendResult | undefined, err: unknown): void {
    if (this.done) return;
    this.done = true;
    const onAbort = this.rare?.onAbort;
    if (onAbort) this.signal!.removeEventListener('abort', onAbort);
    if (r) this.settle(r);
    else this.fail(err);
  }
}

interface RareState {
  lastErr: unknown;
  notStoreOK: SendResult | undefined;
  brokersSent: string[] | undefined;
  onAbort: (() => void) | undefined;
}

function spentError(topic: string, begin: number, brokers: string[], lastErr: unknown) {
  const why = lastErr instanceof Error ? lastErr.message : 'no time left for an attempt';
  return new MQClientError(
    `send to ${topic} failed after ${brokers.length} attempt(s) in ` +
      `${processMs() - begin} ms (brokers: ${brokers.join(', ') || 'none'}): ${why}`,
    {
      cause: lastErr,
      responseCode: lastErr instanceof MQBrokerError ? lastErr.responseCode : undefined,
    },
  );
}
