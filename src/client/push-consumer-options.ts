// The push consumer's options (DefaultMQPushConsumer's fields) and their defaults, from
// common/limits.ts where RocketMQ names them; exported through 'kitemq/push-consumer'.
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  CLIENT_HEARTBEAT_BROKER_INTERVAL_MS,
  CLIENT_POLL_NAME_SERVER_INTERVAL_MS,
  CONSUMER_DEFAULT_CONSUME_MESSAGE_BATCH_MAX_SIZE,
  CONSUMER_DEFAULT_CONSUME_THREAD_MAX,
  CONSUMER_DEFAULT_CONSUME_TIMESTAMP_AGO_MS,
  CONSUMER_DEFAULT_MAX_RECONSUME_TIMES,
  CONSUMER_DEFAULT_PULL_BATCH_SIZE,
  CONSUMER_DEFAULT_PULL_PIPELINE_DEPTH,
  CONSUMER_DEFAULT_PULL_THRESHOLD_FOR_QUEUE,
  CONSUMER_DEFAULT_PULL_THRESHOLD_SIZE_FOR_QUEUE_MIB,
  CONSUMER_MAX_PULL_PIPELINE_DEPTH,
  CONSUMER_PERSIST_OFFSET_INTERVAL_MS,
} from '../common/limits.js';
import type { Logger } from '../common/logger.js';
import { MQClientError } from './errors.js';
import { type AllocateStrategy, allocateAveragely } from './impl/allocate.js';
import { defaultSerializeType } from './impl/client-transport.js';

export type ConsumeFromWhere =
  | 'CONSUME_FROM_LAST_OFFSET'
  | 'CONSUME_FROM_FIRST_OFFSET'
  | 'CONSUME_FROM_TIMESTAMP';
export type { ConsumeResult, MessageListener } from './impl/consume-concurrently.js';

export type MessageModel = 'CLUSTERING' | 'BROADCASTING';

export interface PushConsumerOptions {
  namesrvAddr: string;
  consumerGroup: string;
  /**
   * CLUSTERING (default): the group's members share the queues, offsets on the broker.
   * BROADCASTING: every member gets every message, offsets in a local file; a failed message is
   * not retried (as in RocketMQ).
   */
  messageModel?: MessageModel;
  /** Names this client's local offset file in BROADCASTING mode (Java's instanceName). */
  instanceName?: string;
  /** Where BROADCASTING offsets live: <dir>/<host>@<instanceName>/<group>/offsets.json. */
  offsetStoreDir?: string;
  /** Tenant prefix: topics and the group become "<namespace>%<name>" on the wire. */
  namespace?: string;
  consumeFromWhere?: ConsumeFromWhere;
  /** Start point for CONSUME_FROM_TIMESTAMP (ms since epoch); default: 30 minutes ago. */
  consumeTimestamp?: number;
  consumeThreadMax?: number;
  pullBatchSize?: number;
  /**
   * Pulls kept in flight per queue while the broker reports at least a batch more waiting
   * (default 1, RocketMQ's one pull at a time; at most 16). Read-ahead pulls start where the
   * previous one should end and never park on the broker; an answer that ends elsewhere (a
   * short batch, tag filtering) drops the guesses after it. Ordering, flow control and the
   * committed offset are unchanged.
   */
  pullPipelineDepth?: number;
  pullThresholdForQueue?: number;
  /** MiB of message bodies a queue may hold unconsumed before pulling pauses (default 100). */
  pullThresholdSizeForQueue?: number;
  /** Messages per listener call (default 1). */
  consumeMessageBatchMaxSize?: number;
  /** Redeliveries before a failing message goes to %DLQ%<group> (RocketMQ's default 16). */
  maxReconsumeTimes?: number;
  /**
   * How the group's queues are split (allocateAveragely by default; allocateByCircle,
   * allocateConsistentHash(), allocateByConfig([...]) from 'kitemq/push-consumer').
   */
  allocateStrategy?: AllocateStrategy;
  /** ms between route refreshes (ClientConfig.pollNameServerInterval, 30 s): how soon a lost
   * master is noticed. */
  pollNameServerInterval?: number;
  /** ms between heartbeats to the brokers (ClientConfig.heartbeatBrokerInterval, 30 s). */
  heartbeatBrokerInterval?: number;
  /** ms between offset commits beside the pulls' own (persistConsumerOffsetInterval, 5 s). */
  persistConsumerOffsetInterval?: number;
  /**
   * Header encoding of requests (Java's rocketmq.serialize.type): 'ROCKETMQ' binary by default
   * (env ROCKETMQ_SERIALIZE_TYPE overrides the default), 'JSON' for brokers that only read JSON.
   * Responses of either kind are read.
   */
  serializeType?: 'ROCKETMQ' | 'JSON';
  logger?: Logger;
}

/** Every option but the logger, defaulted (the group is namespaced by the consumer itself). */
export function withDefaults(
  options: PushConsumerOptions,
): Required<Omit<PushConsumerOptions, 'logger'>> {
  const depth = options.pullPipelineDepth;
  if (
    depth !== undefined &&
    !(Number.isInteger(depth) && depth >= 1 && depth <= CONSUMER_MAX_PULL_PIPELINE_DEPTH)
  ) {
    throw new MQClientError(
      `pullPipelineDepth ${depth} is not an integer in [1, ${CONSUMER_MAX_PULL_PIPELINE_DEPTH}]`,
    );
  }
  return {
    consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
    consumeTimestamp: Date.now() - CONSUMER_DEFAULT_CONSUME_TIMESTAMP_AGO_MS,
    consumeThreadMax: CONSUMER_DEFAULT_CONSUME_THREAD_MAX,
    pullBatchSize: CONSUMER_DEFAULT_PULL_BATCH_SIZE,
    pullPipelineDepth: CONSUMER_DEFAULT_PULL_PIPELINE_DEPTH,
    pullThresholdForQueue: CONSUMER_DEFAULT_PULL_THRESHOLD_FOR_QUEUE,
    pullThresholdSizeForQueue: CONSUMER_DEFAULT_PULL_THRESHOLD_SIZE_FOR_QUEUE_MIB,
    consumeMessageBatchMaxSize: CONSUMER_DEFAULT_CONSUME_MESSAGE_BATCH_MAX_SIZE,
    namespace: '',
    maxReconsumeTimes: CONSUMER_DEFAULT_MAX_RECONSUME_TIMES,
    allocateStrategy: allocateAveragely,
    messageModel: 'CLUSTERING',
    instanceName: 'DEFAULT',
    offsetStoreDir: join(homedir(), '.rocketmq_offsets'),
    pollNameServerInterval: CLIENT_POLL_NAME_SERVER_INTERVAL_MS,
    heartbeatBrokerInterval: CLIENT_HEARTBEAT_BROKER_INTERVAL_MS,
    persistConsumerOffsetInterval: CONSUMER_PERSIST_OFFSET_INTERVAL_MS,
    serializeType: defaultSerializeType(),
    ...options,
  };
}
