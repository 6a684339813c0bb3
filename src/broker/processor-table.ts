// Which processor answers which request code: the broker's table, shared by BrokerController
// (BrokerController#registerProcessor in RocketMQ) and the in-process test harness, so both
// dispatch the same codes to the same handlers. The put hooks a stored send runs through
// (put-hooks.ts) are built here once.
import { RequestCode } from '../protocol/request-code.js';
import type { RequestProcessor } from '../remoting/processor.js';
import type { BrokerContext } from './broker-context.js';
import { AdminProcessor } from './processors/admin.js';
import { AdminBrokerConfigProcessor } from './processors/admin-broker-config.js';
import { AdminBrokerStatsProcessor } from './processors/admin-broker-stats.js';
import { AdminConsumersProcessor } from './processors/admin-consumers.js';
import { AdminGroupsProcessor } from './processors/admin-groups.js';
import { AdminStatsProcessor } from './processors/admin-stats.js';
import { BrokerInfoProcessor } from './processors/broker-info.js';
import { ClientManageProcessor } from './processors/client-manage.js';
import { ConsoleSnapshotProcessor } from './processors/console-snapshot.js';
import { ConsumerManageProcessor } from './processors/consumer-manage.js';
import { EndTransactionProcessor } from './processors/end-transaction.js';
import { LockMqProcessor } from './processors/lock-mq.js';
import { PullMessageProcessor } from './processors/pull-message.js';
import { QueryMessageProcessor } from './processors/query-message.js';
import { ReplyMessageProcessor } from './processors/reply-message.js';
import { ResetOffsetProcessor } from './processors/reset-offset.js';
import { SendMessageProcessor } from './processors/send-message.js';
import { SendMessageBackProcessor } from './processors/send-message-back.js';
import { SlaveSyncSourceProcessor } from './processors/slave-sync-source.js';
import { TransactionAdminProcessor } from './processors/transaction-admin.js';
import { brokerPutHooks } from './put-hooks.js';

/** What processors are registered into: the RemotingServer, or a test's dispatch table. */
export interface ProcessorRegistry {
  registerProcessor(codes: number | readonly number[], processor: RequestProcessor): void;
}

export function registerBrokerProcessors(ctx: BrokerContext, s: ProcessorRegistry): void {
  // One list for every processor that stores a producer's message through the hooks.
  const send = new SendMessageProcessor(ctx, brokerPutHooks(ctx));
  s.registerProcessor(
    [RequestCode.SEND_MESSAGE, RequestCode.SEND_MESSAGE_V2, RequestCode.SEND_BATCH_MESSAGE],
    send.process,
  );
  s.registerProcessor(RequestCode.END_TRANSACTION, new EndTransactionProcessor(ctx).process);
  const tx = new TransactionAdminProcessor(ctx);
  s.registerProcessor(RequestCode.KITEMQ_QUERY_HALF_MESSAGES, tx.queryHalfMessages);
  s.registerProcessor(RequestCode.KITEMQ_END_HALF_MESSAGE, tx.endHalfMessage);
  s.registerProcessor(RequestCode.RESUME_CHECK_HALF_MESSAGE, tx.resumeCheckHalfMessage);
  const reply = new ReplyMessageProcessor(ctx);
  s.registerProcessor(
    [RequestCode.SEND_REPLY_MESSAGE, RequestCode.SEND_REPLY_MESSAGE_V2],
    reply.process,
  );
  const back = new SendMessageBackProcessor(ctx);
  s.registerProcessor(RequestCode.CONSUMER_SEND_MSG_BACK, back.process);
  s.registerProcessor(RequestCode.GET_ALL_DELAY_OFFSET, ctx.schedule.getAllDelayOffset);
  const pull = new PullMessageProcessor(ctx);
  s.registerProcessor([RequestCode.PULL_MESSAGE, RequestCode.LITE_PULL_MESSAGE], pull.process);
  const client = new ClientManageProcessor(ctx);
  s.registerProcessor(RequestCode.HEART_BEAT, client.heartBeat);
  s.registerProcessor(RequestCode.UNREGISTER_CLIENT, client.unregisterClient);
  s.registerProcessor(RequestCode.CHECK_CLIENT_CONFIG, client.checkClientConfig);
  const cm = new ConsumerManageProcessor(ctx);
  s.registerProcessor(RequestCode.GET_CONSUMER_LIST_BY_GROUP, cm.getConsumerListByGroup);
  s.registerProcessor(RequestCode.UPDATE_CONSUMER_OFFSET, cm.updateConsumerOffset);
  s.registerProcessor(RequestCode.QUERY_CONSUMER_OFFSET, cm.queryConsumerOffset);
  const query = new QueryMessageProcessor(ctx);
  s.registerProcessor(RequestCode.QUERY_MESSAGE, query.queryMessage);
  s.registerProcessor(RequestCode.VIEW_MESSAGE_BY_ID, query.viewMessageById);
  const admin = new AdminProcessor(ctx);
  s.registerProcessor(RequestCode.UPDATE_AND_CREATE_TOPIC, admin.updateAndCreateTopic);
  s.registerProcessor(RequestCode.DELETE_TOPIC_IN_BROKER, admin.deleteTopicInBroker);
  s.registerProcessor(RequestCode.GET_ALL_TOPIC_CONFIG, admin.getAllTopicConfig);
  s.registerProcessor(RequestCode.GET_TOPIC_CONFIG, admin.getTopicConfig);
  s.registerProcessor(RequestCode.GET_MAX_OFFSET, admin.getMaxOffset);
  s.registerProcessor(RequestCode.GET_MIN_OFFSET, admin.getMinOffset);
  s.registerProcessor(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, admin.searchOffsetByTimestamp);
  s.registerProcessor(RequestCode.GET_EARLIEST_MSG_STORETIME, admin.getEarliestMsgStoretime);
  const info = new BrokerInfoProcessor(ctx);
  s.registerProcessor(RequestCode.GET_BROKER_RUNTIME_INFO, info.getBrokerRuntimeInfo);
  s.registerProcessor(RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG, info.getAllSubscriptionGroup);
  const stats = new AdminStatsProcessor(ctx);
  s.registerProcessor(RequestCode.GET_BROKER_CONFIG, stats.getBrokerConfig);
  s.registerProcessor(RequestCode.GET_TOPIC_STATS_INFO, stats.getTopicStatsInfo);
  s.registerProcessor(RequestCode.GET_CONSUMER_CONNECTION_LIST, stats.getConsumerConnectionList);
  s.registerProcessor(RequestCode.GET_CONSUME_STATS, stats.getConsumeStats);
  const groups = new AdminGroupsProcessor(ctx);
  s.registerProcessor(
    RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP,
    groups.updateAndCreateSubscriptionGroup,
  );
  s.registerProcessor(RequestCode.DELETE_SUBSCRIPTIONGROUP, groups.deleteSubscriptionGroup);
  s.registerProcessor(RequestCode.GET_PRODUCER_CONNECTION_LIST, groups.getProducerConnectionList);
  s.registerProcessor(RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, groups.queryTopicConsumeByWho);
  s.registerProcessor(RequestCode.QUERY_TOPICS_BY_CONSUMER, groups.queryTopicsByConsumer);
  s.registerProcessor(RequestCode.CLONE_GROUP_OFFSET, groups.cloneGroupOffset);
  const brokerConfig = new AdminBrokerConfigProcessor(ctx);
  s.registerProcessor(RequestCode.UPDATE_BROKER_CONFIG, brokerConfig.updateBrokerConfig);
  const brokerStats = new AdminBrokerStatsProcessor(ctx);
  s.registerProcessor(RequestCode.GET_BROKER_CONSUME_STATS, brokerStats.getBrokerConsumeStats);
  s.registerProcessor(RequestCode.VIEW_BROKER_STATS_DATA, brokerStats.viewBrokerStatsData);
  const consoleSnapshot = new ConsoleSnapshotProcessor(ctx).getBrokerConsoleSnapshot;
  s.registerProcessor(RequestCode.KITEMQ_GET_BROKER_CONSOLE_SNAPSHOT, consoleSnapshot);
  const lock = new LockMqProcessor(ctx);
  s.registerProcessor(RequestCode.LOCK_BATCH_MQ, lock.lockBatchMQ);
  s.registerProcessor(RequestCode.UNLOCK_BATCH_MQ, lock.unlockBatchMQ);
  const slaveSync = new SlaveSyncSourceProcessor(ctx);
  s.registerProcessor(RequestCode.GET_ALL_CONSUMER_OFFSET, slaveSync.getAllConsumerOffset);
  const reset = new ResetOffsetProcessor(ctx);
  s.registerProcessor(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, reset.invokeBrokerToResetOffset);
  const toClient = new AdminConsumersProcessor(ctx);
  s.registerProcessor(RequestCode.GET_CONSUMER_RUNNING_INFO, toClient.getConsumerRunningInfo);
  s.registerProcessor(RequestCode.CONSUME_MESSAGE_DIRECTLY, toClient.consumeMessageDirectly);
}
