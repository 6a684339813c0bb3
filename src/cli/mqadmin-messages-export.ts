// mqadmin exportMetadata (tools/command/export/ExportMetadataCommand): the user topics and
// subscription groups of one broker, or of a cluster's masters merged (queue counts added up
// across brokers, as the Java tool does), written as JSON to <filePath>/metadata.json (or
// topic.json with --topicOnly, subscriptionGroup.json with --groupOnly). System topics and groups
// are left out (getUserTopicConfig / getUserSubscriptionGroup); --specialTopic keeps %RETRY% and
// %DLQ% topics. exportConfigs (ExportConfigsCommand) writes <filePath>/configs.json: the keys of
// each master's config that ExportConfigsCommand#needBrokerProprties keeps, and the cluster's
// size. RocketMQ's -t/-g/-s switches work here too (mqadmin-switches.ts turns them into
// --topicOnly, --groupOnly and --specialTopic).
//   exportMetadata (-c <cluster> | -b <brokerAddr>) [-f <filePath>=/tmp/rocketmq/export]
//     [-t | --topicOnly | -g | --groupOnly] [-s | --specialTopic]
//   exportConfigs -c <cluster> [-f <filePath>=/tmp/rocketmq/export]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AdminClient } from '../client/admin.js';
import { allSubscriptionGroups, allTopicConfigs, brokerConfig } from '../client/admin-messages.js';
import { TOOLS_CONSUMER_GROUP } from '../message/message.js';
import {
  DLQ_GROUP_TOPIC_PREFIX,
  NOT_ALLOWED_SEND_TOPICS,
  RETRY_GROUP_TOPIC_PREFIX,
  TBW102,
  TIMER_TOPIC,
} from '../message/system-topics.js';
import { type ParsedValues, stringFlag, UsageError } from './args.js';
import type { Subcommand } from './mqadmin-output.js';

export const EXPORT_HELP = `  exportMetadata    user topics and groups to JSON: -c <cluster> | -b <brokerAddr>,
                    [-f <filePath>=/tmp/rocketmq/export] [-t (topics only) | -g (groups only)]
                    [-s (with %RETRY% and %DLQ% topics)]
  exportConfigs     the masters' main config keys and the cluster's size to JSON: -c <cluster>,
                    [-f <filePath>=/tmp/rocketmq/export]`;

export const EXPORT_OPTIONS = {
  topicOnly: { type: 'boolean' },
  groupOnly: { type: 'boolean' },
  specialTopic: { type: 'boolean' },
} as const;

const DEFAULT_FILE_PATH = '/tmp/rocketmq/export';

/** MixAll's built-in consumer groups (isSysConsumerGroup and the tools' own). */
const SYSTEM_GROUPS = new Set([
  TOOLS_CONSUMER_GROUP,
  'FILTERSRV_CONSUMER',
  '__MONITOR_CONSUMER',
  'CID_ONS-HTTP-PROXY',
  'CID_ONSAPI_PERMISSION',
  'CID_ONSAPI_OWNER',
  'CID_ONSAPI_PULL',
  'CID_RMQ_SYS_TRANS',
]);

function userTopic(topic: string, special: boolean, brokerNames: ReadonlySet<string>): boolean {
  if (topic === TBW102 || topic === TIMER_TOPIC || NOT_ALLOWED_SEND_TOPICS.has(topic)) return false;
  if (topic.startsWith('rmq_sys_') || brokerNames.has(topic)) return false;
  const retryOrDlq =
    topic.startsWith(RETRY_GROUP_TOPIC_PREFIX) || topic.startsWith(DLQ_GROUP_TOPIC_PREFIX);
  return special || !retryOrDlq;
}

const userGroup = (g: string) => !SYSTEM_GROUPS.has(g) && !g.startsWith('CID_RMQ_SYS_');

/** The broker config keys ExportConfigsCommand exports. */
const EXPORTED_BROKER_KEYS = [
  'brokerClusterName',
  'brokerId',
  'brokerName',
  'brokerRole',
  'fileReservedTime',
  'filterServerNums',
  'flushDiskType',
  'maxMessageSize',
  'messageDelayLevel',
  'msgTraceTopicName',
  'slaveReadEnable',
  'traceOn',
  'traceTopicEnable',
  'useTLS',
  'autoCreateTopicEnable',
  'autoCreateSubscriptionGroup',
];

function writeExport(dir: string | undefined, file: string, data: unknown): string {
  const base = dir ?? DEFAULT_FILE_PATH;
  mkdirSync(base, { recursive: true });
  const path = join(base, file);
  writeFileSync(path, JSON.stringify(data, null, '\t'));
  return path;
}

async function targets(admin: AdminClient, v: ParsedValues): Promise<string[]> {
  const addr = stringFlag(v, 'brokerAddr');
  if (addr) return [addr];
  const cluster = stringFlag(v, 'clusterName');
  if (!cluster) throw new UsageError('exportMetadata needs -c <clusterName> or -b <brokerAddr>');
  return admin.masterAddrs(cluster);
}

export const EXPORT_COMMANDS: Record<string, Subcommand> = {
  async exportMetadata(admin, v, out) {
    if (v.topicOnly === true && v.groupOnly === true) {
      throw new UsageError('give at most one of --topicOnly and --groupOnly');
    }
    const info = await admin.getClusterInfo();
    // TopicValidator also counts each cluster's and broker's own topics as system topics.
    const clusters = Object.keys(info.clusterAddrTable);
    const names = new Set([
      ...clusters,
      ...clusters.map((c) => `${c}_REPLY_TOPIC`),
      ...Object.keys(info.brokerAddrTable),
    ]);
    const topics: Record<string, { readQueueNums: number; writeQueueNums: number }> = {};
    const groups: Record<string, { retryQueueNums: number }> = {};
    for (const addr of await targets(admin, v)) {
      out.progress(`export metadata of ${addr}`);
      for (const [name, tc] of Object.entries(await allTopicConfigs(admin, addr))) {
        if (!userTopic(name, v.specialTopic === true, names)) continue;
        const seen = topics[name];
        topics[name] = seen
          ? {
              ...tc,
              readQueueNums: seen.readQueueNums + tc.readQueueNums,
              writeQueueNums: seen.writeQueueNums + tc.writeQueueNums,
            }
          : tc;
      }
      for (const [name, g] of Object.entries(await allSubscriptionGroups(admin, addr))) {
        if (!userGroup(name)) continue;
        const seen = groups[name];
        groups[name] = seen ? { ...g, retryQueueNums: seen.retryQueueNums + g.retryQueueNums } : g;
      }
    }
    const result: Record<string, unknown> = {};
    let file = 'metadata.json';
    if (v.groupOnly !== true) result.topicConfigTable = topics;
    if (v.topicOnly !== true) result.subscriptionGroupTable = groups;
    if (v.topicOnly === true) file = 'topic.json';
    if (v.groupOnly === true) file = 'subscriptionGroup.json';
    result.exportTime = Date.now();
    const path = writeExport(stringFlag(v, 'force'), file, result);
    out.line(`export ${path} success`, {
      path,
      topics: Object.keys(topics).length,
      groups: Object.keys(groups).length,
    });
  },
  async exportConfigs(admin, v, out) {
    const cluster = stringFlag(v, 'clusterName');
    if (!cluster) throw new UsageError('exportConfigs needs -c <clusterName>');
    const info = await admin.getClusterInfo();
    const names = info.clusterAddrTable[cluster];
    if (!names) throw new Error(`no cluster ${cluster}; clusterList shows the clusters`);
    const brokerConfigs: Record<string, Record<string, string>> = {};
    let masters = 0;
    let slaves = 0;
    for (const name of [...names].sort()) {
      const addrs = info.brokerAddrTable[name]?.brokerAddrs ?? {};
      slaves += Object.keys(addrs).filter((id) => id !== '0').length;
      const master = addrs['0'];
      if (!master) continue;
      masters++;
      out.progress(`export config of ${name} (${master})`);
      const config = await brokerConfig(admin, master);
      brokerConfigs[config.brokerName ?? name] = Object.fromEntries(
        EXPORTED_BROKER_KEYS.flatMap((k) => (config[k] === undefined ? [] : [[k, config[k]]])),
      );
    }
    const clusterScale = {
      namesrvSize: admin.instance.namesrvList.length,
      masterBrokerSize: masters,
      slaveBrokerSize: slaves,
    };
    const path = writeExport(stringFlag(v, 'force'), 'configs.json', {
      brokerConfigs,
      clusterScale,
    });
    out.line(`export ${path} success`, { path, brokerConfigs, clusterScale });
  },
};
