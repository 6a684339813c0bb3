// The producer's public types (DefaultMQProducer's Message, SendResult, SendStatus,
// MessageQueueSelector and its options), exported to applications through 'kitemq/producer'.
import type { Logger } from '../common/logger.js';
import { javaStringHashCode } from '../message/tag-hash.js';
import type { MessageQueue } from './impl/allocate.js';

export interface Message {
  topic: string;
  body: Buffer | string;
  tags?: string;
  keys?: string | string[];
  properties?: Record<string, string>;
  delayTimeLevel?: number;
}

/** Picks the queue of a message (MessageQueueSelector); `arg` is what send() was given. */
export type MessageQueueSelector = (
  queues: MessageQueue[],
  msg: Message,
  arg: unknown,
) => MessageQueue;

export interface SendOptions {
  /** Ordered messages: the same key always goes to the same queue (SelectMessageQueueByHash). */
  shardingKey?: string;
  /** Or any selector with its argument. */
  selector?: MessageQueueSelector;
  selectorArg?: unknown;
  /** Exactly this queue (Java's send(msg, mq)): one attempt, no failover. */
  messageQueue?: MessageQueue;
  /** This queue id on whichever broker the send picks (tools and benchmarks). */
  queueId?: number;
  /** This call's budget for every attempt together (default sendMsgTimeout). */
  timeoutMs?: number;
  /** Aborting rejects the send at once and stops its retries; the broker may still store it. */
  signal?: AbortSignal;
}

/** SelectMessageQueueByHash: |hashCode(key)| mod the number of queues. */
export const selectByHash: MessageQueueSelector = (queues, _msg, arg) => {
  const h = javaStringHashCode(String(arg));
  return queues[Math.abs(h % queues.length)]!;
};

export type SendStatus =
  | 'SEND_OK'
  | 'FLUSH_DISK_TIMEOUT'
  | 'FLUSH_SLAVE_TIMEOUT'
  | 'SLAVE_NOT_AVAILABLE';

export interface SendResult {
  sendStatus: SendStatus;
  /** The message's UNIQ_KEY (comma-joined for a batch), as Java's SendResult#getMsgId. */
  msgId: string;
  /** The broker's offset message id (storeHost + commit-log offset). */
  offsetMsgId: string;
  messageQueue: MessageQueue;
  queueOffset: number;
}

export interface ProducerOptions {
  namesrvAddr: string;
  producerGroup: string;
  sendMsgTimeout?: number;
  retryTimesWhenSendFailed?: number;
  /** Retry on another broker when stored but not durable yet (FLUSH_DISK_TIMEOUT, …). */
  retryAnotherBrokerWhenNotStoreOK?: boolean;
  maxMessageSize?: number;
  /** Bodies of this size and larger are zlib-compressed (sysFlag COMPRESSED), Java's 4 KiB. */
  compressMsgBodyOverHowmuch?: number;
  /** zlib level for compressed bodies (Java's rocketmq.message.compressLevel, 5). */
  compressLevel?: number;
  /**
   * Latency fault tolerance (MQFaultStrategy): a broker that failed or answered slowly is avoided
   * for a while. On by default here (Java's sendLatencyFaultEnable is off by default).
   */
  sendLatencyFaultEnable?: boolean;
  /** Tenant prefix: topics and the group become "<namespace>%<name>" on the wire. */
  namespace?: string;
  /** ms between route refreshes (ClientConfig.pollNameServerInterval, 30 s): how soon a lost
   * master is noticed. */
  pollNameServerInterval?: number;
  /** ms between heartbeats to the brokers (ClientConfig.heartbeatBrokerInterval, 30 s). */
  heartbeatBrokerInterval?: number;
  /**
   * Header encoding of requests (Java's rocketmq.serialize.type): 'ROCKETMQ' binary by default
   * (env ROCKETMQ_SERIALIZE_TYPE overrides the default), 'JSON' for brokers that only read JSON.
   * Responses of either kind are read.
   */
  serializeType?: 'ROCKETMQ' | 'JSON';
  /**
   * Gather concurrent send() calls for one target (topic, and the queue a messageQueue, selector
   * or shardingKey fixes; and tags) into SEND_BATCH_MESSAGE requests (DefaultMQProducer 5.x
   * autoBatch; off by default). Each send still resolves with its own msgId and queueOffset.
   * Not batched: sendOneway, sends given timeoutMs, signal or queueId, delay or timer messages,
   * transactional ones and bodies over batchMaxBytes.
   */
  autoBatch?: boolean;
  /** ms a batch waits for more messages after its first (Java's 10; 1 to 30,000). */
  batchMaxDelayMs?: number;
  /** Body bytes at which a batch is sent at once (Java's 32 KiB; 1 B to 2 MiB). */
  batchMaxBytes?: number;
  /**
   * Body bytes all batches may hold until their answers (Java's 32 MiB); a send that does not
   * fit goes the normal way, unbatched, as in Java.
   */
  totalBatchMaxBytes?: number;
  logger?: Logger;
}
