// mqadmin's group and offset subcommands, with the flags and columns of RocketMQ's
// UpdateSubGroupSubCommand, DeleteSubscriptionGroupCommand, ConsumerProgressSubCommand,
// ConsumerConnectionSubCommand, ProducerConnectionSubCommand, CloneGroupOffsetCommand and
// SkipAccumulationSubCommand. One letter is one option key across mqadmin, so a letter that
// means different things to two subcommands (-d: broadcast or destination group) has a neutral
// key here. -o takes true/false as in RocketMQ (consumeMessageOrderly, cloneGroupOffset's offline).

import type { AdminClient } from '../client/admin.js';
import {
  cloneGroupOffset,
  deleteSubscriptionGroup,
  examineConsumerConnection,
  examineConsumeStats,
  examineProducerConnection,
  skipAccumulated,
  updateSubscriptionGroup,
} from '../client/admin-groups.js';
import { getConsumerRunningInfo, groupClients } from '../client/admin-messages.js';
import { MQBrokerError } from '../client/errors.js';
import { RETRY_GROUP_TOPIC_PREFIX } from '../message/message.js';
import { decodeConsumerConnection } from '../protocol/bodies/group-admin.js';
import type { SubscriptionGroupConfigBody } from '../protocol/bodies/subscription-group.js';
import { createRequest } from '../protocol/remoting-command.js';
import { RequestCode } from '../protocol/request-code.js';
import { ResponseCode } from '../protocol/response-code.js';
import { type ParsedValues, stringFlag, UsageError } from './args.js';
import {
  boolFlag,
  type Cell,
  intFlag,
  need,
  type Subcommand,
  type SubcommandModule,
} from './mqadmin-output.js';

const HELP = `  updateSubGroup    create or update a consumer group: -b <brokerAddr> | -c <cluster>, -g <group>,
                    [-s consumeEnable] [-m consumeFromMinEnable] [-d consumeBroadcastEnable]
                    [-o consumeMessageOrderly] [-q retryQueueNums] [-r retryMaxTimes]
                    [-i brokerId] [-w whichBrokerWhenConsumeSlowly] [-a notifyConsumerIdsChanged]
                    [-p groupRetryPolicy JSON] [--groupSysFlag n] [--consumeTimeoutMinute n]
                    [--attributes +a=b,+c=d]
  deleteSubGroup    delete a consumer group: -b <brokerAddr> | -c <cluster>, -g <group>,
                    [-r removeOffset=false]
  consumerProgress  without -g: every group with its TPS and total diff; with -g <group>
                    [-t <topic>]: per queue broker/consumer offset, diff, last time, totals;
                    [-s true]: and the client IP holding each queue;
                    [-c <cluster>]: that cluster's brokers only
  consumerConnection the consumers of a group and their subscriptions: -g <group>
                    [-b <brokerAddr>] (as that broker sees them)
  producerConnection the producers of a group on a topic's brokers: -g <group> -t <topic>
  cloneGroupOffset  copy a group's offsets of a topic to another group:
                    -s <srcGroup> -d <destGroup> -t <topic> [-o offline=false]
  skipAccumulatedMessage  move a group's offsets of a topic to the end:
                    -g <group> -t <topic> [-c <cluster>] [-f force=true]`;

const OPTIONS = {
  // -m is the shared 'method' key (mqadmin-topics.ts): here it is consumeFromMinEnable.
  // -d and -a are the shared 'consumerClientId' and 'amount' keys (mqadmin-messages.ts).
  groupFlagQ: { type: 'string', short: 'q' },
  groupSysFlag: { type: 'string' },
  consumeTimeoutMinute: { type: 'string' },
  attributes: { type: 'string' },
} as const;

/**
 * MQVersion.Version's V3 names, ordinals 0–211: sixteen pre-releases, then a SNAPSHOT and a
 * release for each patch (3.0.1–3.0.15, 3.1.0–3.2.9, then x.1–x.9 for 3.3 to 3.9). ali-ons
 * reports 121, V3_4_9.
 */
const V3_NAMES: readonly string[] = (() => {
  const beta = (n: number) => (n < 6 ? [`BETA${n}`] : [`BETA${n}_SNAPSHOT`, `BETA${n}`]);
  const pre = ['SNAPSHOT', 'ALPHA1', ...[1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap(beta), 'FINAL'];
  const names = pre.map((p) => `V3_0_0_${p}`);
  const patches: [number, number, number][] = [
    [0, 1, 15],
    [1, 0, 9],
    [2, 0, 9],
  ];
  for (let minor = 3; minor <= 9; minor++) patches.push([minor, 1, 9]);
  for (const [minor, first, last] of patches) {
    for (let p = first; p <= last; p++) names.push(`V3_${minor}_${p}_SNAPSHOT`, `V3_${minor}_${p}`);
  }
  return names;
})();

/** MQVersion.Version's name for an ordinal: V3 from the table, two per patch release after. */
export function versionDesc(ordinal: number): string {
  const V4_0_0_SNAPSHOT = 212;
  const HIGHER_VERSION = V4_0_0_SNAPSHOT + 400;
  if (ordinal >= HIGHER_VERSION) return 'HIGHER_VERSION';
  if (ordinal < V4_0_0_SNAPSHOT) return V3_NAMES[ordinal] ?? `V3(${ordinal})`;
  const i = ordinal - V4_0_0_SNAPSHOT;
  const release = Math.floor(i / 2);
  const major = 4 + Math.floor(release / 100);
  const minor = Math.floor(release / 10) % 10;
  const patch = release % 10;
  return `V${major}_${minor}_${patch}${i % 2 === 0 ? '_SNAPSHOT' : ''}`;
}

/** UtilAll.YYYY_MM_DD_HH_MM_SS in local time, or N/A for 0 (never consumed). */
export function formatLastTime(ms: number): string {
  if (ms <= 0) return 'N/A';
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return (
    `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ` +
    `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
  );
}

function optInt(v: ParsedValues, key: string, letter: string): number | undefined {
  return stringFlag(v, key) === undefined ? undefined : intFlag(v, key, letter, 0);
}

/**
 * --attributes +a=b,+c=d: the group's whole attribute set. RocketMQ's -key (remove one) needs the
 * broker to merge edits into the stored set, which KiteMQ's broker does not do yet.
 */
function parseAttributes(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of s.split(',').filter(Boolean)) {
    const m = /^\+([^=]+)=(.*)$/.exec(part.trim());
    if (!m) {
      throw new UsageError(
        `--attributes takes +key=value pairs, comma separated (the whole set; -key is not ` +
          `supported yet); got '${part}'`,
      );
    }
    out[m[1]!] = m[2]!;
  }
  return out;
}

function subGroupConfig(
  v: ParsedValues,
): Partial<SubscriptionGroupConfigBody> & { groupName: string } {
  const cfg: Partial<SubscriptionGroupConfigBody> & { groupName: string } = {
    groupName: need(v, 'group', 'g').trim(),
  };
  const set = <K extends keyof SubscriptionGroupConfigBody>(
    k: K,
    val: SubscriptionGroupConfigBody[K] | undefined,
  ) => {
    if (val !== undefined) cfg[k] = val;
  };
  set('consumeEnable', boolFlag(v, 'timestamp', 's'));
  set('consumeFromMinEnable', boolFlag(v, 'method', 'm'));
  set('consumeBroadcastEnable', boolFlag(v, 'consumerClientId', 'd'));
  set('consumeMessageOrderly', boolFlag(v, 'order', 'o'));
  set('retryQueueNums', optInt(v, 'groupFlagQ', 'q'));
  set('retryMaxTimes', optInt(v, 'readQueueNums', 'r'));
  set('brokerId', optInt(v, 'msgId', 'i'));
  set('whichBrokerWhenConsumeSlowly', optInt(v, 'writeQueueNums', 'w'));
  set('notifyConsumerIdsChangedEnable', boolFlag(v, 'amount', 'a'));
  set('groupSysFlag', optInt(v, 'groupSysFlag', '-groupSysFlag'));
  set('consumeTimeoutMinute', optInt(v, 'consumeTimeoutMinute', '-consumeTimeoutMinute'));
  const policy = stringFlag(v, 'perm');
  if (policy !== undefined) {
    try {
      cfg.groupRetryPolicy = JSON.parse(policy) as SubscriptionGroupConfigBody['groupRetryPolicy'];
    } catch {
      throw new UsageError(`-p takes a groupRetryPolicy JSON like {"type":"CUSTOMIZED"}`);
    }
  }
  const attrs = stringFlag(v, 'attributes');
  if (attrs !== undefined) cfg.attributes = parseAttributes(attrs);
  return cfg;
}

/** -b, else every master of -c's cluster; one of the two is required. */
async function targets(admin: AdminClient, v: ParsedValues, command: string): Promise<string[]> {
  const addr = stringFlag(v, 'brokerAddr');
  if (addr) return [addr];
  const cluster = stringFlag(v, 'clusterName');
  if (!cluster) throw new UsageError(`${command} needs -b <brokerAddr> or -c <clusterName>`);
  const addrs = await admin.masterAddrs(cluster);
  if (addrs.length === 0) throw new Error(`cluster ${cluster} has no master; check -c`);
  return addrs;
}

const updateSubGroup: Subcommand = async (admin, v, out) => {
  const cfg = subGroupConfig(v);
  const lines: string[] = [];
  let written: SubscriptionGroupConfigBody | undefined;
  const addrs = await targets(admin, v, 'updateSubGroup');
  for (const addr of addrs) {
    written = await updateSubscriptionGroup(admin, addr, cfg);
    lines.push(`create subscription group to ${addr} success.`);
  }
  lines.push(JSON.stringify(written));
  out.line(lines.join('\n'), { brokers: addrs, config: written });
};

const deleteSubGroup: Subcommand = async (admin, v, out) => {
  const group = need(v, 'group', 'g').trim();
  const clean = boolFlag(v, 'readQueueNums', 'r') ?? false;
  const addrs = await targets(admin, v, 'deleteSubGroup');
  const lines: string[] = [];
  for (const addr of addrs) {
    await deleteSubscriptionGroup(admin, addr, group, clean);
    lines.push(`delete subscription group [${group}] from broker [${addr}] success.`);
  }
  out.line(lines.join('\n'), { group, brokers: addrs, removeOffset: clean });
};

const mqKey = (mq: { topic: string; brokerName: string; queueId: number }) =>
  `${mq.topic}@${mq.brokerName}@${mq.queueId}`;

/**
 * ConsumerProgressSubCommand#getMessageQueueAllocationResult: each online client's running info
 * names the queues it holds; the IP is its clientId up to the '@'. A client that does not answer
 * leaves its queues at N/A rather than failing the command, as the Java tool does.
 */
async function queueHolders(admin: AdminClient, group: string): Promise<Map<string, string>> {
  const holders = new Map<string, string>();
  const online = await groupClients(admin, group).catch(() => undefined);
  for (const clientId of online?.clientIds ?? []) {
    const info = await getConsumerRunningInfo(admin, online!.brokerAddr, group, clientId).catch(
      () => undefined,
    );
    const ip = clientId.split('@')[0]!;
    for (const { mq } of info?.mqTable ?? []) holders.set(mqKey(mq), ip);
  }
  return holders;
}

const consumerProgressOfGroup = async (
  admin: AdminClient,
  v: ParsedValues,
  out: Parameters<Subcommand>[2],
  group: string,
) => {
  const stats = await examineConsumeStats(admin, group, stringFlag(v, 'topic'));
  const cluster = stringFlag(v, 'clusterName');
  if (cluster) {
    // -c: the queues of that cluster's brokers only (examineConsumeStats(cluster, …) in Java).
    const names = (await admin.getClusterInfo()).clusterAddrTable[cluster];
    if (!names) throw new UsageError(`cluster ${cluster} does not exist; clusterList shows them`);
    stats.offsetTable = stats.offsetTable.filter(({ mq }) => names.includes(mq.brokerName));
  }
  const holders = boolFlag(v, 'timestamp', 's') ? await queueHolders(admin, group) : undefined;
  let diffTotal = 0;
  let inflightTotal = 0;
  const rows = stats.offsetTable.map(({ mq, offset: o }) => {
    const diff = o.brokerOffset - o.consumerOffset;
    const inflight = o.pullOffset - o.consumerOffset;
    diffTotal += diff;
    inflightTotal += inflight;
    const row: Cell[] = [mq.topic, mq.brokerName, mq.queueId, o.brokerOffset, o.consumerOffset];
    if (holders) row.push(holders.get(mqKey(mq)) ?? 'N/A');
    return [...row, diff, inflight, formatLastTime(o.lastTimestamp)];
  });
  const header = ['#Topic', '#Broker Name', '#QID', '#Broker Offset', '#Consumer Offset'];
  if (holders) header.push('#Client IP');
  header.push('#Diff', '#Inflight', '#LastTime');
  const queues = stats.offsetTable.map(({ mq, offset }) => ({
    ...mq,
    ...offset,
    ...(holders ? { clientIp: holders.get(mqKey(mq)) ?? null } : {}),
  }));
  const totals = { consumeTps: stats.consumeTps, diffTotal, inflightTotal };
  out.table(header, rows, { queues, ...totals });
  if (v.json) return;
  out.line(
    `\nConsume TPS: ${stats.consumeTps.toFixed(2)}\nConsume Diff Total: ${diffTotal}\n` +
      `Consume Inflight Total: ${inflightTotal}`,
  );
};

/** Every group with a %RETRY% topic, as ConsumerProgressSubCommand lists them without -g. */
const consumerProgressAll = async (admin: AdminClient, out: Parameters<Subcommand>[2]) => {
  const groups = (await admin.getAllTopics())
    .filter((t) => t.startsWith(RETRY_GROUP_TOPIC_PREFIX))
    .map((t) => t.slice(RETRY_GROUP_TOPIC_PREFIX.length))
    .sort();
  const rows: (string | number)[][] = [];
  const data: Record<string, unknown>[] = [];
  for (const group of groups) {
    const stats = await examineConsumeStats(admin, group).catch(() => undefined);
    const cc = await examineConsumerConnection(admin, group).catch(() => undefined);
    const count = cc?.connectionSet.length ?? 0;
    const minVersion = Math.min(...(cc?.connectionSet.map((c) => c.version) ?? []));
    const version = count > 0 ? versionDesc(minVersion) : 'OFFLINE';
    const type = count > 0 ? (cc!.consumeType === 'CONSUME_ACTIVELY' ? 'PULL' : 'PUSH') : '';
    const model = count > 0 ? cc!.messageModel : '';
    const tps = Math.trunc(stats?.consumeTps ?? 0);
    const diff = (stats?.offsetTable ?? []).reduce(
      (n, q) => n + q.offset.brokerOffset - q.offset.consumerOffset,
      0,
    );
    rows.push([group, count, version, type, model, tps, diff]);
    data.push({ group, count, version, type, model, tps, diffTotal: diff });
  }
  const header = ['#Group', '#Count', '#Version', '#Type', '#Model', '#TPS', '#Diff Total'];
  out.table(header, rows, data);
};

const consumerProgress: Subcommand = async (admin, v, out) => {
  const group = stringFlag(v, 'group');
  if (group) await consumerProgressOfGroup(admin, v, out, group.trim());
  else await consumerProgressAll(admin, out);
};

/** consumerConnection -b: GET_CONSUMER_CONNECTION_LIST (203) asked of that broker alone. */
async function connectionOn(admin: AdminClient, addr: string, group: string) {
  const req = createRequest(RequestCode.GET_CONSUMER_CONNECTION_LIST, 0, { consumerGroup: group });
  const res = await admin.instance.remoting.invoke(addr, req);
  if (res.code !== ResponseCode.SUCCESS) throw new MQBrokerError(res.code, res.remark, addr);
  return decodeConsumerConnection(res.body);
}

const consumerConnection: Subcommand = async (admin, v, out) => {
  const group = need(v, 'group', 'g').trim();
  const addr = stringFlag(v, 'brokerAddr');
  const cc = addr
    ? await connectionOn(admin, addr, group)
    : await examineConsumerConnection(admin, group);
  const rows = cc.connectionSet.map((c) => [
    c.clientId,
    c.clientAddr,
    c.language,
    versionDesc(c.version),
  ]);
  if (v.json) return out.line('', cc);
  out.table(['#ClientId', '#ClientAddr', '#Language', '#Version'], rows);
  const subs = Object.values(cc.subscriptionTable).map((s) => [s.topic, s.subString]);
  out.line('\nBelow is subscription:');
  out.table(['#Topic', '#SubExpression'], subs);
  out.line(
    `\nConsumeType: ${cc.consumeType}\nMessageModel: ${cc.messageModel}\n` +
      `ConsumeFromWhere: ${cc.consumeFromWhere}`,
  );
};

const producerConnection: Subcommand = async (admin, v, out) => {
  const group = need(v, 'group', 'g').trim();
  const conns = await examineProducerConnection(admin, group, need(v, 'topic', 't').trim());
  const rows = conns.map((c, i) => [
    String(i + 1).padStart(4, '0'),
    c.clientId,
    c.clientAddr,
    c.language,
    versionDesc(c.version),
  ]);
  out.table(['#', '#ClientId', '#ClientAddr', '#Language', '#Version'], rows, conns);
};

const cloneGroupOffsetCmd: Subcommand = async (admin, v, out) => {
  const srcGroup = stringFlag(v, 'timestamp')?.trim();
  const destGroup = stringFlag(v, 'consumerClientId')?.trim();
  if (!srcGroup || !destGroup) {
    throw new UsageError('cloneGroupOffset needs -s <srcGroup> and -d <destGroup>');
  }
  const topic = need(v, 'topic', 't').trim();
  const offline = boolFlag(v, 'order', 'o') ?? false;
  const brokers = await cloneGroupOffset(admin, { srcGroup, destGroup, topic, offline });
  out.line(
    `clone group offset success. srcGroup[${srcGroup}], destGroup=[${destGroup}], topic[${topic}]`,
    { srcGroup, destGroup, topic, offline, brokers },
  );
};

const skipAccumulatedMessage: Subcommand = async (admin, v, out) => {
  const group = need(v, 'group', 'g').trim();
  const topic = need(v, 'topic', 't').trim();
  const force = boolFlag(v, 'force', 'f') ?? true;
  const cluster = stringFlag(v, 'clusterName');
  const brokerAddrs = cluster ? await admin.masterAddrs(cluster) : undefined;
  const done = await skipAccumulated(admin, { topic, group, force, brokerAddrs }, (addr, qs) =>
    out.progress(`reset ${qs.length} queue(s) of ${topic} on ${addr} to their max offset`),
  );
  const rows = done.map((q) => [q.mq.brokerName, q.mq.queueId, q.offset]);
  const data = done.map((q) => ({ ...q.mq, offset: q.offset }));
  out.table(['#brokerName', '#queueId', '#offset'], rows, data);
};

export const GROUPS_MODULE: SubcommandModule = {
  help: HELP,
  options: OPTIONS,
  commands: {
    updateSubGroup,
    deleteSubGroup,
    consumerProgress,
    consumerConnection,
    producerConnection,
    cloneGroupOffset: cloneGroupOffsetCmd,
    skipAccumulatedMessage,
  },
};
