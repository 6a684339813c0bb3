// Group administration (AdminBrokerProcessor, RocketMQ 5):
//   UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (200)  body SubscriptionGroupConfig → SUCCESS; an illegal
//       group name → INVALID_PARAMETER (TopicValidator#validateGroup); no body → SUCCESS, nothing
//   DELETE_SUBSCRIPTIONGROUP (207)      {groupName, cleanOffset} → SUCCESS (also for an unknown
//       group, as Java); cleanOffset forgets the group's committed offsets too
//   GET_PRODUCER_CONNECTION_LIST (204)  {producerGroup} → ProducerConnection, or SYSTEM_ERROR
//       "the producer group[G] not exist" when no producer of the group is connected
//   QUERY_TOPIC_CONSUME_BY_WHO (300)    {topic} → GroupList: groups subscribed now or with offsets
//   QUERY_TOPICS_BY_CONSUMER (343)      {group} → TopicList of the topics it has offsets on
//   CLONE_GROUP_OFFSET (314)            {srcGroup, destGroup, topic?, offline} → SUCCESS; topics
//       the broker lacks are skipped, and unless offline so are topics an online srcGroup does
//       not subscribe to. Java passes the header's topic (not the loop's) to cloneOffset, so a
//       request without a topic clones nothing there; here each of srcGroup's topics is cloned.
// Config changes are persisted at once (subscriptionGroup.json); offsets on the usual interval.
import { RequestValidationError } from '../../common/errors.js';
import {
  type Connection,
  encodeGroupList,
  encodeProducerConnection,
} from '../../protocol/bodies/group-admin.js';
import { decodeSubscriptionGroupConfig } from '../../protocol/bodies/subscription-group.js';
import { encodeTopicList } from '../../protocol/bodies/topic-list.js';
import { reqString } from '../../protocol/headers/fields.js';
import {
  decodeCloneGroupOffsetHeader,
  decodeDeleteSubscriptionGroupHeader,
} from '../../protocol/headers/group-admin.js';
import { createResponse, type RemotingCommand } from '../../protocol/remoting-command.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { BrokerContext } from '../broker-context.js';
import { validateGroup } from '../topic-validator.js';

export class AdminGroupsProcessor {
  private readonly ctx: BrokerContext;

  constructor(ctx: BrokerContext) {
    this.ctx = ctx;
  }

  readonly updateAndCreateSubscriptionGroup = async (
    req: RemotingCommand,
  ): Promise<RemotingCommand> => {
    if (!req.body || req.body.length === 0) return createResponse(req, ResponseCode.SUCCESS);
    let cfg: ReturnType<typeof decodeSubscriptionGroupConfig>;
    try {
      cfg = decodeSubscriptionGroupConfig(req.body);
    } catch (err) {
      throw new RequestValidationError(
        ResponseCode.SYSTEM_ERROR,
        `the SubscriptionGroupConfig body is not valid: ${(err as Error).message}`,
      );
    }
    const invalid = validateGroup(cfg.groupName);
    if (invalid !== null) return createResponse(req, ResponseCode.INVALID_PARAMETER, invalid);
    this.ctx.groups.upsert(cfg);
    await this.ctx.groups.stored(); // SUCCESS says the group is stored
    this.ctx.log.info({ group: cfg.groupName }, 'subscription group updated');
    return createResponse(req, ResponseCode.SUCCESS);
  };

  readonly deleteSubscriptionGroup = async (req: RemotingCommand): Promise<RemotingCommand> => {
    const { groupName, cleanOffset } = decodeDeleteSubscriptionGroupHeader(req.extFields);
    const existed = this.ctx.groups.delete(groupName);
    const offsets = cleanOffset ? this.ctx.offsets.removeOffset(groupName) : 0;
    await Promise.all([
      this.ctx.groups.stored(),
      offsets > 0 ? this.ctx.offsets.persist() : undefined,
    ]);
    this.ctx.log.info({ group: groupName, existed, offsets }, 'subscription group deleted');
    return createResponse(req, ResponseCode.SUCCESS);
  };

  readonly getProducerConnectionList = (req: RemotingCommand): RemotingCommand => {
    const group = reqString(req.extFields, 'producerGroup');
    const channels = this.ctx.producers.channels(group);
    if (!channels) {
      return createResponse(
        req,
        ResponseCode.SYSTEM_ERROR,
        `the producer group[${group}] not exist`,
      );
    }
    const conns: Connection[] = [...channels].map(([conn, info]) => ({
      clientId: info.clientId,
      clientAddr: conn.remoteAddress,
      language: info.language,
      version: info.version,
    }));
    return createResponse(
      req,
      ResponseCode.SUCCESS,
      undefined,
      {},
      encodeProducerConnection(conns),
    );
  };

  readonly queryTopicConsumeByWho = (req: RemotingCommand): RemotingCommand => {
    const topic = reqString(req.extFields, 'topic');
    const groups = new Set<string>();
    for (const name of this.ctx.consumers.groupNames()) {
      if (this.ctx.consumers.get(name)?.subscriptions.has(topic)) groups.add(name);
    }
    for (const g of this.ctx.offsets.groupsOfTopic(topic)) groups.add(g);
    return createResponse(req, ResponseCode.SUCCESS, undefined, {}, encodeGroupList(groups));
  };

  readonly queryTopicsByConsumer = (req: RemotingCommand): RemotingCommand => {
    const group = reqString(req.extFields, 'group');
    const topics = this.ctx.offsets.topicsOfGroup(group);
    const body = encodeTopicList({ topicList: [...topics], brokerAddr: this.ctx.storeHost });
    return createResponse(req, ResponseCode.SUCCESS, undefined, {}, body);
  };

  readonly cloneGroupOffset = async (req: RemotingCommand): Promise<RemotingCommand> => {
    const h = decodeCloneGroupOffsetHeader(req.extFields);
    const { offsets, topics, consumers } = this.ctx;
    const wanted = h.topic !== undefined ? [h.topic] : offsets.topicsOfGroup(h.srcGroup);
    const online = consumers.get(h.srcGroup)?.subscriptions;
    const cloned: string[] = [];
    for (const topic of wanted) {
      if (!topics.get(topic)) continue;
      if (!h.offline && online && online.size > 0 && !online.has(topic)) continue;
      if (offsets.cloneOffset(h.srcGroup, h.destGroup, topic)) cloned.push(topic);
    }
    if (cloned.length > 0) await offsets.persist();
    this.ctx.log.info({ src: h.srcGroup, dest: h.destGroup, cloned }, 'group offsets cloned');
    return createResponse(req, ResponseCode.SUCCESS);
  };
}
