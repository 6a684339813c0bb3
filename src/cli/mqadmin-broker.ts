// mqadmin's broker subcommands (BrokerStatusSubCommand, GetBrokerConfigCommand,
// UpdateBrokerConfigSubCommand, BrokerConsumeStatsSubCommad):
//   brokerStatus -n <ns> (-b <brokerAddr> | -c <cluster>)
//   getBrokerConfig -n <ns> (-b <brokerAddr> | -c <cluster>)
//   updateBrokerConfig -n <ns> (-b <brokerAddr> | -c <cluster>) -k <key> -v <value>
//   brokerConsumeStats -n <ns> -b <brokerAddr> [-t timeoutMillis=50000] [-l diffLevel=0] [-o true]
//   clusterRT -n <ns> [-c <cluster>] [-a amount] [-s size] [-i interval] [-p true] (its own file)
// -c reaches every broker of the cluster (slaves too, as RocketMQ's
// fetchMasterAndSlaveAddrByCluster does), and -b wins when both are given. In brokerConsumeStats
// -t is a timeout, as in RocketMQ.
import type { AdminClient } from '../client/admin.js';
import {
  clusterBrokerAddrs,
  getBrokerConfig,
  getBrokerConsumeStats,
  updateBrokerConfig,
} from '../client/admin-broker.js';
import { type ParsedValues, stringFlag, UsageError } from './args.js';
import { clusterRT } from './mqadmin-cluster-rt.js';
import { needAs } from './mqadmin-namesrv.js';
import {
  boolFlag,
  type Cell,
  intFlag,
  jsonKey,
  need,
  type SubcommandModule,
} from './mqadmin-output.js';
import { statsAll } from './mqadmin-stats-all.js';

export const BROKER_HELP = `  brokerStatus      a broker's runtime table, key : value sorted: -b <brokerAddr> | -c <cluster>
  getBrokerConfig   a broker's effective configuration: -b <brokerAddr> | -c <cluster>
  updateBrokerConfig  change a config key live and persist it (restart-only keys are refused):
                    -b <brokerAddr> | -c <cluster>, -k <key> -v <value>
  brokerConsumeStats  lag of every group on one broker: -b <brokerAddr> [-t timeoutMillis=50000]
                    [-l diffLevel=0] [-o true (order topics only)]
  clusterRT         send round trip to each broker: [-c <cluster>] [-a amount=10] [-s size=128]
                    [-i intervalSeconds (repeat until interrupted)] [-p true (tlog lines)]
                    [-m machineRoom=noname]
  statsAll          per topic and group: in/out TPS, last 24 h in/out, accumulation:
                    [-t <topic>] [-a (only topics that moved messages)]`;

const BROKER_CONSUME_STATS_TIMEOUT_MS = 50_000;

async function targets(admin: AdminClient, v: ParsedValues, command: string): Promise<string[]> {
  const addr = stringFlag(v, 'brokerAddr');
  if (addr) return [addr];
  const cluster = stringFlag(v, 'clusterName');
  if (!cluster) throw new UsageError(`${command} needs -b <brokerAddr> or -c <clusterName>`);
  return clusterBrokerAddrs(admin, cluster);
}

const sorted = (t: Record<string, string>) =>
  Object.entries(t).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** UtilAll.formatDate(…, "yyyy-MM-dd HH:mm:ss") in local time. */
function formatDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return (
    `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ` +
    `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
  );
}

export const BROKER_MODULE: SubcommandModule = {
  help: BROKER_HELP,
  options: {
    value: { type: 'string', short: 'v' },
    diffLevel: { type: 'string', short: 'l' },
    // -a: clusterRT's amount (statsAll's -a is a switch: mqadmin-switches.ts).
    amount: { type: 'string', short: 'a' },
  },
  commands: {
    clusterRT,
    statsAll,
    async brokerStatus(admin, v, out) {
      const addrs = await targets(admin, v, 'brokerStatus');
      const many = !stringFlag(v, 'brokerAddr');
      const tables: Record<string, Record<string, string>> = {};
      const lines: string[] = [];
      for (const addr of addrs) {
        const table = await admin.getBrokerRuntimeInfo(addr);
        tables[addr] = Object.fromEntries(sorted(table));
        for (const [k, val] of sorted(table)) {
          lines.push(
            many ? `${addr.padEnd(24)} ${k.padEnd(32)}: ${val}` : `${k.padEnd(32)}: ${val}`,
          );
        }
      }
      out.line(lines.join('\n'), many ? tables : tables[addrs[0]!]);
    },
    async getBrokerConfig(admin, v, out) {
      const addrs = await targets(admin, v, 'getBrokerConfig');
      const configs: Record<string, Record<string, string>> = {};
      const lines: string[] = [];
      for (const addr of addrs) {
        const config = await getBrokerConfig(admin, addr);
        configs[addr] = Object.fromEntries(sorted(config));
        lines.push(`============${addr}============`);
        for (const [k, val] of sorted(config)) lines.push(`${k.padEnd(50)}=  ${val}`);
      }
      out.line(lines.join('\n'), configs);
    },
    async updateBrokerConfig(admin, v, out) {
      const key = needAs(v, 'msgKey', 'k', 'key');
      const value = stringFlag(v, 'value');
      if (value === undefined) throw new UsageError('missing -v <value>; run mqadmin -h for help');
      const addrs = await targets(admin, v, 'updateBrokerConfig');
      for (const addr of addrs) await updateBrokerConfig(admin, addr, key, value);
      out.line(addrs.map((a) => `update broker config success, ${a}`).join('\n'), {
        key,
        value,
        brokers: addrs,
      });
    },
    async brokerConsumeStats(admin, v, out) {
      const addr = need(v, 'brokerAddr', 'b');
      const timeoutMs = intFlag(v, 'topic', 't', BROKER_CONSUME_STATS_TIMEOUT_MS);
      const level = intFlag(v, 'diffLevel', 'l', 0);
      const list = await getBrokerConsumeStats(
        admin,
        addr,
        boolFlag(v, 'order', 'o') ?? false,
        timeoutMs,
      );
      const rows: Cell[][] = [];
      for (const byGroup of list.consumeStatsList) {
        for (const [group, statsOfTopics] of Object.entries(byGroup)) {
          for (const stats of statsOfTopics) {
            for (const { mq, offset: w } of stats.offsetTable) {
              const diff = w.brokerOffset - w.consumerOffset;
              if (diff < level) continue;
              const last = w.lastTimestamp > 0 ? formatDate(w.lastTimestamp) : '';
              rows.push([
                mq.topic,
                group,
                mq.brokerName,
                mq.queueId,
                w.brokerOffset,
                w.consumerOffset,
                diff,
                last,
              ]);
            }
          }
        }
      }
      const header = [
        '#Topic',
        '#Group',
        '#Broker Name',
        '#QID',
        '#Broker Offset',
        '#Consumer Offset',
        '#Diff',
        '#LastTime',
      ];
      const keys = header.map(jsonKey);
      const data = {
        brokerAddr: list.brokerAddr,
        rows: rows.map((r) => Object.fromEntries(keys.map((k, i) => [k, r[i]]))),
        totalDiff: list.totalDiff,
        totalInflightDiff: list.totalInflightDiff,
      };
      out.table(header, rows, data);
      if (!v.json) out.line(`\nDiff Total: ${list.totalDiff}`);
    },
  },
};
