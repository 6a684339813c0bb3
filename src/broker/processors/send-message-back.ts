// CONSUMER_SEND_MSG_BACK (36) (spec part 2 §5.2; AbstractSendMessageProcessor#consumerSendMsgBack).
// Header: offset (commit-log offset of the consumed message) !, group !, delayLevel ! (0 = the
// broker picks 3 + reconsumeTimes, < 0 = dead-letter now), originMsgId, originTopic, unitMode,
// maxReconsumeTimes (honoured from request version 121 on), decoded by
// protocol/headers/consumer-send-msg-back.ts. No body.
// Stores a copy of the message in %RETRY%<group> behind delay level n (through the schedule
// topic), or in %DLQ%<group> once reconsumeTimes reaches the limit; reconsumeTimes + 1,
// RETRY_TOPIC = the first topic, ORIGIN_MESSAGE_ID = the first failed message's offset msgId
// (the copy is built by message-copy.ts).
// Codes: 0; 26 group missing; 16 broker or retry topic not writable; 1 message not found or the
// store refused (remark = the put status, as RocketMQ).
import { randomInt } from 'node:crypto';
import { RequestValidationError } from '../../common/errors.js';
import { isWriteable, PERM_READ, PERM_WRITE } from '../../common/perm.js';
import { MessageConst, type MessageExt, type MessageToStore } from '../../message/message.js';
import {
  type ConsumerSendMsgBackRequestHeader,
  decodeSendMsgBackHeader,
} from '../../protocol/headers/consumer-send-msg-back.js';
import { createResponse, type RemotingCommand } from '../../protocol/remoting-command.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { PutMessageStatus } from '../../store/status.js';
import type { BrokerContext } from '../broker-context.js';
import { toPut } from '../message-copy.js';
import { applyDelayLevel } from '../schedule/delay-hook.js';
import { retryTopic } from '../topic-validator.js';
import { deadLetterTopic, maxReconsumeTimes, requireGroup, requireWriteable } from './retry-dlq.js';

/** The delay level of the next attempt when the consumer leaves it to the broker. */
export function retryDelayLevel(requested: number, reconsumeTimes: number): number {
  return requested > 0 ? requested : 3 + reconsumeTimes;
}

export class SendMessageBackProcessor {
  private readonly ctx: BrokerContext;

  constructor(ctx: BrokerContext) {
    this.ctx = ctx;
  }

  readonly process = async (req: RemotingCommand): Promise<RemotingCommand> => {
    const mark = this.ctx.routes.changeMark();
    try {
      const res = await this.sendBack(req, decodeSendMsgBackHeader(req.extFields));
      // A retry or dead-letter topic created here is routed before the answer.
      const published = this.ctx.routes.publishSince(mark);
      if (published) await published;
      return res;
    } catch (err) {
      if (err instanceof RequestValidationError) {
        return createResponse(req, err.responseCode, err.remark);
      }
      throw err;
    }
  };

  private async sendBack(
    req: RemotingCommand,
    h: ConsumerSendMsgBackRequestHeader,
  ): Promise<RemotingCommand> {
    const { config, topics, store, log } = this.ctx;
    const group = requireGroup(this.ctx, h.group);
    if (!isWriteable(config.brokerPermission)) {
      return createResponse(
        req,
        ResponseCode.NO_PERMISSION,
        `the broker[${config.brokerIP1}] sending message is forbidden`,
      );
    }
    // A group without retry queues drops failed messages (RocketMQ answers SUCCESS too).
    if (group.retryQueueNums <= 0) return createResponse(req, ResponseCode.SUCCESS);
    // Looked up before the retry topic is created (RocketMQ creates it first): an offset that
    // points at no message is refused without leaving a %RETRY% topic behind.
    const original = this.lookMessage(h.offset);
    const retry = topics.createTopicInSendMessageBackMethod(
      retryTopic(h.group),
      group.retryQueueNums,
      PERM_READ | PERM_WRITE,
    );
    requireWriteable(retry);
    const limit = maxReconsumeTimes(group, h.maxReconsumeTimes, req.version);
    const dead = original.reconsumeTimes >= limit || h.delayLevel < 0;
    const target = dead
      ? { topic: deadLetterTopic(this.ctx, h.group).topicName, queueId: 0 }
      : { topic: retry.topicName, queueId: randomInt(group.retryQueueNums) };
    const level = dead ? 0 : retryDelayLevel(h.delayLevel, original.reconsumeTimes);
    const copy = this.retryCopy(original, target.topic, target.queueId, level);
    const diverted = applyDelayLevel(copy, this.ctx.schedule.levels);
    if ('error' in diverted) throw new Error(`a broker-built DELAY is valid: ${diverted.error}`);
    const result = await store.putMessage(diverted.message);
    // A slave's refusal (or a full disk) keeps its code and remark, so the client is told where
    // to go instead of a bare status name (RocketMQ answers SYSTEM_ERROR "SERVICE_NOT_AVAILABLE").
    if (result.status === PutMessageStatus.SERVICE_NOT_AVAILABLE) {
      return createResponse(
        req,
        ResponseCode.SERVICE_NOT_AVAILABLE,
        result.remark ?? result.status,
      );
    }
    if (result.status !== PutMessageStatus.PUT_OK) {
      return createResponse(req, ResponseCode.SYSTEM_ERROR, result.status);
    }
    if (dead) {
      log.info(
        {
          group: h.group,
          originTopic: h.originTopic,
          uniqKey: copy.properties[MessageConst.UNIQ_KEY],
          reconsumeTimes: original.reconsumeTimes,
          dlq: target.topic,
        },
        'message sent to the dead-letter queue',
      );
    }
    return createResponse(req, ResponseCode.SUCCESS);
  }

  /** The consumed message, from this broker's commit log. */
  private lookMessage(offset: number): MessageExt {
    let m: MessageExt | null = null;
    try {
      m = this.ctx.store.lookMessageByOffset(offset);
    } catch (err) {
      this.ctx.log.warn({ err, offset }, 'send-back offset does not point at a message');
    }
    if (!m) {
      throw new RequestValidationError(
        ResponseCode.SYSTEM_ERROR,
        `look message by offset failed, ${offset}`,
      );
    }
    return m;
  }

  private retryCopy(m: MessageExt, topic: string, queueId: number, level: number): MessageToStore {
    const origin = m.properties[MessageConst.ORIGIN_MESSAGE_ID];
    return toPut(m, {
      topic,
      queueId,
      set: {
        [MessageConst.RETRY_TOPIC]: m.properties[MessageConst.RETRY_TOPIC] ?? m.topic,
        [MessageConst.ORIGIN_MESSAGE_ID]: origin?.trim() ? origin : m.offsetMsgId,
        [MessageConst.DELAY]: String(level),
        // setWaitStoreMsgOK(false): the original is still stored, so no need to wait for a flush.
        [MessageConst.WAIT]: 'false',
      },
      storeHost: this.ctx.storeHost,
      reconsumeTimes: m.reconsumeTimes + 1,
      preparedTransactionOffset: 0,
    });
  }
}
