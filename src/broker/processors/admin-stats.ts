// The broker views the Java mqadmin reads: GET_BROKER_CONFIG (26, getBrokerConfig),
// GET_TOPIC_STATS_INFO (202, topicStatus), GET_CONSUMER_CONNECTION_LIST (203,
// consumerConnection) and GET_CONSUME_STATS (208, consumerProgress), with RocketMQ's bodies.
// The bodies are coded in protocol/bodies (topic-stats-table.ts, group-admin.ts,
// consume-stats-list.ts).
import { type BrokerConfig, brokerConfigDefinition } from '../../common/config/broker-config.js';
import { type ConsumeStats, encodeConsumeStats } from '../../protocol/bodies/consume-stats-list.js';
import { encodeConsumerConnection } from '../../protocol/bodies/group-admin.js';
import {
  encodeTopicStatsTable,
  type TopicStatsTable,
} from '../../protocol/bodies/topic-stats-table.js';
import { optString, reqString } from '../../protocol/headers/fields.js';
import { createResponse, type RemotingCommand } from '../../protocol/remoting-command.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { BrokerContext } from '../broker-context.js';

/** Every key the broker schema knows, in its order; the keys do not depend on the machine. */
let schemaKeys: readonly (keyof BrokerConfig)[] | undefined;
function brokerConfigKeys(): readonly (keyof BrokerConfig)[] {
  schemaKeys ??= Object.keys(brokerConfigDefinition().schema) as (keyof BrokerConfig)[];
  return schemaKeys;
}

export class AdminStatsProcessor {
  private readonly ctx: BrokerContext;
  private readonly configVersion = { counter: 0, stateVersion: 0, timestamp: Date.now() };
  private versionedConfig: BrokerConfig;

  constructor(ctx: BrokerContext) {
    this.ctx = ctx;
    this.versionedConfig = ctx.config;
  }

  /**
   * Body: every key of the schema with its effective value (the default unless the -c file, the
   * command line or UPDATE_BROKER_CONFIG set it), as key=value lines the way
   * MixAll#properties2String writes Java's fields (true/false, plain integers); header version:
   * the configuration's DataVersion, moved on by each accepted update (Configuration#update).
   */
  readonly getBrokerConfig = (req: RemotingCommand): RemotingCommand => {
    const config = this.ctx.config;
    if (config !== this.versionedConfig) {
      // An update replaces the frozen config whole, so a new object is a new version.
      this.versionedConfig = config;
      this.configVersion.counter++;
      this.configVersion.timestamp = Date.now();
    }
    const lines: string[] = [];
    for (const key of brokerConfigKeys()) {
      const value: unknown = config[key];
      // Java's object2Properties leaves out a null field; ours are never null, but be as strict.
      if (value !== undefined && value !== null) lines.push(`${key}=${String(value)}`);
    }
    return createResponse(
      req,
      ResponseCode.SUCCESS,
      undefined,
      { version: JSON.stringify(this.configVersion) },
      Buffer.from(`${lines.join('\n')}\n`, 'utf8'),
    );
  };

  readonly getTopicStatsInfo = (req: RemotingCommand): RemotingCommand => {
    const topic = reqString(req.extFields, 'topic');
    const { store, topics, config } = this.ctx;
    const tc = topics.get(topic);
    if (!tc) return createResponse(req, ResponseCode.TOPIC_NOT_EXIST, `topic[${topic}] not exist`);
    const entries: TopicStatsTable['offsetTable'] = [];
    for (let queueId = 0; queueId < Math.max(tc.writeQueueNums, tc.readQueueNums); queueId++) {
      const min = Math.max(0, store.getMinOffsetInQueue(topic, queueId));
      const max = Math.max(0, store.getMaxOffsetInQueue(topic, queueId));
      const lastUpdateTimestamp =
        max > 0 ? Math.max(0, store.getStoreTimestamp(topic, queueId, max - 1)) : 0;
      entries.push({
        mq: { topic, brokerName: config.brokerName, queueId },
        offset: { minOffset: min, maxOffset: max, lastUpdateTimestamp },
      });
    }
    // RocketMQ 5's topicPutTps: the topic's stored messages per second over the last minute.
    const topicPutTps = this.ctx.stats.items.minuteTps('TOPIC_PUT_NUMS', topic);
    const body = encodeTopicStatsTable({ offsetTable: entries, topicPutTps });
    return createResponse(req, ResponseCode.SUCCESS, undefined, {}, body);
  };

  readonly getConsumerConnectionList = (req: RemotingCommand): RemotingCommand => {
    const group = reqString(req.extFields, 'consumerGroup');
    const g = this.ctx.consumers.get(group);
    if (!g || g.channels.size === 0) {
      return createResponse(
        req,
        ResponseCode.CONSUMER_NOT_ONLINE,
        `the consumer group[${group}] not online`,
      );
    }
    const body = encodeConsumerConnection({
      connectionSet: [...g.channels].map(([conn, info]) => ({
        clientId: info.clientId,
        clientAddr: conn.remoteAddress,
        language: info.language,
        version: info.version,
      })),
      subscriptionTable: Object.fromEntries(g.subscriptions),
      consumeType: g.consumeType,
      messageModel: g.messageModel,
      consumeFromWhere: g.consumeFromWhere,
    });
    return createResponse(req, ResponseCode.SUCCESS, undefined, {}, body);
  };

  /** Without a topic: every topic the group has committed offsets on (whichTopicByConsumer). */
  readonly getConsumeStats = (req: RemotingCommand): RemotingCommand => {
    const group = reqString(req.extFields, 'consumerGroup');
    const topic = optString(req.extFields, 'topic');
    const { store, topics, offsets, config } = this.ctx;
    // getTopicsForCollectingConsumeStats: with consumers online, only topics they subscribe to.
    const subs = this.ctx.consumers.get(group)?.subscriptions;
    const wanted = (topic ? [topic] : offsets.topicsOfGroup(group)).filter(
      (t) => !subs || subs.size === 0 || subs.has(t),
    );
    const entries: ConsumeStats['offsetTable'] = [];
    const counted: string[] = [];
    for (const t of wanted) {
      const tc = topics.get(t);
      if (!tc) continue;
      counted.push(t);
      for (let queueId = 0; queueId < tc.readQueueNums; queueId++) {
        const brokerOffset = Math.max(0, store.getMaxOffsetInQueue(t, queueId));
        const consumerOffset = Math.max(0, offsets.queryOffset(group, t, queueId));
        const pullOffset = Math.max(consumerOffset, offsets.queryPullOffset(group, t, queueId));
        const stamp =
          consumerOffset > 0 ? store.getStoreTimestamp(t, queueId, consumerOffset - 1) : 0;
        entries.push({
          mq: { topic: t, brokerName: config.brokerName, queueId },
          offset: { brokerOffset, consumerOffset, pullOffset, lastTimestamp: Math.max(0, stamp) },
        });
      }
    }
    const consumeTps = this.ctx.stats.items.groupGetTps(group, counted);
    const body = encodeConsumeStats({ consumeTps, offsetTable: entries });
    return createResponse(req, ResponseCode.SUCCESS, undefined, {}, body);
  };
}
