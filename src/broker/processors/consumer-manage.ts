// GET_CONSUMER_LIST_BY_GROUP (38), UPDATE_CONSUMER_OFFSET (15), QUERY_CONSUMER_OFFSET (14)
// (spec part 2 §1.3, §3.1, §3.2). Offsets are the next offset to consume; the offset headers
// are coded in protocol/headers/offsets.ts.
import { reqString } from '../../protocol/headers/fields.js';
import {
  decodeQueryConsumerOffsetHeader,
  decodeUpdateConsumerOffsetHeader,
  encodeOffsetResponseHeader,
} from '../../protocol/headers/offsets.js';
import { createResponse, type RemotingCommand } from '../../protocol/remoting-command.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { BrokerContext } from '../broker-context.js';

export class ConsumerManageProcessor {
  private readonly ctx: BrokerContext;

  constructor(ctx: BrokerContext) {
    this.ctx = ctx;
  }

  readonly getConsumerListByGroup = (req: RemotingCommand): RemotingCommand => {
    const group = reqString(req.extFields, 'consumerGroup');
    const ids = this.ctx.consumers.clientIds(group);
    if (ids.length === 0) {
      return createResponse(req, ResponseCode.SYSTEM_ERROR, `no consumer for this group, ${group}`);
    }
    return createResponse(
      req,
      ResponseCode.SUCCESS,
      undefined,
      {},
      Buffer.from(JSON.stringify({ consumerIdList: ids })),
    );
  };

  readonly updateConsumerOffset = (req: RemotingCommand): RemotingCommand => {
    const h = decodeUpdateConsumerOffsetHeader(req.extFields);
    const { consumerGroup: group, topic, queueId, commitOffset: offset } = h;
    if (!this.ctx.topics.get(topic)) {
      return createResponse(req, ResponseCode.TOPIC_NOT_EXIST, `Topic ${topic} not exist!`);
    }
    if (queueId < 0 || offset < 0) {
      return createResponse(
        req,
        ResponseCode.INVALID_PARAMETER,
        'queueId and commitOffset must be >= 0',
      );
    }
    if (this.ctx.offsets.hasPendingReset(group, topic, queueId)) {
      // The client still holds its old offset; the reset wins until its next pull learns it.
      return createResponse(req, ResponseCode.SUCCESS, 'Offset has been previously reset');
    }
    this.ctx.offsets.commitOffset(group, topic, queueId, offset);
    return createResponse(req, ResponseCode.SUCCESS);
  };

  readonly queryConsumerOffset = (req: RemotingCommand): RemotingCommand => {
    const h = decodeQueryConsumerOffsetHeader(req.extFields);
    const { consumerGroup: group, topic, queueId } = h;
    const offset = this.ctx.offsets.queryOffset(group, topic, queueId);
    if (offset >= 0)
      return createResponse(
        req,
        ResponseCode.SUCCESS,
        undefined,
        encodeOffsetResponseHeader(offset),
      );
    // A new group starts from 0 while the queue still begins at offset 0 and its head is hot
    // (RocketMQ's ConsumerManageProcessor rule): "a new group sees what was already sent".
    const { store } = this.ctx;
    const minOffset = store.getMinOffsetInQueue(topic, queueId);
    const empty = store.getMaxOffsetInQueue(topic, queueId) === 0;
    if (minOffset <= 0 && (empty || store.checkInMemByConsumeOffset(topic, queueId, 0))) {
      return createResponse(req, ResponseCode.SUCCESS, undefined, encodeOffsetResponseHeader(0));
    }
    return createResponse(
      req,
      ResponseCode.QUERY_NOT_FOUND,
      'Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first',
    );
  };
}
