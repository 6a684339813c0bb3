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
import { isRetriableSendResponse, ResponseCode } from '../../protocol/response-code.js';
import { MQBrokerError, MQClientError } from '../errors.js';
import type { BuildRequest, SendAttempt, SendBudget, SendPath } from './send-path.js';

export interface RetryPolicy {
  retryTimesWhenSendFailed: number;
  retryAnotherBrokerWhenNotStoreOK: boolean;
}

export async function sendWithRetry(
  path: SendPath,
  policy: RetryPolicy,
  topic: string,
  queueId: number | undefined,
  build: BuildRequest,
  budget: SendBudget,
): Promise<SendAttempt> {
  const { signal } = budget;
  const begin = Date.now();
  let lastErr: unknown;
  let notStoreOK: SendAttempt | undefined;
  let lastBroker: string | undefined;
  const brokersSent: string[] = [];
  for (let attempt = 0; attempt <= policy.retryTimesWhenSendFailed; attempt++) {
    signal?.throwIfAborted();
    const left = budget.timeoutMs - (Date.now() - begin);
    if (left <= 0) break;
    const cached = path.client.cachedPublishQueues(topic); // no promise on the common path
    const queues = cached?.length ? cached : await path.writableQueues(topic);
    let mq = path.fault.select(topic, queues, lastBroker)!;
    if (queueId !== undefined) mq = { ...mq, queueId };
    lastBroker = mq.brokerName;
    brokersSent.push(mq.brokerName);
    try {
      const r = await path.attempt(mq, build(mq), left, signal);
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
  const why = lastErr instanceof Error ? lastErr.message : 'no time left for an attempt';
  throw new MQClientError(
    `send to ${topic} failed after ${brokersSent.length} attempt(s) in ` +
      `${Date.now() - begin} ms (brokers: ${brokersSent.join(', ') || 'none'}): ${why}`,
    {
      cause: lastErr,
      responseCode: lastErr instanceof MQBrokerError ? lastErr.responseCode : undefined,
    },
  );
}
