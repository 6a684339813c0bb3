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
// One async function for the whole send, attempts inlined: every nested async call of a send
// costs a promise and a frame, and a send is the producer's hottest path. The success path
// allocates no array and no closure (the brokers tried are listed only once there are two).
import type { RemotingCommand } from '../../protocol/remoting-command.js';
import { isRetriableSendResponse, ResponseCode } from '../../protocol/response-code.js';
import { MQBrokerError, MQClientError } from '../errors.js';
import type { SendResult } from '../producer-types.js';
import { abortable } from './abort.js';
import type { SendPath, SendSpec } from './send-path.js';

export interface RetryPolicy {
  retryTimesWhenSendFailed: number;
  retryAnotherBrokerWhenNotStoreOK: boolean;
}

export async function sendWithRetry(
  path: SendPath,
  policy: RetryPolicy,
  topic: string,
  queueId: number | undefined,
  spec: SendSpec,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<SendResult> {
  const begin = Date.now();
  let lastErr: unknown;
  let notStoreOK: SendResult | undefined;
  let lastBroker: string | undefined;
  let brokersSent: string[] | undefined;
  for (let attempt = 0; attempt <= policy.retryTimesWhenSendFailed; attempt++) {
    signal?.throwIfAborted();
    const left = timeoutMs - (Date.now() - begin);
    if (left <= 0) break;
    const cached = path.client.cachedPublishQueues(topic); // no promise on the common path
    const queues = cached?.length ? cached : await path.writableQueues(topic);
    let mq = path.fault.select(topic, queues, lastBroker)!;
    if (queueId !== undefined) mq = { ...mq, queueId };
    if (lastBroker !== undefined) {
      brokersSent ??= [lastBroker];
      brokersSent.push(mq.brokerName);
    }
    lastBroker = mq.brokerName;
    const t0 = Date.now();
    try {
      let res: RemotingCommand;
      try {
        const sent = path.client.invokeBroker(mq.brokerName, path.request(mq, spec), left);
        res = await abortable(sent, signal);
      } catch (err) {
        path.failed(mq, t0, signal);
        throw err;
      }
      const r = path.result(mq, res, t0, spec.msgId);
      if (r.sendStatus === 'SEND_OK' || !policy.retryAnotherBrokerWhenNotStoreOK) return r;
      notStoreOK = r; // stored, not durable yet: try to get it durable elsewhere
    } catch (err) {
      if (signal?.aborted) throw err;
      lastErr = err;
      if (err instanceof MQBrokerError) {
        if (!isRetriableSendResponse(err.responseCode)) {
          if (notStoreOK) return notStoreOK;
          throw err;
        }
        if (err.responseCode === ResponseCode.TOPIC_NOT_EXIST)
          await path.client.updateRoute(topic).catch(() => {});
      }
    }
  }
  if (notStoreOK) return notStoreOK;
  throw spentError(topic, begin, brokersSent ?? (lastBroker ? [lastBroker] : []), lastErr);
}

function spentError(topic: string, begin: number, brokers: string[], lastErr: unknown) {
  const why = lastErr instanceof Error ? lastErr.message : 'no time left for an attempt';
  return new MQClientError(
    `send to ${topic} failed after ${brokers.length} attempt(s) in ` +
      `${Date.now() - begin} ms (brokers: ${brokers.join(', ') || 'none'}): ${why}`,
    {
      cause: lastErr,
      responseCode: lastErr instanceof MQBrokerError ? lastErr.responseCode : undefined,
    },
  );
}
