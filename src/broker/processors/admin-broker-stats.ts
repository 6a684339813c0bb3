// VIEW_BROKER_STATS_DATA (315), AdminBrokerProcessor#ViewBrokerStatsData: header statsName
// (TOPIC_PUT_NUMS, GROUP_GET_NUMS) and statsKey (topic, topic@group); body BrokerStatsData
// {"statsDay":…,"statsHour":…,"statsMinute":…} of {"avgpt","sum","tps"} (broker-stats-data.ts);
// SYSTEM_ERROR "The stats <name> <key> not exist" when nothing was recorded under it.
// GET_BROKER_CONSUME_STATS (317), AdminBrokerProcessor#fetchAllConsumeStatsInBroker: for every
// subscription group of this broker, the ConsumeStats of each topic it has committed offsets on
// (write queues 0 … writeQueueNums−1), and the broker-wide diff totals. Header: isOrder (true:
// only order topics). A group that is online is reported only for the topics it subscribes to now,
// as RocketMQ skips the topics a running consumer dropped.
import { encodeBrokerStatsData } from '../../protocol/bodies/broker-stats-data.js';
import {
  type ConsumeStats,
  encodeConsumeStatsList,
} from '../../protocol/bodies/consume-stats-list.js';
import { optBool, reqString } from '../../protocol/headers/fields.js';
import { createResponse, type RemotingCommand } from '../../protocol/remoting-command.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { BrokerContext } from '../broker-context.js';

export class AdminBrokerStatsProcessor {
  private readonly ctx: BrokerContext;

  constructor(ctx: BrokerContext) {
    this.ctx = ctx;
  }

  readonly viewBrokerStatsData = (req: RemotingCommand): RemotingCommand => {
    const name = reqString(req.extFields, 'statsName');
    const key = reqString(req.extFields, 'statsKey');
    const data = this.ctx.stats.items.view(name, key);
    if (!data) {
      return createResponse(
        req,
        ResponseCode.SYSTEM_ERROR,
        `The stats <${name}> <${key}> not exist`,
      );
    }
    return createResponse(req, ResponseCode.SUCCESS, undefined, {}, encodeBrokerStatsData(data));
  };

  readonly getBrokerConsumeStats = (req: RemotingCommand): RemotingCommand => {
    const isOrder = optBool(req.extFields, 'isOrder', false);
    const list = [];
    let totalDiff = 0;
    let totalInflightDiff = 0;
    for (const { groupName } of this.ctx.groups.all()) {
      const stats: ConsumeStats[] = [];
      for (const topic of this.ctx.offsets.topicsOfGroup(groupName)) {
        const s = this.topicStats(groupName, topic, isOrder);
        if (!s) continue;
        for (const { offset: w } of s.offsetTable) {
          totalDiff += w.brokerOffset - w.consumerOffset;
          totalInflightDiff += w.pullOffset - w.consumerOffset;
        }
        stats.push(s);
      }
      list.push({ [groupName]: stats });
    }
    const body = encodeConsumeStatsList({
      brokerAddr: this.ctx.storeHost,
      consumeStatsList: list,
      totalDiff,
      totalInflightDiff,
    });
    return createResponse(req, ResponseCode.SUCCESS, undefined, {}, body);
  };

  private topicStats(group: string, topic: string, isOrder: boolean): ConsumeStats | undefined {
    const { store, topics, offsets, consumers, config } = this.ctx;
    const tc = topics.get(topic);
    if (!tc || (isOrder && !tc.order)) return undefined;
    const online = consumers.get(group);
    if (online && online.subscriptions.size > 0 && !online.subscriptions.has(topic))
      return undefined;
    const offsetTable: ConsumeStats['offsetTable'] = [];
    for (let queueId = 0; queueId < tc.writeQueueNums; queueId++) {
      const brokerOffset = Math.max(0, store.getMaxOffsetInQueue(topic, queueId));
      const consumerOffset = Math.max(0, offsets.queryOffset(group, topic, queueId));
      const pullOffset = Math.max(consumerOffset, offsets.queryPullOffset(group, topic, queueId));
      const stamp =
        consumerOffset > 0 ? store.getStoreTimestamp(topic, queueId, consumerOffset - 1) : 0;
      offsetTable.push({
        mq: { topic, brokerName: config.brokerName, queueId },
        offset: { brokerOffset, consumerOffset, lastTimestamp: Math.max(0, stamp), pullOffset },
      });
    }
    return { consumeTps: this.ctx.stats.items.groupGetTps(group, [topic]), offsetTable };
  }
}
