// SEND_MESSAGE (10), SEND_MESSAGE_V2 (310), SEND_BATCH_MESSAGE (320).
// Request header: V2 single-letter keys for 310/320, Java field names for 10 (spec part 1 §4.3),
// coded in protocol/headers/send.ts with the response header; batch vs single is decided by
// `batch`/`m`, not by the code. Body: the message body, or the batch encoding (§4.6). Response
// header: msgId (offset id; comma-joined for a batch), queueId, queueOffset, transactionId
// (UNIQ_KEY), MSG_REGION, TRACE_ON — all strings, on every outcome.
// Codes: 0, 10, 13, 14, 16, 17, 29, 2, 1 (§4.4 order of checks); 26 for a %RETRY% topic whose
// group does not exist. 2 first of all when sendThreadPoolQueueCapacity sends already wait for
// the store (send-queue.ts): refused before any check, so nothing of the send is stored.
// A DELAY level diverts the message to SCHEDULE_TOPIC_XXXX (delay-hook.ts),
// a timer property to rmq_sys_wheel_timer (timer/timer-hook.ts);
// a %RETRY% send past the group's reconsume limit goes to %DLQ%<group> (part 2 §5.3).

import { randomInt } from 'node:crypto';
import { RequestValidationError } from '../../common/errors.js';
import { isWriteable } from '../../common/perm.js';
import { decodeBatch } from '../../message/batch-codec.js';
import { MessageConst, MessageSysFlag, type MessageToStore } from '../../message/message.js';
import { createUniqKey } from '../../message/message-id.js';
import { decodeProperties } from '../../message/properties-codec.js';
import {
  decodeSendHeader,
  encodeSendResponseHeader,
  type DecodedSendHeader as SendMessageRequestHeader,
} from '../../protocol/headers/send.js';
import {
  createResponse,
  createResponseWithFields,
  type RemotingCommand,
} from '../../protocol/remoting-command.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Connection } from '../../remoting/connection.js';
import type { BrokerContext } from '../broker-context.js';
import type { TopicConfig } from '../managers/topic-config-manager.js';
import { applyDelayLevel, applyTimer } from '../schedule/delay-hook.js';
import { mapPutStatus } from '../status-mapping.js';
import { applyTimerWheel, hasTimerProperty } from '../timer/timer-hook.js';
import {
  isNotAllowedSendTopic,
  RETRY_GROUP_TOPIC_PREFIX,
  validateTopic,
} from '../topic-validator.js';
import { deadLetterTopic, maxReconsumeTimes, requireGroup } from './retry-dlq.js';

const BUSY_LOG_INTERVAL_MS = 10_000;

export class SendMessageProcessor {
  private readonly ctx: BrokerContext;
  private busyLoggedAt = Number.NEGATIVE_INFINITY;

  constructor(ctx: BrokerContext) {
    this.ctx = ctx;
  }

  readonly process = async (req: RemotingCommand, conn: Connection): Promise<RemotingCommand> => {
    const base = {
      MSG_REGION: this.ctx.config.regionId,
      TRACE_ON: String(this.ctx.config.traceOn),
    };
    const release = this.ctx.sendQueue.tryAdmit();
    if (!release) return this.busy(req, base);
    try {
      const h = decodeSendHeader(req.code, req.extFields);
      const mark = this.ctx.routes.changeMark();
      const tc = this.checkTopic(h);
      const queueId = this.pickQueue(h, tc);
      const body = req.body ?? Buffer.alloc(0);
      const res = h.batch
        ? await this.sendBatch(req, conn, h, tc, queueId, body, base)
        : await this.sendOne(req, conn, h, tc, queueId, body, base);
      // A topic auto-created here (or a %DLQ%) is routed before the answer, as msgCheck does.
      const published = this.ctx.routes.publishSince(mark);
      if (published) await published;
      return res;
    } catch (err) {
      if (err instanceof RequestValidationError) {
        return createResponse(req, err.responseCode, err.remark, base);
      }
      throw err;
    } finally {
      release();
    }
  };

  private busy(req: RemotingCommand, base: Record<string, string>): RemotingCommand {
    const q = this.ctx.sendQueue;
    // Logged once per BUSY_LOG_INTERVAL_MS, as RocketMQ logs its [OVERLOAD] rejections.
    const now = Date.now();
    if (now - this.busyLoggedAt >= BUSY_LOG_INTERVAL_MS) {
      this.busyLoggedAt = now;
      this.ctx.log.warn(
        { waiting: q.size, capacity: q.capacity, headWaitMs: q.headWaitMs(), rejected: q.rejected },
        'send refused with SYSTEM_BUSY: too many sends waiting for the store',
      );
    }
    return createResponse(req, ResponseCode.SYSTEM_BUSY, q.busyRemark(), base);
  }

  /** msgCheck: topic name, send permission, existence (with auto-creation). */
  private checkTopic(h: SendMessageRequestHeader): TopicConfig {
    const { config, topics } = this.ctx;
    if (!isWriteable(config.brokerPermission)) {
      throw new RequestValidationError(
        ResponseCode.NO_PERMISSION,
        `the broker[${config.brokerIP1}] sending message is forbidden (brokerPermission=${config.brokerPermission})`,
      );
    }
    const bad = validateTopic(h.topic);
    if (bad) throw new RequestValidationError(ResponseCode.INVALID_PARAMETER, bad);
    if (isNotAllowedSendTopic(h.topic)) {
      throw new RequestValidationError(
        ResponseCode.NO_PERMISSION,
        `Sending message to topic[${h.topic}] is forbidden.`,
      );
    }
    let tc = topics.get(h.topic);
    if (!tc) {
      tc = h.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)
        ? topics.createRetryTopicIfAbsent(h.topic.slice(RETRY_GROUP_TOPIC_PREFIX.length))
        : (topics.createTopicInSendMessageMethod(
            h.topic,
            h.defaultTopic,
            h.defaultTopicQueueNums,
          ) ?? undefined);
    }
    if (!tc) {
      throw new RequestValidationError(
        ResponseCode.TOPIC_NOT_EXIST,
        `topic[${h.topic}] not exist, apply first please! Create it with ` +
          `'mqadmin updateTopic -n <namesrv> -c ${config.brokerClusterName} -t ${h.topic}' ` +
          `or set autoCreateTopicEnable=true`,
      );
    }
    if (!isWriteable(tc.perm)) {
      throw new RequestValidationError(
        ResponseCode.NO_PERMISSION,
        `the topic[${h.topic}] sending message is forbidden (perm=${tc.perm})`,
      );
    }
    return tc;
  }

  private pickQueue(h: SendMessageRequestHeader, tc: TopicConfig): number {
    const max = Math.max(tc.writeQueueNums, tc.readQueueNums);
    if (h.queueId >= max) {
      throw new RequestValidationError(
        ResponseCode.INVALID_PARAMETER,
        `request queueId[${h.queueId}] is illegal, topic ${h.topic} has ${max} queues (0..${max - 1})`,
      );
    }
    if (h.queueId >= 0) return h.queueId;
    if (tc.writeQueueNums <= 0) {
      throw new RequestValidationError(
        ResponseCode.NO_PERMISSION,
        `topic ${h.topic} has no write queues`,
      );
    }
    return randomInt(tc.writeQueueNums);
  }

  /** The message to store; built field by field (spreads here showed in send profiles). */
  private toStore(
    conn: Connection,
    h: SendMessageRequestHeader,
    tc: TopicConfig,
    queueId: number,
    item: { flag: number; body: Buffer; properties: Record<string, string> },
  ): MessageToStore {
    let sysFlag = h.sysFlag;
    if (tc.topicFilterType === 'MULTI_TAG') sysFlag |= MessageSysFlag.MULTI_TAGS;
    return {
      topic: h.topic,
      queueId,
      flag: item.flag,
      body: item.body,
      properties: item.properties,
      sysFlag,
      bornTimestamp: h.bornTimestamp,
      bornHost: conn.remoteAddress,
      storeHost: this.ctx.storeHost,
      reconsumeTimes: h.reconsumeTimes,
      preparedTransactionOffset: 0,
    };
  }

  private completeProperties(props: Record<string, string>): Record<string, string> {
    if (!props[MessageConst.UNIQ_KEY]) props[MessageConst.UNIQ_KEY] = createUniqKey();
    props[MessageConst.CLUSTER] = this.ctx.config.brokerClusterName;
    // `delete` turns the object into a slow dictionary; only pay for it when the key is there.
    if (props[MessageConst.POP_CK] !== undefined) delete props[MessageConst.POP_CK];
    return props;
  }

  private async sendOne(
    req: RemotingCommand,
    conn: Connection,
    h: SendMessageRequestHeader,
    tc: TopicConfig,
    queueId: number,
    body: Buffer,
    base: Record<string, string>,
  ): Promise<RemotingCommand> {
    const properties = this.completeProperties(decodeProperties(h.properties));
    const m = this.handleRetryAndDLQ(
      req,
      h,
      this.toStore(conn, h, tc, queueId, { flag: h.flag, body, properties }),
    );
    const levels = this.ctx.schedule.levels;
    // A DELAY level wins and drops the timer properties (HookUtils#checkIfTimerMessage).
    let diverted = applyDelayLevel(m, levels);
    if (!('error' in diverted) && diverted.level === 0) {
      const maxMs = this.ctx.config.timerMaxDelaySec * 1000;
      const timed = this.ctx.config.timerWheelEnable
        ? applyTimerWheel(m, Date.now(), maxMs)
        : applyTimer(m, levels, Date.now(), maxMs);
      diverted = timed ?? diverted;
    }
    if ('error' in diverted) {
      return createResponse(req, ResponseCode.MESSAGE_ILLEGAL, diverted.error, base);
    }
    const putStarted = performance.now();
    const result = await this.ctx.store.putMessage(diverted.message);
    this.ctx.stats.recordPut(performance.now() - putStarted, result.appendResult?.wroteBytes);
    const outcome = mapPutStatus(result.status, result.remark);
    if (outcome.stored) this.ctx.stats.putTotal++;
    if (!outcome.stored || !result.appendResult) {
      return createResponse(req, outcome.code, outcome.remark, base);
    }
    const a = result.appendResult;
    // queueId is the one asked for; queueOffset is where the message sits now (for a delayed
    // message, in the schedule queue), as RocketMQ answers.
    return createResponseWithFields(req, outcome.code, outcome.remark, {
      msgId: a.msgId,
      queueId: String(queueId),
      queueOffset: String(a.queueOffset),
      transactionId: properties[MessageConst.UNIQ_KEY]!, // completeProperties sets it
      MSG_REGION: this.ctx.config.regionId,
      TRACE_ON: String(this.ctx.config.traceOn),
    });
  }

  /**
   * SendMessageProcessor#handleRetryAndDLQ: a send to %RETRY%<group> (a client's fallback when
   * CONSUMER_SEND_MSG_BACK failed) whose reconsumeTimes is past the limit is dead-lettered, and
   * so is any from a group holding queue locks (an orderly consumer retries locally instead).
   */
  private handleRetryAndDLQ(
    req: RemotingCommand,
    h: SendMessageRequestHeader,
    m: MessageToStore,
  ): MessageToStore {
    if (!h.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) return m;
    const groupName = h.topic.slice(RETRY_GROUP_TOPIC_PREFIX.length);
    const group = requireGroup(this.ctx, groupName);
    // Strictly greater here, unlike send-back's >= (RocketMQ's two paths differ the same way).
    const limit = maxReconsumeTimes(group, h.maxReconsumeTimes, req.version);
    if (h.reconsumeTimes <= limit && this.ctx.locks.isLockAllExpired(groupName)) return m;
    const dlq = deadLetterTopic(this.ctx, groupName);
    return {
      ...m,
      topic: dlq.topicName,
      queueId: 0,
      properties: { ...m.properties, [MessageConst.DELAY]: '-1' },
    };
  }

  private async sendBatch(
    req: RemotingCommand,
    conn: Connection,
    h: SendMessageRequestHeader,
    tc: TopicConfig,
    queueId: number,
    body: Buffer,
    base: Record<string, string>,
  ): Promise<RemotingCommand> {
    if (h.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) {
      return createResponse(
        req,
        ResponseCode.MESSAGE_ILLEGAL,
        'batch request does not support retry group topic',
        base,
      );
    }
    let items: ReturnType<typeof decodeBatch>;
    try {
      items = decodeBatch(body);
    } catch (err) {
      return createResponse(
        req,
        ResponseCode.MESSAGE_ILLEGAL,
        `malformed batch body: ${(err as Error).message}`,
        base,
      );
    }
    if (items.length === 0) {
      return createResponse(req, ResponseCode.MESSAGE_ILLEGAL, 'the batch holds no messages', base);
    }
    const batchProps = decodeProperties(h.properties);
    if (Number(batchProps[MessageConst.DELAY] ?? 0) > 0) {
      return createResponse(
        req,
        ResponseCode.MESSAGE_ILLEGAL,
        'batch messages cannot carry a delay level',
        base,
      );
    }
    if (hasTimerProperty(batchProps) || items.some((it) => hasTimerProperty(it.properties))) {
      return createResponse(
        req,
        ResponseCode.MESSAGE_ILLEGAL,
        'batch messages cannot carry timer properties (TIMER_DELIVER_MS, TIMER_DELAY_SEC, ' +
          'TIMER_DELAY_MS); send them one by one',
        base,
      );
    }
    // Batch-level properties apply to every message, but each message's own keys win
    // (the fix of apache/rocketmq#9416: a batch UNIQ_KEY must not override the inner ones).
    const msgs: MessageToStore[] = items.map((it) => {
      // Filled in place (the decoded object is ours): a spread per message showed in profiles.
      const props = it.properties;
      for (const k in batchProps) if (props[k] === undefined) props[k] = batchProps[k]!;
      return this.toStore(conn, h, tc, queueId, {
        flag: it.flag,
        body: it.body,
        properties: this.completeProperties(props),
      });
    });
    const putStarted = performance.now();
    const result = await this.ctx.store.putMessages(msgs);
    this.ctx.stats.recordPut(performance.now() - putStarted, result.appendResult?.wroteBytes);
    const outcome = mapPutStatus(result.status, result.remark);
    if (outcome.stored) this.ctx.stats.putTotal += msgs.length;
    if (!outcome.stored || !result.appendResult) {
      return createResponse(req, outcome.code, outcome.remark, base);
    }
    const a = result.appendResult;
    return createResponseWithFields(
      req,
      outcome.code,
      outcome.remark,
      encodeSendResponseHeader({
        msgId: a.msgIds.join(','),
        queueId,
        queueOffset: a.queueOffset,
        MSG_REGION: this.ctx.config.regionId,
        TRACE_ON: this.ctx.config.traceOn,
      }),
    );
  }
}
