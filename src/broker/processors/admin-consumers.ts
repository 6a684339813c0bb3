// GET_CONSUMER_RUNNING_INFO (307) and CONSUME_MESSAGE_DIRECTLY (309): requests an admin sends to a
// broker for one client of a group, which the broker forwards to that client's connection (the
// one its HEART_BEAT came on) and whose answer it relays (AdminBrokerProcessor#callConsumer,
// Broker2Client#callClient: a new request with the same extFields and body, sync, 10 s).
//   307 header: consumerGroup !, clientId !, jstackEnable ?  → body ConsumerRunningInfo
//   309 header: consumerGroup !, clientId !, msgId ! (offset id), brokerName ?  → the broker sets
//       brokerName to its own and attaches the stored message as the body (consumeMessageDirectly)
//       → body ConsumeMessageDirectlyResult
// Responses: the client's own; SYSTEM_ERROR "not online" when no connection of the group has that
// client id, or the message is not in the store; CONSUME_MSG_TIMEOUT (207) when the client does
// not answer in time (ali-ons never answers broker requests); SYSTEM_ERROR for other failures.
import { BROKER2CLIENT_CALL_TIMEOUT_MS } from '../../common/limits.js';
import { decodeOffsetMsgId } from '../../message/message-id.js';
import { reqString } from '../../protocol/headers/fields.js';
import {
  createRequestWithFields,
  createResponse,
  createResponseWithFields,
  type RemotingCommand,
} from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Connection } from '../../remoting/connection.js';
import { RemotingTimeoutError } from '../../remoting/errors.js';
import type { BrokerContext } from '../broker-context.js';

export class AdminConsumersProcessor {
  private readonly ctx: BrokerContext;
  private readonly callTimeoutMs: number;

  constructor(ctx: BrokerContext, callTimeoutMs = BROKER2CLIENT_CALL_TIMEOUT_MS) {
    this.ctx = ctx;
    this.callTimeoutMs = callTimeoutMs;
  }

  readonly getConsumerRunningInfo = (req: RemotingCommand): Promise<RemotingCommand> =>
    this.callConsumer(req, RequestCode.GET_CONSUMER_RUNNING_INFO, req.extFields, req.body);

  readonly consumeMessageDirectly = (
    req: RemotingCommand,
  ): Promise<RemotingCommand> | RemotingCommand => {
    const msgId = reqString(req.extFields, 'msgId');
    let offset: number;
    try {
      offset = decodeOffsetMsgId(msgId).commitLogOffset;
    } catch {
      return createResponse(
        req,
        ResponseCode.SYSTEM_ERROR,
        `msgId ${msgId} is not an offset message id (32 hex digits: store host and offset)`,
      );
    }
    const body = this.ctx.store.getRecordBytes(offset);
    if (!body) {
      return createResponse(
        req,
        ResponseCode.SYSTEM_ERROR,
        `can not find message by the offset, ${offset} (msgId ${msgId}) on this broker`,
      );
    }
    const fields = { ...req.extFields, brokerName: this.ctx.config.brokerName };
    return this.callConsumer(req, RequestCode.CONSUME_MESSAGE_DIRECTLY, fields, body);
  };

  private async callConsumer(
    req: RemotingCommand,
    code: number,
    fields: Record<string, string>,
    body: Buffer | undefined,
  ): Promise<RemotingCommand> {
    const group = reqString(req.extFields, 'consumerGroup');
    const clientId = reqString(req.extFields, 'clientId');
    const conn = this.findChannel(group, clientId);
    if (!conn) {
      return createResponse(
        req,
        ResponseCode.SYSTEM_ERROR,
        `The Consumer <${group}> <${clientId}> not online`,
      );
    }
    try {
      const res = await conn.invoke(
        createRequestWithFields(code, fields, body),
        this.callTimeoutMs,
      );
      return createResponseWithFields(req, res.code, res.remark, res.extFields, res.body);
    } catch (err) {
      if (err instanceof RemotingTimeoutError) {
        return createResponse(
          req,
          ResponseCode.CONSUME_MSG_TIMEOUT,
          `consumer <${group}> <${clientId}> at ${conn.remoteAddress} did not answer within ` +
            `${this.callTimeoutMs} ms: the client does not answer broker requests ` +
            '(ali-ons never does; the Java, Go and KiteMQ clients do)',
        );
      }
      return createResponse(
        req,
        ResponseCode.SYSTEM_ERROR,
        `invoke consumer <${group}> <${clientId}> failed: ${(err as Error).message}`,
      );
    }
  }

  private findChannel(group: string, clientId: string): Connection | undefined {
    const g = this.ctx.consumers.get(group);
    if (!g) return undefined;
    for (const [conn, info] of g.channels) {
      if (info.clientId === clientId && !conn.isClosed) return conn;
    }
    return undefined;
  }
}
