// mqadmin: RocketMQ's admin tool, the commands a first cluster needs. Flags follow MQAdminStartup:
//   updateTopic -n <ns> (-c <cluster> | -b <brokerAddr>) -t <topic> [-r 8] [-w 8] [-p 6] [-o false]
//   clusterList -n <ns>          topicList -n <ns> [-c]     topicRoute -n <ns> -t <topic> [-l]
// and the subcommands of the modules (mqadmin-transactions.ts, mqadmin-groups.ts).
import { AdminClient } from '../client/admin.js';
import { silentLogger } from '../common/logger.js';
import { perm2String } from '../common/perm.js';
import { RemotingConnectError, RemotingTimeoutError } from '../remoting/errors.js';
import {
  CLIENT_OPTIONS,
  type CommandSpec,
  parseCommandLine,
  requireNamesrv,
  stringFlag,
  UsageError,
} from './args.js';
import { clusterListLines, clusterRows, truncationNotes } from './cluster-list.js';
import { BROKER_MODULE } from './mqadmin-broker.js';
import { GROUPS_MODULE } from './mqadmin-groups.js';
import { HA_MODULE } from './mqadmin-ha.js';
import { MESSAGES_COMMANDS, MESSAGES_HELP, MESSAGES_OPTIONS } from './mqadmin-messages.js';
import { NAMESRV_MODULE } from './mqadmin-namesrv.js';
import {
  boolFlag,
  type Cell,
  createOutput,
  intFlag,
  need,
  type Output,
  type Subcommand,
  type SubcommandModule,
} from './mqadmin-output.js';
import { expandSwitches, SWITCH_OPTIONS } from './mqadmin-switches.js';
import { TOPICS_MODULE, topicClusterView, topicRouteList } from './mqadmin-topics.js';
import {
  TRANSACTION_COMMANDS,
  TRANSACTION_HELP,
  TRANSACTION_OPTIONS,
} from './mqadmin-transactions.js';

/** Subcommand groups in their own files; each adds its help, flags and commands. */
const MODULES: readonly SubcommandModule[] = [
  { help: TRANSACTION_HELP, options: TRANSACTION_OPTIONS, commands: TRANSACTION_COMMANDS },
  NAMESRV_MODULE,
  TOPICS_MODULE,
  GROUPS_MODULE,
  HA_MODULE,
  { help: MESSAGES_HELP, options: MESSAGES_OPTIONS, commands: MESSAGES_COMMANDS },
  BROKER_MODULE,
];

const HELP = `Usage: mqadmin <command> -n <namesrvAddr> [flags]

Commands:
  updateTopic       create or update a topic: -c <cluster> | -b <brokerAddr>, -t <topic>,
                    [-r readQueueNums=8] [-w writeQueueNums=8] [-p perm=6] [-o order=false]
                    [-a|--attributes +queue.type=BatchCQ,+key=value,-key]
  deleteTopic       delete a topic from a cluster's brokers and the name servers:
                    -c <cluster> -t <topic>
  clusterList       brokers of every cluster (or of -c <cluster>), with replica lag
  topicList         every topic the name server knows; [-c]: with its cluster and groups
  topicRoute        the route of a topic as JSON: -t <topic>; [-l]: as a table
  queryDlqMsg       the dead letters of a group, oldest first: -g <group>
  resendDlqMsg      send a dead letter back to its group (via %RETRY%<group>): -g <group> -i <msgId>
  resetOffsetByTime move a group's offsets to a time; running consumers follow:
                    -g <group> -t <topic> -s <now | ms | yyyy-MM-dd#HH:mm:ss:SSS>
${MODULES.map((m) => m.help).join('\n')}

Every command takes --json (one JSON document on stdout). -n defaults to the NAMESRV_ADDR
environment variable.`;

export const OPTIONS = {
  ...CLIENT_OPTIONS,
  clusterName: { type: 'string', short: 'c' },
  brokerAddr: { type: 'string', short: 'b' },
  readQueueNums: { type: 'string', short: 'r' },
  writeQueueNums: { type: 'string', short: 'w' },
  perm: { type: 'string', short: 'p' },
  // -o takes a value in every RocketMQ tool: order (true/false) here, offset in queryMsgByOffset.
  order: { type: 'string', short: 'o' },
  msgKey: { type: 'string', short: 'k' },
  msgId: { type: 'string', short: 'i' },
  timestamp: { type: 'string', short: 's' },
  force: { type: 'string', short: 'f' },
  json: { type: 'boolean' },
  ...SWITCH_OPTIONS,
  ...Object.assign({}, ...MODULES.map((m) => m.options)),
} as const;

type Values = ReturnType<typeof parseCommandLine>;

function int(v: Values, flag: 'readQueueNums' | 'writeQueueNums' | 'perm', dflt: number): number {
  return intFlag(v, flag, OPTIONS[flag].short, dflt);
}

/** RocketMQ's -s forms: now, epoch milliseconds, or yyyy-MM-dd#HH:mm:ss:SSS (local time). */
export function parseResetTimestamp(s: string, now = Date.now()): number {
  if (s === 'now') return now;
  if (/^-?\d+$/.test(s)) return Number(s);
  const m = /^(\d{4})-(\d{2})-(\d{2})#(\d{2}):(\d{2}):(\d{2}):(\d{3})$/.exec(s);
  if (!m) {
    throw new UsageError(`-s must be now, milliseconds or yyyy-MM-dd#HH:mm:ss:SSS, got '${s}'`);
  }
  const [y, mo, d, h, mi, sec, ms] = m.slice(1).map(Number) as number[];
  return new Date(y!, mo! - 1, d!, h!, mi!, sec!, ms!).getTime();
}

/**
 * RocketMQ's updateTopic -a/--attributes. -a is the shared 'amount' key (mqadmin-messages.ts), so
 * its value counts here only in the +key=value / -key form.
 */
function topicAttributesFlag(v: Values): string | undefined {
  const long = stringFlag(v, 'attributes');
  if (long !== undefined) return long;
  const a = v.amount;
  return typeof a === 'string' && /^[+-]/.test(a) ? a : undefined;
}

/** The first row is the header (the shape the commands below build). */
function table(out: Output, rows: Cell[][], data?: unknown): void {
  out.table(rows[0]!.map(String), rows.slice(1), data);
}

const COMMANDS: Record<string, Subcommand> = {
  ...Object.assign({}, ...MODULES.map((m) => m.commands)),
  async deleteTopic(admin, v, out) {
    const topic = need(v, 'topic', 't');
    const brokers = await admin.deleteTopic(topic, need(v, 'clusterName', 'c'));
    out.line(
      `delete topic [${topic}] from cluster brokers ${brokers.join(', ')} and name servers success.`,
      { topic, brokers },
    );
  },
  async updateTopic(admin, v, out) {
    const topic = need(v, 'topic', 't');
    const clusterName = stringFlag(v, 'clusterName');
    const brokerAddr = stringFlag(v, 'brokerAddr');
    if (!clusterName && !brokerAddr)
      throw new UsageError('updateTopic needs -c <clusterName> or -b <brokerAddr>');
    const perm = int(v, 'perm', 6);
    const created = await admin.createTopic({
      topic,
      clusterName,
      brokerAddr,
      readQueueNums: int(v, 'readQueueNums', 8),
      writeQueueNums: int(v, 'writeQueueNums', 8),
      perm,
      order: boolFlag(v, 'order', 'o') ?? false,
      attributes: topicAttributesFlag(v),
    });
    for (const c of created)
      if (c.warning) out.progress(`warning from ${c.brokerAddr}: ${c.warning}`);
    const lines = created.map((c) => `create topic to ${c.brokerAddr} success.`);
    lines.push(
      `TopicConfig [topicName=${topic}, readQueueNums=${int(v, 'readQueueNums', 8)}, writeQueueNums=${int(v, 'writeQueueNums', 8)}, perm=${perm2String(perm)}]`,
    );
    out.line(lines.join('\n'), { topic, created, perm: perm2String(perm) });
  },
  async clusterList(admin, v, out) {
    const cluster = stringFlag(v, 'clusterName');
    const rows = (await clusterRows(admin)).filter((r) => !cluster || r.cluster === cluster);
    table(out, clusterListLines(rows), v.json ? rows : undefined);
    if (!v.json) for (const note of truncationNotes(rows)) out.line(note);
  },
  async topicList(admin, v, out) {
    if (v.clusterModel === true) return topicClusterView(admin, out);
    const topics = (await admin.getAllTopics()).sort();
    out.line(topics.join('\n'), topics);
  },
  async topicRoute(admin, v, out) {
    const route = await admin.getTopicRoute(need(v, 'topic', 't'));
    if (v.list === true) return topicRouteList(route, out);
    out.line(JSON.stringify(route, null, 2), route);
  },
  async queryDlqMsg(admin, v, out) {
    const msgs = await admin.queryDlqMessages(need(v, 'group', 'g'), 1_000);
    const rows: (string | number)[][] = [
      ['#Message ID', '#Original Topic', '#Reconsume Times', '#Store Time', '#Keys'],
    ];
    for (const m of msgs) {
      rows.push([
        m.offsetMsgId,
        m.properties.RETRY_TOPIC ?? '',
        m.reconsumeTimes,
        new Date(m.storeTimestamp).toISOString(),
        m.properties.KEYS ?? '',
      ]);
    }
    table(out, rows);
  },
  async resendDlqMsg(admin, v, out) {
    const id = await admin.resendDlqMessage(need(v, 'group', 'g'), need(v, 'msgId', 'i'));
    out.line(`resent as ${id}`, { msgId: id });
  },
  async resetOffsetByTime(admin, v, out) {
    const topic = need(v, 'topic', 't');
    const group = need(v, 'group', 'g');
    const ts = parseResetTimestamp(need(v, 'timestamp', 's'));
    const force = stringFlag(v, 'force') !== 'false';
    const table0: (string | number)[][] = [['#Broker Name', '#QID', '#Offset']];
    for (const r of await admin.resetOffsetByTime(topic, group, ts, force)) {
      table0.push([r.mq.brokerName, r.mq.queueId, r.offset]);
    }
    table(out, table0);
  },
};

/** Every subcommand name, for help checks and the table-driven tests. */
export const COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS).sort();

/** One line; a connection failure says whether it was a name server (check -n) or a broker. */
function describeFailure(err: unknown, admin: AdminClient | undefined): string {
  const message = (err as Error).message;
  if (!(err instanceof RemotingConnectError || err instanceof RemotingTimeoutError)) return message;
  const namesrv = admin?.instance.namesrvList.find((a) => message.includes(a));
  const what = err instanceof RemotingConnectError ? 'cannot reach' : 'no answer from';
  const cause = (err.cause as Error | undefined)?.message ?? message;
  if (namesrv) {
    return (
      `${what} name server ${namesrv} (${cause}); check -n or NAMESRV_ADDR and that ` +
      'mqnamesrv is running there'
    );
  }
  return `${message.replace(/; is the server running\?$/, '')}; check that broker is up (clusterList shows the addresses the name server has)`;
}

export async function main(argv: readonly string[], name = 'mqadmin'): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help') {
    console.log(HELP);
    if (!command) process.exitCode = 1;
    return;
  }
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  let admin: AdminClient | undefined;
  try {
    if (!run) throw new UsageError(`unknown command ${command}; run ${name} -h for the list`);
    const spec: CommandSpec = { name: `${name} ${command}`, options: OPTIONS, help: HELP };
    const v = parseCommandLine(spec, expandSwitches(command, rest));
    if (v.help) {
      console.log(HELP);
      return;
    }
    admin = new AdminClient({ namesrvAddr: requireNamesrv(v), logger: silentLogger() });
    await run(admin, v, createOutput(v.json === true));
  } catch (err) {
    console.error(`${name}: ${describeFailure(err, admin)}`);
    if (process.env.KITEMQ_DEBUG === '1') console.error(err);
    process.exitCode = 1;
  } finally {
    admin?.close();
  }
}
