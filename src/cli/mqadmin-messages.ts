// mqadmin's consumer-status and message subcommands
// (tools/command/consumer/ConsumerStatusSubCommand, message/QueryMsgByKeySubCommand,
// QueryMsgByIdSubCommand, QueryMsgByUniqueKeySubCommand,
// QueryMsgByOffsetSubCommand, SendMessageCommand, CheckMsgSendRTCommand), with RocketMQ's flags
// where they clash with none already taken (printMsg and the others: mqadmin-messages-*.ts):
//   queryMsgByKey -t <topic> -k <key> [-m maxNum] [-b begin] [-e end]
//   queryMsgById -i <offsetMsgId> [-g <group> -d <clientId>]                (-g -d: consume it)
//   consumerStatus -g <group> [-i <clientId>] [-b <brokerAddr>] [-s (jstack)]
//   queryMsgByUniqueKey -i <uniqKey> -t <topic> [-a] [-g <group> -d <clientId>]
//   queryMsgByOffset -t <topic> -b <brokerName> -i <queueId> -o <offset>
//   sendMessage -t <topic> -p <body> [-k <keys>] [-c <tags>] [-b <brokerName> -i <queueId>]
//   checkMsgSendRT -t <topic> [-a <amount>=100] [-s <size>=128]
// -o is one option key (updateTopic's order); here its value is the queue offset.
import {
  consumeMessageDirectly,
  getConsumerRunningInfo,
  groupClients,
  queryMessageByOffset,
  queryMessageByUniqueKey,
} from '../client/admin-messages.js';
import { Producer } from '../client/producer.js';
import { silentLogger } from '../common/logger.js';
import type { MessageExt } from '../message/message.js';
import { decodeOffsetMsgId } from '../message/message-id.js';
import type { ConsumerRunningInfo } from '../protocol/bodies/consumer-running-info.js';
import { type ParsedValues, stringFlag, UsageError } from './args.js';
import { EXPORT_COMMANDS, EXPORT_HELP, EXPORT_OPTIONS } from './mqadmin-messages-export.js';
import { PRINT_COMMANDS, PRINT_HELP, timeFlag } from './mqadmin-messages-print.js';
import { intFlag, need, type Output, type Subcommand } from './mqadmin-output.js';

export const MESSAGES_HELP = `  queryMsgByKey     messages of a topic by key (KEYS word or UNIQ_KEY): -t <topic> -k <key>
                    [-m maxNum=64] [-b begin] [-e end] (store time, ms or yyyy-MM-dd#HH:mm:ss:SSS)
  queryMsgById      one message by its offset message id: -i <msgId>,
                    [-g <group> -d <clientId>] (that client consumes it now, nothing committed)
  consumerStatus    each live client's running info (subscriptions, queues held): -g <group>
                    [-i <clientId>] (one client in full) [-b <brokerAddr>] [-s] (ask for its jstack)
  queryMsgByUniqueKey  a message by its UNIQ_KEY: -i <uniqKey> -t <topic>, [-a] (every copy),
                    [-g <group> -d <clientId>] (that client consumes it now, nothing committed)
  queryMsgByOffset  the message at one queue offset: -t <topic> -b <brokerName> -i <queueId>
                    -o <offset>
  sendMessage       send one message: -t <topic> -p <body> [-k <keys>] [-c <tags>]
                    [-b <brokerName> -i <queueId>]
  checkMsgSendRT    send -a messages of -s bytes, the RT of each: -t <topic> [-a 100] [-s 128]
${PRINT_HELP}
${EXPORT_HELP}`;

export const MESSAGES_OPTIONS = {
  consumerClientId: { type: 'string', short: 'd' },
  amount: { type: 'string', short: 'a' },
  endTimestamp: { type: 'string', short: 'e' },
  ...EXPORT_OPTIONS,
} as const;

/** One message as mqadmin prints it (QueryMsgByIdSubCommand's fields); queryMsgById too. */
export function messageFields(
  out: Output,
  m: MessageExt,
  extra: [string, string | number][] = [],
): void {
  out.fields(
    [
      ['OffsetID:', m.offsetMsgId],
      ['Topic:', m.topic],
      ['Tags:', m.properties.TAGS ?? ''],
      ['Keys:', m.properties.KEYS ?? ''],
      ['Unique Key:', m.properties.UNIQ_KEY ?? ''],
      ['Queue ID:', m.queueId],
      ['Queue Offset:', m.queueOffset],
      ['CommitLog Offset:', m.commitLogOffset],
      ['Reconsume Times:', m.reconsumeTimes],
      ['Born Timestamp:', new Date(m.bornTimestamp).toISOString()],
      ['Store Timestamp:', new Date(m.storeTimestamp).toISOString()],
      ['Born Host:', m.bornHost],
      ['Store Host:', m.storeHost],
      ['System Flag:', m.sysFlag],
      ['Properties:', JSON.stringify(m.properties)],
      ['Message Body:', m.body.toString('utf8')],
      ...extra,
    ],
    { ...m, body: m.body.toString('utf8'), ...Object.fromEntries(extra) },
  );
}

/** ConsumerRunningInfo#analyzeSubscription's check: every client subscribes the same way. */
function sameSubscriptions(infos: ConsumerRunningInfo[]): boolean {
  const key = (i: ConsumerRunningInfo) =>
    JSON.stringify(i.subscriptionSet.map((s) => [s.topic, s.subString, s.expressionType]).sort());
  return infos.every((i) => key(i) === key(infos[0]!));
}

function oneClient(out: Output, json: boolean, clientId: string, info: ConsumerRunningInfo): void {
  const rows = info.mqTable.map((e) => [
    e.mq.topic,
    e.mq.brokerName,
    e.mq.queueId,
    e.info.commitOffset,
    e.info.cachedMsgCount,
    e.info.cachedMsgMinOffset,
    e.info.cachedMsgMaxOffset,
    e.info.locked,
    e.info.lastPullTimestamp ? new Date(e.info.lastPullTimestamp).toISOString() : '-',
  ]);
  if (json) {
    out.line('', { clientId, ...info });
    return;
  }
  const props = Object.entries(info.properties).sort(([a], [b]) => (a < b ? -1 : 1));
  out.line(`#Consumer Properties#\n${props.map(([k, v]) => `${k.padEnd(40)}: ${v}`).join('\n')}`);
  const subs = info.subscriptionSet.map((s) => `${s.topic.padEnd(40)}: ${s.subString}`);
  out.line(`\n#Consumer Subscription#\n${subs.join('\n')}\n\n#Consumer Offset#`);
  out.table(
    [
      '#Topic',
      '#Broker Name',
      '#QID',
      '#Commit Offset',
      '#Cached Msgs',
      '#Min Offset',
      '#Max Offset',
      '#Locked',
      '#Last Pull',
    ],
    rows,
  );
  // ConsumerRunningInfo#formatString's RT&TPS section: two decimals, the failed count whole.
  const fixed = (n: number) => n.toFixed(2);
  out.line('\n#Consumer RT&TPS#');
  out.table(
    [
      '#Topic',
      '#Pull RT',
      '#Pull TPS',
      '#Consume RT',
      '#ConsumeOK TPS',
      '#ConsumeFailed TPS',
      '#ConsumeFailedMsgsInHour',
    ],
    Object.entries(info.statusTable).map(([topic, st]) => [
      topic,
      fixed(st.pullRT),
      fixed(st.pullTPS),
      fixed(st.consumeRT),
      fixed(st.consumeOKTPS),
      fixed(st.consumeFailedTPS),
      st.consumeFailedMsgs,
    ]),
  );
}

async function consumerStatus(
  admin: Parameters<Subcommand>[0],
  v: ParsedValues,
  out: Output,
): Promise<void> {
  const group = need(v, 'group', 'g');
  const online = await groupClients(admin, group);
  const brokerAddr = stringFlag(v, 'brokerAddr') ?? online.brokerAddr;
  const { clientIds } = online;
  const only = stringFlag(v, 'msgId');
  // -s (a switch) asks for the client's thread dump (jstackEnable); a Node client has none.
  const jstack = v.jstack === true;
  if (only) {
    if (!clientIds.includes(only)) {
      throw new UsageError(
        `client ${only} is not online in ${group}; online: ${clientIds.join(', ')}`,
      );
    }
    return oneClient(
      out,
      v.json === true,
      only,
      await getConsumerRunningInfo(admin, brokerAddr, group, only, jstack),
    );
  }
  // A client that does not answer (ali-ons never does) is reported, not fatal: the Java tool
  // prints the stack trace and goes on with the others.
  const infos: ConsumerRunningInfo[] = [];
  const clients: Record<string, unknown>[] = [];
  const rows: (string | number)[][] = [];
  for (const [i, id] of clientIds.entries()) {
    out.progress(`get running info of ${id} via ${brokerAddr}`);
    const info = await getConsumerRunningInfo(admin, brokerAddr, group, id, jstack).catch(
      (err: Error) => err,
    );
    if (info instanceof Error) {
      out.progress(`${id} did not answer: ${info.message}`);
      clients.push({ clientId: id, error: info.message });
      rows.push([i + 1, id, 'N/A', 'N/A', 'N/A']);
      continue;
    }
    infos.push(info);
    clients.push({ clientId: id, ...info });
    const cached = info.mqTable.reduce((n, e) => n + e.info.cachedMsgCount, 0);
    rows.push([i + 1, id, info.properties.PROP_CLIENT_VERSION ?? '', info.mqTable.length, cached]);
  }
  const same = sameSubscriptions(infos);
  const verdict =
    infos.length === 0
      ? 'No client of the group answered; see the lines above'
      : same
        ? 'Same subscription in the same group of consumer'
        : 'WARN: Different subscription in the same group of consumer!!!';
  if (v.json === true) {
    return out.line(verdict, { group, brokerAddr, sameSubscription: same, clients });
  }
  out.table(['#Index', '#ClientId', '#Version', '#Queues', '#Cached Msgs'], rows);
  out.line(`\n${verdict}`);
}

/** CONSUME_MESSAGE_DIRECTLY through the broker that stored `m`, and the client's answer. */
async function consumeDirectly(
  admin: Parameters<Subcommand>[0],
  out: Output,
  m: MessageExt,
  group: string,
  clientId: string,
): Promise<void> {
  const storeHost = decodeOffsetMsgId(m.offsetMsgId).storeHost;
  const r = await consumeMessageDirectly(admin, storeHost, group, clientId, m.offsetMsgId, m.topic);
  out.fields(
    [
      ['OffsetID:', m.offsetMsgId],
      ['Consume Result:', r.consumeResult],
      ['Order:', r.order],
      ['Auto Commit:', r.autoCommit],
      ['Spent Time Mills:', r.spentTimeMills],
      ['Remark:', r.remark],
    ],
    { offsetMsgId: m.offsetMsgId, ...r },
  );
}

async function withProducer<T>(
  admin: Parameters<Subcommand>[0],
  fn: (p: Producer) => Promise<T>,
): Promise<T> {
  const p = new Producer({
    namesrvAddr: admin.instance.namesrvList.join(';'),
    producerGroup: 'KITEMQ_TOOLS_PRODUCER',
    logger: silentLogger(),
  });
  await p.start();
  try {
    return await fn(p);
  } finally {
    await p.shutdown();
  }
}

export const MESSAGES_COMMANDS: Record<string, Subcommand> = {
  ...PRINT_COMMANDS,
  ...EXPORT_COMMANDS,
  consumerStatus,
  async queryMsgByUniqueKey(admin, v, out) {
    const key = need(v, 'msgId', 'i');
    const topic = need(v, 'topic', 't');
    const found = await queryMessageByUniqueKey(admin, topic, key);
    const m = found[0];
    if (!m) throw new Error(`no message of ${topic} has unique key ${key}; check -t and -i`);
    // -a (showAll): every stored copy of the key (a retried send can store it twice).
    if (v.showAll === true && found.length > 1) {
      const rows = found.map((x) => [x.offsetMsgId, x.queueId, x.queueOffset, x.storeHost]);
      return out.table(['#Message ID', '#QID', '#Offset', '#Store Host'], rows, found);
    }
    const group = stringFlag(v, 'group');
    const clientId = stringFlag(v, 'consumerClientId');
    if (!group !== !clientId)
      throw new UsageError('give both -g <group> and -d <clientId>, or neither');
    if (!group || !clientId) return messageFields(out, m);
    await consumeDirectly(admin, out, m, group, clientId);
  },
  async queryMsgByKey(admin, v, out) {
    const maxNum = intFlag(v, 'method', 'm', 64);
    const begin = timeFlag(v, 'brokerAddr', 'b') ?? 0;
    const end = timeFlag(v, 'endTimestamp', 'e') ?? Number.MAX_SAFE_INTEGER;
    const msgs = await admin.queryMessageByKey(
      need(v, 'topic', 't'),
      need(v, 'msgKey', 'k'),
      maxNum,
    );
    // The broker's QUERY_MESSAGE takes begin/end too; KiteMQ's admin client asks for all time,
    // so the window is applied to the store times of what came back.
    const rows = msgs
      .filter((m) => m.storeTimestamp >= begin && m.storeTimestamp <= end)
      .map((m) => [m.offsetMsgId, m.queueId, m.queueOffset]);
    out.table(['#Message ID', '#QID', '#Offset'], rows);
  },
  async queryMsgById(admin, v, out) {
    const m = await admin.viewMessage(need(v, 'msgId', 'i'));
    const group = stringFlag(v, 'group');
    const clientId = stringFlag(v, 'consumerClientId');
    if (!group !== !clientId)
      throw new UsageError('give both -g <group> and -d <clientId>, or neither');
    if (!group || !clientId) return messageFields(out, m);
    await consumeDirectly(admin, out, m, group, clientId);
  },
  async queryMsgByOffset(admin, v, out) {
    const topic = need(v, 'topic', 't');
    const brokerName = need(v, 'brokerAddr', 'b');
    const queueId = intFlag(v, 'msgId', 'i', -1);
    if (queueId < 0) throw new UsageError('missing -i <queueId>; run mqadmin -h for help');
    const offset = intFlag(v, 'order', 'o', -1);
    if (offset < 0) throw new UsageError('missing -o <offset>; run mqadmin -h for help');
    messageFields(out, await queryMessageByOffset(admin, topic, brokerName, queueId, offset));
  },
  async sendMessage(admin, v, out) {
    const topic = need(v, 'topic', 't');
    const body = need(v, 'perm', 'p');
    const brokerName = stringFlag(v, 'brokerAddr');
    const queueId = intFlag(v, 'msgId', 'i', -1);
    if (!brokerName !== queueId < 0) {
      throw new UsageError('give both -b <brokerName> and -i <queueId>, or neither');
    }
    const msg = { topic, body, keys: stringFlag(v, 'msgKey'), tags: stringFlag(v, 'clusterName') };
    const r = await withProducer(admin, (p) =>
      p.send(msg, brokerName ? { messageQueue: { topic, brokerName, queueId } } : {}),
    );
    out.table(
      ['#Broker Name', '#QID', '#Send Result', '#MsgId'],
      [[r.messageQueue.brokerName, r.messageQueue.queueId, r.sendStatus, r.msgId]],
      r,
    );
  },
  async checkMsgSendRT(admin, v, out) {
    const topic = need(v, 'topic', 't');
    const amount = intFlag(v, 'amount', 'a', 100);
    const size = intFlag(v, 'timestamp', 's', 128);
    if (amount < 1 || size < 1) throw new UsageError('-a and -s must be at least 1');
    const body = Buffer.alloc(size, 'a');
    const rows: (string | number | boolean)[][] = [];
    await withProducer(admin, async (p) => {
      for (let i = 0; i < amount; i++) {
        const began = performance.now();
        let ok = true;
        let where = ['', -1] as [string, number];
        try {
          const r = await p.send({ topic, body });
          where = [r.messageQueue.brokerName, r.messageQueue.queueId];
        } catch {
          ok = false;
        }
        rows.push([...where, ok, Math.round(performance.now() - began)]);
      }
    });
    const avg = rows.reduce((n, r) => n + Number(r[3]), 0) / rows.length;
    if (v.json === true)
      return out.line('', {
        sends: rows.map(([b, q, s, rt]) => ({ brokerName: b, queueId: q, sendResult: s, rt })),
        avgRT: avg,
      });
    out.table(['#Broker Name', '#QID', '#Send Result', '#RT'], rows);
    out.line(`Avg RT: ${avg.toFixed(2)}`);
  },
};
