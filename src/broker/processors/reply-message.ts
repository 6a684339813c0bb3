// SEND_REPLY_MESSAGE (324) / SEND_REPLY_MESSAGE_V2 (325): request-reply (Java's
// DefaultMQProducer#request, the Go client's reply). The replying consumer sends its answer to
// <cluster>_REPLY_TOPIC; the broker pushes it at once to the requester named by the REPLY_TO_CLIENT
// property, over that producer's own connection, as PUSH_REPLY_MESSAGE_TO_CLIENT (326), and stores
// a copy whether or not the push succeeded (RocketMQ's storeReplyMessageEnable=true default). The
// replier is answered with the push's outcome: SUCCESS with msgId "0", or SYSTEM_ERROR naming the
// requester that could not be reached.

import { randomInt } from 'node:crypto';
import { PUSH_REPLY_TIMEOUT_MS } from '../../common/limits.js';
import { decodeProperties, encodeProperties } from '../../message/properties-codec.js';
import { type DecodedSendHeader, decodeSendHeader } from '../../protocol/headers/send.js';
import {
  createRequest,
  createResponse,
  type RemotingCommand,
} from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Connection } from '../../remoting/connection.js';
import type { BrokerContext } from '../broker-context.js';

const REPLY_TO_CLIENT = 'REPLY_TO_CLIENT';
const PUSH_REPLY_TIME = 'PUSH_REPLY_TIME';

export class ReplyMessageProcessor {
  private readonly ctx: BrokerContext;

  constructor(ctx: BrokerContext) {
    this.ctx = ctx;
  }

  readonly process = async (req: RemotingCommand, conn: Connection): Promise<RemotingCommand> => {
    const { config, topics, producers, store } = this.ctx;
    // Version 2 uses the single-letter keys of SEND_MESSAGE_V2.
    const h = decodeSendHeader(
      req.code === RequestCode.SEND_REPLY_MESSAGE_V2
        ? RequestCode.SEND_MESSAGE_V2
        : RequestCode.SEND_MESSAGE,
      req.extFields,
    );
    const base = { MSG_REGION: config.regionId, TRACE_ON: String(config.traceOn) };
    const tc = topics.get(h.topic);
    if (!tc || tc.writeQueueNums <= 0) {
      return createResponse(
        req,
        ResponseCode.TOPIC_NOT_EXIST,
        `topic[${h.topic}] not exist, replies go to ${config.brokerClusterName}_REPLY_TOPIC`,
        base,
      );
    }
    const queueId = h.queueId < 0 ? randomInt(tc.writeQueueNums) : h.queueId;
    const properties = decodeProperties(h.properties);
    const body = req.body ?? Buffer.alloc(0);
    const senderId = properties[REPLY_TO_CLIENT];
    let failure: string | undefined;
    if (senderId === undefined) {
      failure = `reply message properties[${REPLY_TO_CLIENT}] is null`;
    } else {
      const channel = producers.findChannel(senderId);
      if (!channel) {
        failure = `push reply message fail, channel of <${senderId}> not found.`;
      } else {
        properties[PUSH_REPLY_TIME] = String(Date.now());
        failure = await this.push(channel, h, queueId, properties, body, conn.remoteAddress);
      }
    }
    // Stored whatever became of the push: the copy is for tracing, and its outcome does not
    // change the answer (as RocketMQ).
    const result = await store.putMessage({
      topic: h.topic,
      queueId,
      flag: h.flag,
      body,
      properties,
      sysFlag: h.sysFlag,
      bornTimestamp: h.bornTimestamp,
      bornHost: conn.remoteAddress,
      storeHost: this.ctx.storeHost,
      reconsumeTimes: h.reconsumeTimes,
      preparedTransactionOffset: 0,
    });
    if (result.status === 'PUT_OK') this.ctx.stats.putTotal++;
    else this.ctx.log.warn({ status: result.status, topic: h.topic }, 'reply message not stored');
    if (failure === undefined) {
      // msgId "0" and offset 0, so that clients decoding a send result do not fail.
      return createResponse(req, ResponseCode.SUCCESS, undefined, {
        ...base,
        msgId: '0',
        queueId,
        queueOffset: 0,
      });
    }
    return createResponse(req, ResponseCode.SYSTEM_ERROR, failure, base);
  };

  /** PUSH_REPLY_MESSAGE_TO_CLIENT (ReplyMessageRequestHeader); undefined when it was taken. */
  private async push(
    channel: Connection,
    h: DecodedSendHeader,
    queueId: number,
    properties: Record<string, string>,
    body: Buffer,
    bornHost: string,
  ): Promise<string | undefined> {
    const request = createRequest(
      RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT,
      0,
      {
        producerGroup: h.producerGroup,
        topic: h.topic,
        defaultTopic: h.defaultTopic,
        defaultTopicQueueNums: h.defaultTopicQueueNums,
        queueId,
        sysFlag: h.sysFlag,
        bornTimestamp: h.bornTimestamp,
        flag: h.flag,
        properties: encodeProperties(properties),
        reconsumeTimes: h.reconsumeTimes,
        unitMode: false,
        bornHost,
        storeHost: this.ctx.storeHost,
        storeTimestamp: Date.now(),
      },
      body,
    );
    const failed = `push reply message to ${properties[REPLY_TO_CLIENT]} fail.`;
    try {
      const r = await channel.invoke(request, PUSH_REPLY_TIMEOUT_MS);
      return r.code === ResponseCode.SUCCESS ? undefined : failed;
    } catch {
      return failed;
    }
  }
}
