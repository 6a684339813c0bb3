// mqadmin's topic subcommands beside updateTopic/topicList/topicRoute (tools/command/topic/*,
// RocketMQ 5.x):
//   topicStatus -t <topic> [-c <cluster>]      per queue min/max offset and last store time
//   topicClusterList -t <topic>                 the clusters whose brokers serve the topic
//   updateTopicPerm -t <topic> -p 2|4|6 (-b <brokerAddr> | -c <cluster>)
//   updateOrderConf -t <topic> -m put|get|delete [-v 'brokerName:num;…']   (KV ORDER_TOPIC_CONFIG)
//   allocateMQ -t <topic> -i <ip,ip,…>          AllocateMessageQueueAveragely over the route
//   updateTopicList (-b <brokerAddr> | -c <cluster>) -f <file.json>   a JSON list of TopicConfig
// and topicList -c (the cluster view) and topicRoute -l (the table), which mqadmin.ts calls.
import { readFileSync } from 'node:fs';
import type { AdminClient } from '../client/admin.js';
import { queryMessageByOffset } from '../client/admin-messages.js';
import {
  deleteKvConfig,
  getKvConfig,
  getTopicsByCluster,
  NAMESPACE_ORDER_TOPIC_CONFIG,
  putKvConfig,
  queryTopicConsumeByWho,
} from '../client/admin-namesrv.js';
import { allocateAveragely, type MessageQueue } from '../client/impl/allocate.js';
import { isReadable, perm2String } from '../common/perm.js';
import { DLQ_GROUP_TOPIC_PREFIX, RETRY_GROUP_TOPIC_PREFIX } from '../message/message.js';
import type { TopicRouteData } from '../protocol/bodies/route-data.js';
import { stringFlag, UsageError } from './args.js';
import { needAs } from './mqadmin-namesrv.js';
import {
  type Cell,
  intFlag,
  need,
  type Output,
  type Subcommand,
  type SubcommandModule,
} from './mqadmin-output.js';

const HELP = `  topicStatus       min/max offsets and last store time of every queue of a topic: -t <topic>
                    [-c <cluster>]
  topicClusterList  the clusters a topic is served by: -t <topic>
  updateTopicPerm   change a topic's perm: -t <topic> -p 2|4|6, -b <brokerAddr> | -c <cluster>
  updateOrderConf   ordered-topic config in the name servers: -t <topic> -m put|get|delete,
                    [-v 'brokerName:queueNum;…'] (put)
  allocateMQ        how the average strategy splits a topic's queues: -t <topic> -i <ip,ip,…>
  updateTopicList   create or update topics from a JSON list of TopicConfig: -f <file>,
                    -b <brokerAddr> | -c <cluster>`;

const OPTIONS = {
  value: { type: 'string', short: 'v' },
  method: { type: 'string', short: 'm' },
} as const;

/**
 * topicList -c (TopicListSubCommand's cluster model): one row per (cluster, topic, consuming
 * group) of every cluster, '' when no group consumes it; %RETRY% and %DLQ% topics left out.
 */
export async function topicClusterView(admin: AdminClient, out: Output): Promise<void> {
  const rows: string[][] = [];
  const info = await admin.getClusterInfo();
  for (const cluster of Object.keys(info.clusterAddrTable).sort()) {
    for (const topic of (await getTopicsByCluster(admin, cluster)).sort()) {
      if (topic.startsWith(RETRY_GROUP_TOPIC_PREFIX) || topic.startsWith(DLQ_GROUP_TOPIC_PREFIX))
        continue;
      const route = await admin.getTopicRoute(topic);
      const groups = new Set<string>();
      for (const bd of route.brokerDatas) {
        const master = bd.brokerAddrs['0'];
        if (bd.cluster !== cluster || !master) continue;
        for (const g of await queryTopicConsumeByWho(admin, master, topic)) groups.add(g);
      }
      for (const g of groups.size > 0 ? [...groups].sort() : ['']) rows.push([cluster, topic, g]);
    }
  }
  out.table(['#Cluster Name', '#Topic', '#Consumer Group'], rows);
}

/** topicRoute -l (TopicRouteSubCommand#printData): one row per broker, then the totals. */
export function topicRouteList(route: TopicRouteData, out: Output): void {
  const brokers = [...route.brokerDatas].sort((a, b) => (a.brokerName < b.brokerName ? -1 : 1));
  const rows: Cell[][] = [];
  let read = 0;
  let write = 0;
  for (const bd of brokers) {
    const qd = route.queueDatas.find((q) => q.brokerName === bd.brokerName);
    if (!qd) continue;
    read += qd.readQueueNums;
    write += qd.writeQueueNums;
    const addrs = Object.entries(bd.brokerAddrs).map(([id, a]) => `${id}=${a}`);
    rows.push([
      bd.cluster,
      bd.brokerName,
      `{${addrs.join(', ')}}`,
      qd.readQueueNums,
      qd.writeQueueNums,
      qd.perm,
    ]);
  }
  const header = [
    '#ClusterName',
    '#BrokerName',
    '#BrokerAddrs',
    '#ReadQueue',
    '#WriteQueue',
    '#Perm',
  ];
  const total = { brokers: rows.length, readQueueNums: read, writeQueueNums: write };
  out.table(header, [...rows, ['Total:', rows.length, '', read, write, '']], {
    brokers: brokers.map((bd) => ({
      ...bd,
      queueData: route.queueDatas.find((q) => q.brokerName === bd.brokerName) ?? null,
    })),
    total,
  });
}

/**
 * TopicOffset#lastUpdateTimestamp, the store time of the queue's last message, printed as
 * UtilAll#timeMillisToHumanString2 (local time, milliseconds after a comma); '' for an empty
 * queue or one whose last message is gone.
 */
async function lastUpdated(
  admin: AdminClient,
  topic: string,
  brokerName: string,
  queueId: number,
  maxOffset: number,
): Promise<string> {
  if (maxOffset <= 0) return '';
  const m = await queryMessageByOffset(admin, topic, brokerName, queueId, maxOffset - 1).catch(
    () => undefined,
  );
  if (!m) return '';
  const d = new Date(m.storeTimestamp);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ` +
    `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())},${p(d.getMilliseconds(), 3)}`
  );
}

function parseOrderConf(s: string): string {
  const parts = s.split(';').filter((p) => p !== '');
  const ok = parts.length > 0 && parts.every((p) => /^[^:;]+:\d+$/.test(p));
  if (!ok) throw new UsageError(`-v must be brokerName:queueNum;… (e.g. broker-a:4), got '${s}'`);
  return s;
}

interface TopicConfigJson {
  topicName: string;
  readQueueNums?: number;
  writeQueueNums?: number;
  perm?: number;
  order?: boolean;
}

function readTopicList(file: string): TopicConfigJson[] {
  let list: unknown;
  try {
    list = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`-f ${file}: ${(err as Error).message}; give a JSON list of TopicConfig`);
  }
  const valid = (t: unknown) => typeof (t as TopicConfigJson | null)?.topicName === 'string';
  if (!Array.isArray(list) || !list.every(valid))
    throw new UsageError(`-f ${file} must be a JSON list of objects with a topicName`);
  return list as TopicConfigJson[];
}

const COMMANDS: Record<string, Subcommand> = {
  async topicStatus(admin, v, out) {
    const topic = need(v, 'topic', 't');
    const cluster = stringFlag(v, 'clusterName');
    const route = await admin.getTopicRoute(topic);
    const rows: Cell[][] = [];
    const queueDatas = [...route.queueDatas].sort((a, b) => (a.brokerName < b.brokerName ? -1 : 1));
    for (const qd of queueDatas) {
      const bd = route.brokerDatas.find((b) => b.brokerName === qd.brokerName);
      const addr = bd?.brokerAddrs['0'];
      if (!addr || (cluster && bd.cluster !== cluster)) continue;
      for (let q = 0; q < qd.readQueueNums; q++) {
        const max = await admin.getMaxOffset(addr, topic, q);
        rows.push([
          qd.brokerName,
          q,
          await admin.getMinOffset(addr, topic, q),
          max,
          await lastUpdated(admin, topic, qd.brokerName, q, max),
        ]);
      }
    }
    out.table(['#Broker Name', '#QID', '#Min Offset', '#Max Offset', '#Last Updated'], rows);
  },
  async topicClusterList(admin, v, out) {
    const route = await admin.getTopicRoute(need(v, 'topic', 't'));
    const clusters = [...new Set(route.brokerDatas.map((b) => b.cluster))].sort();
    out.line(clusters.join('\n'), clusters);
  },
  async updateTopicPerm(admin, v, out) {
    const topic = need(v, 'topic', 't');
    const perm = intFlag(v, 'perm', 'p', -1);
    if (![2, 4, 6].includes(perm)) throw new UsageError('-p must be 2 (W), 4 (R) or 6 (RW)');
    const brokerAddr = stringFlag(v, 'brokerAddr');
    const cluster = stringFlag(v, 'clusterName');
    if (!brokerAddr && !cluster) throw new UsageError('updateTopicPerm needs -b or -c');
    const route = await admin.getTopicRoute(topic);
    const lines: string[] = [];
    const changed: { brokerAddr: string; oldPerm: number; perm: number }[] = [];
    for (const bd of route.brokerDatas) {
      const master = bd.brokerAddrs['0'];
      const qd = route.queueDatas.find((q) => q.brokerName === bd.brokerName);
      if (!master || !qd) continue;
      if (brokerAddr ? master !== brokerAddr : bd.cluster !== cluster) continue;
      if (qd.perm === perm) {
        lines.push(`new perm equals to the old one! (${master})`);
        continue;
      }
      await admin.createTopic({ ...qd, topic, brokerAddr: master, perm });
      lines.push(`update topic perm from ${qd.perm} to ${perm} in ${master} success.`);
      changed.push({ brokerAddr: master, oldPerm: qd.perm, perm });
    }
    if (lines.length === 0) {
      const where = brokerAddr ? `master ${brokerAddr}` : `cluster ${cluster}`;
      throw new Error(`topic ${topic} has no queues on ${where}; check -b/-c with topicRoute`);
    }
    out.line(lines.join('\n'), { topic, perm: perm2String(perm), changed });
  },
  async updateOrderConf(admin, v, out) {
    const topic = need(v, 'topic', 't');
    const method = need(v, 'method', 'm');
    if (method === 'get') {
      const conf = await getKvConfig(admin, NAMESPACE_ORDER_TOPIC_CONFIG, topic);
      if (conf === undefined)
        throw new Error(`no orderConf for topic ${topic}; set one with -m put`);
      out.line(`get orderConf success. topic=[${topic}], orderConf=[${conf}]`, {
        topic,
        orderConf: conf,
      });
    } else if (method === 'put') {
      const conf = parseOrderConf(need(v, 'value', 'v'));
      await putKvConfig(admin, NAMESPACE_ORDER_TOPIC_CONFIG, topic, conf);
      out.line(`update orderConf success. topic=[${topic}], orderConf=[${conf}]`, {
        topic,
        orderConf: conf,
      });
    } else if (method === 'delete') {
      await deleteKvConfig(admin, NAMESPACE_ORDER_TOPIC_CONFIG, topic);
      out.line(`delete orderConf success. topic=[${topic}]`, { topic });
    } else throw new UsageError(`-m must be put, get or delete, got '${method}'`);
  },
  async allocateMQ(admin, v, out) {
    const topic = need(v, 'topic', 't');
    const ips = needAs(v, 'msgId', 'i', 'ip,ip,…')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const route = await admin.getTopicRoute(topic);
    // topicRouteData2TopicSubscribeInfo: the readable queues of every broker.
    const mqs: MessageQueue[] = route.queueDatas
      .filter((q) => isReadable(q.perm))
      .flatMap((q) =>
        Array.from({ length: q.readQueueNums }, (_, queueId) => ({
          topic,
          brokerName: q.brokerName,
          queueId,
        })),
      );
    const result: Record<string, { brokerName: string; queueId: number; topic: string }[]> = {};
    const rows: (string | number)[][] = [];
    for (const ip of ips) {
      result[ip] = allocateAveragely(ip, mqs, ips).map((mq) => ({
        brokerName: mq.brokerName,
        queueId: mq.queueId,
        topic: mq.topic,
      }));
      for (const mq of result[ip]) rows.push([ip, mq.brokerName, mq.queueId]);
    }
    out.table(['#Client IP', '#Broker Name', '#QID'], rows, { result });
  },
  async updateTopicList(admin, v, out) {
    const file = needAs(v, 'force', 'f', 'file.json');
    const brokerAddr = stringFlag(v, 'brokerAddr');
    const clusterName = stringFlag(v, 'clusterName');
    if (!brokerAddr && !clusterName) throw new UsageError('updateTopicList needs -b or -c');
    const list = readTopicList(file);
    const rows: (string | number)[][] = [];
    for (const t of list) {
      const created = await admin.createTopic({
        ...t,
        topic: t.topicName,
        brokerAddr,
        clusterName,
      });
      for (const c of created) rows.push([t.topicName, c.brokerAddr, c.warning ?? 'OK']);
    }
    out.table(['#Topic', '#Broker Addr', '#Result'], rows);
  },
};

export const TOPICS_MODULE: SubcommandModule = { help: HELP, options: OPTIONS, commands: COMMANDS };
