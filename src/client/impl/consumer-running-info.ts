// What a push consumer answers when a broker forwards an admin's request to it:
// GET_CONSUMER_RUNNING_INFO 307 (DefaultMQPushConsumerImpl#consumerRunningInfo: the consumer's
// config as properties, its subscriptions, one ProcessQueueInfo per owned queue) and
// CONSUME_MESSAGE_DIRECTLY 309 (ConsumeMessageConcurrentlyService#consumeMessageDirectly: the
// listener runs on the one message; nothing is committed or sent back, whatever it answers).
// statusTable has one ConsumeStatus per subscribed topic (the retry topic too), from
// consumer-stats.ts.
import { KITEMQ_REMOTING_VERSION } from '../../common/limits.js';
import { MessageConst, type MessageExt, RETRY_GROUP_TOPIC_PREFIX } from '../../message/message.js';
import {
  type ConsumeMessageDirectlyResult,
  type ConsumerRunningInfo,
  type ConsumeStatus,
  encodeConsumeMessageDirectlyResult,
  encodeConsumerRunningInfo,
  RunningInfoProp,
} from '../../protocol/bodies/consumer-running-info.js';
import { createResponse, type RemotingCommand } from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { MessageQueue } from './allocate.js';
import type { MessageListener } from './consume-concurrently.js';
import type { Subscription } from './consumer-parts.js';
import { decodeMessages } from './decode-messages.js';
import type { ProcessQueue } from './process-queue.js';

export interface RunningInfoSource {
  group: string;
  namesrvAddr: string;
  messageModel: string;
  consumeFromWhere: string;
  orderly: boolean;
  consumeThreadMax: number;
  startTimestamp: number;
  subscriptions: ReadonlyMap<string, Subscription>;
  processQueues: Iterable<ProcessQueue>;
  /** The topic's RT/TPS figures (ConsumerStatsManager#consumeStatus). */
  consumeStatus(topic: string): ConsumeStatus;
}

const MIB = 1024 * 1024;

export function consumerRunningInfo(s: RunningInfoSource): ConsumerRunningInfo {
  const properties: Record<string, string> = {
    consumerGroup: s.group,
    messageModel: s.messageModel,
    consumeFromWhere: s.consumeFromWhere,
    consumeThreadMax: String(s.consumeThreadMax),
    [RunningInfoProp.NAMESERVER_ADDR]: s.namesrvAddr,
    [RunningInfoProp.CONSUME_TYPE]: 'CONSUME_PASSIVELY',
    [RunningInfoProp.CONSUME_ORDERLY]: String(s.orderly),
    [RunningInfoProp.THREADPOOL_CORE_SIZE]: String(s.consumeThreadMax),
    [RunningInfoProp.CLIENT_VERSION]: String(KITEMQ_REMOTING_VERSION),
    [RunningInfoProp.CONSUMER_START_TIMESTAMP]: String(s.startTimestamp),
  };
  const subscriptionSet = Array.from(s.subscriptions, ([topic, sub]) => ({
    topic,
    subString: sub.subString,
    tagsSet: sub.tagsSet,
    codeSet: sub.codeSet,
    subVersion: sub.subVersion,
    expressionType: sub.expressionType ?? 'TAG',
    classFilterMode: false,
  }));
  const mqTable = Array.from(s.processQueues, (pq) => {
    const range = pq.cachedOffsetRange();
    return {
      mq: { topic: pq.mq.topic, brokerName: pq.mq.brokerName, queueId: pq.mq.queueId },
      info: {
        commitOffset: pq.commitOffset(),
        cachedMsgMinOffset: range?.[0] ?? 0,
        cachedMsgMaxOffset: range?.[1] ?? 0,
        cachedMsgCount: pq.inflightCount,
        cachedMsgSizeInMiB: Math.floor(pq.inflightBytes / MIB),
        transactionMsgMinOffset: 0,
        transactionMsgMaxOffset: 0,
        transactionMsgCount: 0,
        locked: pq.locked,
        tryUnlockTimes: 0,
        lastLockTimestamp: 0,
        droped: pq.dropped,
        lastPullTimestamp: pq.lastPullTimestamp,
        lastConsumeTimestamp: pq.lastConsumeTimestamp,
      },
    };
  }).sort((a, b) => compareQueues(a.mq, b.mq));
  const statusTable = Object.fromEntries(
    Array.from(s.subscriptions.keys(), (topic) => [topic, s.consumeStatus(topic)]),
  );
  return { properties, subscriptionSet, mqTable, statusTable, jstack: '' };
}

/** MessageQueue#compareTo (the TreeMap's order): topic, then broker name, then queue id. */
function compareQueues(a: MessageQueue, b: MessageQueue): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  if (a.brokerName !== b.brokerName) return a.brokerName < b.brokerName ? -1 : 1;
  return a.queueId - b.queueId;
}

/**
 * Runs `listener` on `msg` as a delivery would (a retried message shows its original topic, as
 * resetRetryAndNamespace does) and reports what it answered; a throw is CR_THROW_EXCEPTION.
 */
export async function consumeMessageDirectly(
  listener: MessageListener,
  orderly: boolean,
  msg: MessageExt,
  brokerName: string,
): Promise<ConsumeMessageDirectlyResult> {
  const retryTopic = msg.properties[MessageConst.RETRY_TOPIC];
  const delivered =
    retryTopic && msg.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)
      ? { ...msg, topic: retryTopic }
      : msg;
  const queue = { topic: delivered.topic, brokerName, queueId: msg.queueId };
  const began = Date.now();
  const result = (consumeResult: ConsumeMessageDirectlyResult['consumeResult'], remark = '') => ({
    order: orderly,
    autoCommit: true,
    consumeResult,
    remark,
    spentTimeMills: Date.now() - began,
  });
  try {
    const answer = await listener([delivered], { queue });
    if (answer === undefined) return result('CR_RETURN_NULL');
    return result(answer === 'CONSUME_SUCCESS' ? 'CR_SUCCESS' : 'CR_LATER');
  } catch (err) {
    return result(
      'CR_THROW_EXCEPTION',
      err instanceof Error ? (err.stack ?? err.message) : String(err),
    );
  }
}

/** A consumer of one group that can answer 307 and 309 (the push consumer). */
export interface ConsumerAdminSource {
  readonly group: string;
  runningInfo(): ConsumerRunningInfo;
  consumeDirectly(msg: MessageExt, brokerName: string): Promise<ConsumeMessageDirectlyResult>;
}

/**
 * The answer to a forwarded 307 or 309 (ClientRemotingProcessor#getConsumerRunningInfo,
 * #consumeMessageDirectly): SYSTEM_ERROR naming the group when no consumer here belongs to it.
 */
export async function answerConsumerAdminRequest(
  cmd: RemotingCommand,
  sources: readonly ConsumerAdminSource[],
): Promise<RemotingCommand> {
  const group = cmd.extFields.consumerGroup ?? '';
  const source = sources.find((s) => s.group === group);
  if (!source) {
    const remark = `The Consumer Group <${group}> not exist in this consumer`;
    return createResponse(cmd, ResponseCode.SYSTEM_ERROR, remark);
  }
  try {
    if (cmd.code === RequestCode.GET_CONSUMER_RUNNING_INFO) {
      const body = encodeConsumerRunningInfo(source.runningInfo());
      return createResponse(cmd, ResponseCode.SUCCESS, undefined, {}, body);
    }
    const msg = cmd.body ? decodeMessages(cmd.body)[0] : undefined;
    if (!msg)
      return createResponse(cmd, ResponseCode.SYSTEM_ERROR, 'the request carries no message');
    const result = await source.consumeDirectly(msg, cmd.extFields.brokerName ?? '');
    const body = encodeConsumeMessageDirectlyResult(result);
    return createResponse(cmd, ResponseCode.SUCCESS, undefined, {}, body);
  } catch (err) {
    return createResponse(cmd, ResponseCode.SYSTEM_ERROR, (err as Error).message);
  }
}
