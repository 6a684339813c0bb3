// mqadmin statsAll (StatsAllSubCommand): per topic, and per consumer group of it, the in and out
// TPS of the last minute and the messages of the last 24 hours (VIEW_BROKER_STATS_DATA's
// TOPIC_PUT_NUMS and GROUP_GET_NUMS, summed over the topic's masters), and the group's
// accumulation. RocketMQ finds a topic's groups with QUERY_TOPIC_CONSUME_BY_WHO; here each
// master's GET_BROKER_CONSUME_STATS gives the groups with offsets on each topic and their diff in
// one request per broker. -t keeps one topic; -a keeps only the rows that moved messages today.
import type { AdminClient } from '../client/admin.js';
import { getBrokerConsumeStats, viewBrokerStatsData } from '../client/admin-broker.js';
import { type ParsedValues, stringFlag } from './args.js';
import type { Cell, Output } from './mqadmin-output.js';

type View = Awaited<ReturnType<typeof viewBrokerStatsData>>;

/** StatsAllSubCommand#compute24HourSum: the day's sum, else the hour's, else the minute's. */
function sum24h(v: View): number {
  if (!v) return 0;
  if (v.statsDay.sum !== 0) return v.statsDay.sum;
  if (v.statsHour.sum !== 0) return v.statsHour.sum;
  return v.statsMinute.sum;
}

/** Group → diff, per topic, from every master's consume stats. */
async function groupsByTopic(admin: AdminClient, masters: string[]) {
  const out = new Map<string, Map<string, number>>();
  for (const addr of masters) {
    const list = await getBrokerConsumeStats(admin, addr, false, 10_000);
    for (const byGroup of list.consumeStatsList) {
      for (const [group, statsOfTopics] of Object.entries(byGroup)) {
        for (const s of statsOfTopics) {
          for (const { mq, offset } of s.offsetTable) {
            const groups = out.get(mq.topic) ?? new Map<string, number>();
            out.set(mq.topic, groups);
            groups.set(
              group,
              (groups.get(group) ?? 0) + offset.brokerOffset - offset.consumerOffset,
            );
          }
        }
      }
    }
  }
  return out;
}

export async function statsAll(admin: AdminClient, v: ParsedValues, out: Output): Promise<void> {
  const only = stringFlag(v, 'topic');
  const activeOnly = v.activeTopic === true; // -a, RocketMQ's activeTopic switch
  const topics = only ? [only] : (await admin.getAllTopics()).sort();
  const info = await admin.getClusterInfo();
  const masters = Object.values(info.brokerAddrTable)
    .map((b) => b.brokerAddrs['0'])
    .filter((a): a is string => a !== undefined);
  const groups = await groupsByTopic(admin, masters);
  const rows: Cell[][] = [];
  for (const topic of topics) {
    const route = await admin.getTopicRoute(topic).catch(() => undefined);
    const addrs = (route?.brokerDatas ?? [])
      .map((b) => b.brokerAddrs['0'])
      .filter((a): a is string => a !== undefined);
    let inTps = 0;
    let in24h = 0;
    for (const addr of addrs) {
      const put = await viewBrokerStatsData(admin, addr, 'TOPIC_PUT_NUMS', topic);
      inTps += put?.statsMinute.tps ?? 0;
      in24h += sum24h(put);
    }
    const byGroup = [...(groups.get(topic) ?? new Map<string, number>())].sort();
    if (byGroup.length === 0) {
      if (!activeOnly || in24h > 0) rows.push([topic, '', 0, inTps.toFixed(2), '0.00', in24h, 0]);
      continue;
    }
    for (const [group, diff] of byGroup) {
      let outTps = 0;
      let out24h = 0;
      for (const addr of addrs) {
        const get = await viewBrokerStatsData(admin, addr, 'GROUP_GET_NUMS', `${topic}@${group}`);
        outTps += get?.statsMinute.tps ?? 0;
        out24h += sum24h(get);
      }
      if (activeOnly && in24h === 0 && out24h === 0) continue;
      rows.push([topic, group, diff, inTps.toFixed(2), outTps.toFixed(2), in24h, out24h]);
    }
  }
  out.table(
    [
      '#Topic',
      '#Consumer Group',
      '#Accumulation',
      '#InTPS',
      '#OutTPS',
      '#InMsg24Hour',
      '#OutMsg24Hour',
    ],
    rows,
  );
}
