// The system topic names (TopicValidator, MixAll, TimerMessageStore, TransactionalMessageUtil):
// one home, so the broker, the store's dispatch and the client agree on them.

/** TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC: the template of topics created on first send. */
export const TBW102 = 'TBW102';
/** Per-group system topics (MixAll): redelivery and dead letters of a consumer group. */
export const RETRY_GROUP_TOPIC_PREFIX = '%RETRY%';
export const DLQ_GROUP_TOPIC_PREFIX = '%DLQ%';
/** TopicValidator.RMQ_SYS_SCHEDULE_TOPIC: delay levels park messages here, queue level-1. */
export const SCHEDULE_TOPIC = 'SCHEDULE_TOPIC_XXXX';
/** TimerMessageStore.TIMER_TOPIC: where timer messages wait. One queue. */
export const TIMER_TOPIC = 'rmq_sys_wheel_timer';
/** Transactions (TransactionalMessageUtil): half messages, their op records, checks given up. */
export const RMQ_SYS_TRANS_HALF_TOPIC = 'RMQ_SYS_TRANS_HALF_TOPIC';
export const RMQ_SYS_TRANS_OP_HALF_TOPIC = 'RMQ_SYS_TRANS_OP_HALF_TOPIC';
export const TRANS_CHECK_MAX_TIME_TOPIC = 'TRANS_CHECK_MAX_TIME_TOPIC';
/** TopicValidator: the broker's self test and offset-moved events. */
export const SELF_TEST_TOPIC = 'SELF_TEST_TOPIC';
export const OFFSET_MOVED_EVENT = 'OFFSET_MOVED_EVENT';

/** TopicValidator's NOT_ALLOWED_SEND_TOPIC_SET: topics only the broker itself writes. */
export const NOT_ALLOWED_SEND_TOPICS: ReadonlySet<string> = new Set([
  SCHEDULE_TOPIC,
  RMQ_SYS_TRANS_HALF_TOPIC,
  RMQ_SYS_TRANS_OP_HALF_TOPIC,
  TRANS_CHECK_MAX_TIME_TOPIC,
  SELF_TEST_TOPIC,
  OFFSET_MOVED_EVENT,
]);
