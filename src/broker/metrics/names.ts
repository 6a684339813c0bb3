// The broker's metric names and label values, as RocketMQ 5 spells them (BrokerMetricsConstant,
// DefaultStoreMetricsConstant, BrokerMetricsManager#getMessageType / #isSystem). Names that
// RocketMQ does not have start with kitemq_. Pure: the collectors and their tests share it.
import { MessageSysFlag } from '../../message/message.js';
import {
  DLQ_GROUP_TOPIC_PREFIX,
  NOT_ALLOWED_SEND_TOPICS,
  RETRY_GROUP_TOPIC_PREFIX,
  RMQ_SYS_TRANS_HALF_TOPIC,
  SCHEDULE_TOPIC,
  TBW102,
  TIMER_TOPIC,
} from '../../message/system-topics.js';

export const BrokerMetric = {
  MESSAGES_IN_TOTAL: 'rocketmq_messages_in_total',
  MESSAGES_OUT_TOTAL: 'rocketmq_messages_out_total',
  THROUGHPUT_IN_TOTAL: 'rocketmq_throughput_in_total',
  THROUGHPUT_OUT_TOTAL: 'rocketmq_throughput_out_total',
  MESSAGE_SIZE: 'rocketmq_message_size',
  PROCESSOR_WATERMARK: 'rocketmq_processor_watermark',
  BROKER_PERMISSION: 'rocketmq_broker_permission',
  TOPIC_NUMBER: 'rocketmq_topic_number',
  CONSUMER_GROUP_NUMBER: 'rocketmq_consumer_group_number',
  PRODUCER_CONNECTIONS: 'rocketmq_producer_connections',
  CONSUMER_CONNECTIONS: 'rocketmq_consumer_connections',
  CONSUMER_LAG_MESSAGES: 'rocketmq_consumer_lag_messages',
  CONSUMER_LAG_LATENCY: 'rocketmq_consumer_lag_latency',
  CONSUMER_INFLIGHT_MESSAGES: 'rocketmq_consumer_inflight_messages',
  CONSUMER_QUEUEING_LATENCY: 'rocketmq_consumer_queueing_latency',
  CONSUMER_READY_MESSAGES: 'rocketmq_consumer_ready_messages',
  COMMIT_MESSAGES_TOTAL: 'rocketmq_commit_messages_total',
  ROLLBACK_MESSAGES_TOTAL: 'rocketmq_rollback_messages_total',
  HALF_MESSAGES: 'rocketmq_half_messages',
  STORAGE_SIZE: 'rocketmq_storage_size',
  STORAGE_FLUSH_BEHIND: 'rocketmq_storage_flush_behind_bytes',
  STORAGE_DISPATCH_BEHIND: 'rocketmq_storage_dispatch_behind_bytes',
  STORAGE_MESSAGE_RESERVE_TIME: 'rocketmq_storage_message_reserve_time',
  TIMER_ENQUEUE_LAG: 'rocketmq_timer_enqueue_lag',
  TIMER_DEQUEUE_LATENCY: 'rocketmq_timer_dequeue_latency',
  DELAY_MESSAGES: 'kitemq_delay_messages',
  TRANSACTION_CHECKS_TOTAL: 'kitemq_transaction_checks_total',
  TRANSACTION_DISCARDED_TOTAL: 'kitemq_transaction_discarded_total',
  REPLICA_LAG_BYTES: 'kitemq_replica_lag_bytes',
  REPLICA_LAG_LATENCY: 'kitemq_replica_lag_latency',
} as const;

/** BrokerMetricsManager's message size view: 1 KB, 4 KB, 512 KB, 1 MB, 2 MB, 4 MB. */
export const MESSAGE_SIZE_BUCKETS = [1024, 4096, 524_288, 1_048_576, 2_097_152, 4_194_304] as const;

/** TopicMessageType#getMetricsValue. */
export type MessageType = 'normal' | 'fifo' | 'delay' | 'transaction';

/**
 * What kind of send stored a record, read from where it was stored: a half message of a
 * transaction, or a message parked for a delay level or the timer wheel. The consume queue does
 * not tell FIFO sends from normal ones, so they count as normal.
 */
export function messageTypeOf(topic: string, sysFlag: number): MessageType {
  if (topic === RMQ_SYS_TRANS_HALF_TOPIC) return 'transaction';
  if ((sysFlag & MessageSysFlag.TRANSACTION_PREPARED_TYPE) !== 0) return 'transaction';
  if (topic === SCHEDULE_TOPIC || topic === TIMER_TOPIC) return 'delay';
  return 'normal';
}

/** TopicValidator#isSystemTopic as the metrics use it: the broker's own topics. */
export function isSystemTopic(topic: string): boolean {
  return (
    NOT_ALLOWED_SEND_TOPICS.has(topic) ||
    topic === TBW102 ||
    topic === TIMER_TOPIC ||
    topic.startsWith('rmq_sys_') ||
    topic.startsWith('RMQ_SYS_')
  );
}

/** MixAll's system consumer groups (CID_RMQ_SYS_ prefix, the tools' and the broker's own). */
export function isSystemGroup(group: string): boolean {
  return (
    group.startsWith('CID_RMQ_SYS_') || group === 'TOOLS_CONSUMER' || group === 'FILTERSRV_CONSUMER'
  );
}

export function isRetryTopic(topic: string): boolean {
  return topic.startsWith(RETRY_GROUP_TOPIC_PREFIX);
}

export function isDlqTopic(topic: string): boolean {
  return topic.startsWith(DLQ_GROUP_TOPIC_PREFIX);
}

/** Labels of a (topic, group) pair: BrokerMetricsManager's consumer attributes. */
export function consumerLabels(topic: string, group: string) {
  return {
    topic,
    consumer_group: group,
    is_retry: String(isRetryTopic(topic)),
    is_system: String(isSystemTopic(topic) || isSystemGroup(group)),
  };
}
