// Topic administration and queue offset queries (spec part 1 §4.8, part 2 §3.3, §10.2-10.3):
// UPDATE_AND_CREATE_TOPIC (17), DELETE_TOPIC_IN_BROKER (215), GET_ALL_TOPIC_CONFIG (21),
// GET_TOPIC_CONFIG (351), GET_MAX_OFFSET (30), GET_MIN_OFFSET (31),
// SEARCH_OFFSET_BY_TIMESTAMP (29), GET_EARLIEST_MSG_STORETIME (32); the offset headers are
// coded in protocol/headers/offsets.ts.
import { DEFAULT_TOPIC_QUEUE_NUMS, TOPIC_QUEUE_NUMS_MAX } from '../../common/limits.js';
import { encodeTopicConfigWrapper } from '../../protocol/bodies/topic-config-wrapper.js';
import { optBool, optInt, optString, reqString } from '../../protocol/headers/fields.js';
import {
  decodeSearchOffsetHeader,
  decodeTopicQueueHeader,
  encodeOffsetResponseHeader,
  encodeStoreTimeResponseHeader,
} from '../../protocol/headers/offsets.js';
import { createResponse, type RemotingCommand } from '../../protocol/remoting-command.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { BrokerContext } from '../broker-context.js';
import type { TopicConfig, TopicFilterType } from '../managers/topic-config-manager.js';
import { alterTopicAttributes } from '../topic-attributes.js';
import { isSystemTopic, TBW102, validateTopic } from '../topic-validator.js';

const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v), 'utf8');

export class AdminProcessor {
  private readonly ctx: BrokerContext;

  constructor(ctx: BrokerContext) {
    this.ctx = ctx;
  }

  readonly updateAndCreateTopic = async (req: RemotingCommand): Promise<RemotingCommand> => {
    const e = req.extFields;
    const topic = reqString(e, 'topic');
    const bad = validateTopic(topic);
    if (bad) return createResponse(req, ResponseCode.INVALID_PARAMETER, bad);
    if (topic === TBW102 || topic === this.ctx.config.brokerClusterName) {
      return createResponse(
        req,
        ResponseCode.INVALID_PARAMETER,
        `The topic[${topic}] is conflict with system topic.`,
      );
    }
    const read = optInt(e, 'readQueueNums', DEFAULT_TOPIC_QUEUE_NUMS);
    const write = optInt(e, 'writeQueueNums', DEFAULT_TOPIC_QUEUE_NUMS);
    const perm = optInt(e, 'perm', 6);
    if (
      read < 0 ||
      write < 0 ||
      read > TOPIC_QUEUE_NUMS_MAX ||
      write > TOPIC_QUEUE_NUMS_MAX ||
      perm < 0 ||
      perm > 15
    ) {
      return createResponse(
        req,
        ResponseCode.INVALID_PARAMETER,
        `readQueueNums and writeQueueNums must be within 0..${TOPIC_QUEUE_NUMS_MAX} and perm within 0..15`,
      );
    }
    const filter = optString(e, 'topicFilterType') === 'MULTI_TAG' ? 'MULTI_TAG' : 'SINGLE_TAG';
    const current = this.ctx.topics.get(topic)?.attributes;
    const attributes = alterTopicAttributes(current, optString(e, 'attributes'));
    if (typeof attributes === 'string')
      return createResponse(req, ResponseCode.INVALID_PARAMETER, attributes);
    const tc: TopicConfig = {
      topicName: topic,
      readQueueNums: read,
      writeQueueNums: write,
      perm,
      topicFilterType: filter as TopicFilterType,
      topicSysFlag: optInt(e, 'topicSysFlag', 0),
      order: optBool(e, 'order', false),
      attributes,
    };
    this.ctx.topics.createOrUpdate(tc);
    // Registered before the answer, even when unchanged (a retry after a name server missed it):
    // callers send to the topic as soon as they have it.
    return createResponse(req, ResponseCode.SUCCESS, await this.ctx.routes.publishNow());
  };

  readonly deleteTopicInBroker = async (req: RemotingCommand): Promise<RemotingCommand> => {
    const topic = reqString(req.extFields, 'topic');
    const bad = validateTopic(topic); // also keeps the queue directory removal inside the store
    if (bad) return createResponse(req, ResponseCode.INVALID_PARAMETER, bad);
    if (isSystemTopic(topic)) {
      return createResponse(
        req,
        ResponseCode.SYSTEM_ERROR,
        `The topic[${topic}] is conflict with system topic.`,
      );
    }
    // AdminBrokerProcessor#deleteTopic: the config, the groups' offsets, the consume queues.
    this.ctx.topics.delete(topic);
    this.ctx.offsets.cleanOffsetByTopic(topic);
    this.ctx.store.deleteTopic(topic);
    // Routes drop it before the answer, so nothing is sent to it after the caller moved on.
    return createResponse(req, ResponseCode.SUCCESS, await this.ctx.routes.publishNow());
  };

  readonly getAllTopicConfig = (req: RemotingCommand): RemotingCommand => {
    const { topics } = this.ctx;
    const body = encodeTopicConfigWrapper({
      dataVersion: topics.dataVersion,
      topicConfigTable: topics.all(),
    });
    return createResponse(req, ResponseCode.SUCCESS, undefined, {}, body);
  };

  readonly getTopicConfig = (req: RemotingCommand): RemotingCommand => {
    const topic = reqString(req.extFields, 'topic');
    const tc = this.ctx.topics.get(topic);
    if (!tc)
      return createResponse(
        req,
        ResponseCode.TOPIC_NOT_EXIST,
        `No topic in this broker. topic: ${topic}`,
      );
    return createResponse(
      req,
      ResponseCode.SUCCESS,
      undefined,
      {},
      json({ topicConfig: tc, ...tc }),
    );
  };

  readonly getMaxOffset = (req: RemotingCommand): RemotingCommand => {
    const { topic, queueId } = decodeTopicQueueHeader(req.extFields);
    return offsetResponse(req, this.ctx.store.getMaxOffsetInQueue(topic, queueId));
  };

  readonly getMinOffset = (req: RemotingCommand): RemotingCommand => {
    const { topic, queueId } = decodeTopicQueueHeader(req.extFields);
    return offsetResponse(req, this.ctx.store.getMinOffsetInQueue(topic, queueId));
  };

  readonly searchOffsetByTimestamp = (req: RemotingCommand): RemotingCommand => {
    const { topic, queueId, timestamp } = decodeSearchOffsetHeader(req.extFields);
    return offsetResponse(req, this.ctx.store.getOffsetInQueueByTime(topic, queueId, timestamp));
  };

  readonly getEarliestMsgStoretime = (req: RemotingCommand): RemotingCommand => {
    const { topic, queueId } = decodeTopicQueueHeader(req.extFields);
    const timestamp = this.ctx.store.getEarliestMessageTime(topic, queueId);
    return createResponse(
      req,
      ResponseCode.SUCCESS,
      undefined,
      encodeStoreTimeResponseHeader(timestamp),
    );
  };
}

function offsetResponse(req: RemotingCommand, offset: number): RemotingCommand {
  return createResponse(req, ResponseCode.SUCCESS, undefined, encodeOffsetResponseHeader(offset));
}
