// mqadmin's message readers (tools/command/message/PrintMessageSubCommand,
// PrintMessageByQueueCommand, ConsumeMessageCommand) and getConsumerConfig
// (consumer/GetConsumerConfigSubCommand). Messages are read by pulls that commit nothing.
//   printMsg -t <topic> [-c charset] [-s subExpression] [-b begin] [-e end] [-d printBody]
//   printMsgByQueue -t <topic> -a <brokerName> -i <queueId> [-s] [-b] [-e] [-d printBody]
//   consumeMessage -t <topic> [-b <brokerName> -i <queueId> -o <offset>] [-c count=128]
//     [-g group] [-s begin] [-e end]
//   getConsumerConfig -g <group>
// Each queue's offset range goes to stderr as progress; the messages go to stdout.
import type { AdminClient } from '../client/admin.js';
import {
  brokerAddrOf,
  readQueue,
  searchOffset,
  subscriptionGroupConfig,
} from '../client/admin-messages.js';
import type { MessageExt } from '../message/message.js';
import { type ParsedValues, stringFlag, UsageError } from './args.js';
import { intFlag, need, type Output, type Subcommand } from './mqadmin-output.js';

export const PRINT_HELP = `  printMsg          every queue's messages in a time range: -t <topic> [-c charset=UTF-8]
                    [-s subExpression] [-b begin] [-e end] [-d printBody=false]
  printMsgByQueue   one queue's messages: -t <topic> -a <brokerName> -i <queueId>
                    [-s subExpression] [-b begin] [-e end] [-d printBody=false]
  consumeMessage    read messages without committing: -t <topic> [-b <brokerName> -i <queueId>
                    -o <offset>] [-c count=128] [-g group] [-s begin] [-e end]
  getConsumerConfig a group's subscription config on every broker: -g <group>
  (begin/end: milliseconds or yyyy-MM-dd#HH:mm:ss:SSS; default the whole queue)`;

/** -b/-e: epoch milliseconds or RocketMQ's yyyy-MM-dd#HH:mm:ss:SSS (local time). */
export function timeFlag(v: ParsedValues, flag: string, letter: string): number | undefined {
  const s = stringFlag(v, flag);
  if (s === undefined) return undefined;
  if (/^\d+$/.test(s)) return Number(s);
  const m = /^(\d{4})-(\d{2})-(\d{2})#(\d{2}):(\d{2}):(\d{2}):(\d{3})$/.exec(s);
  if (!m) throw new UsageError(`-${letter} must be milliseconds or yyyy-MM-dd#HH:mm:ss:SSS`);
  const [y, mo, d, h, mi, sec, ms] = m.slice(1).map(Number) as number[];
  return new Date(y!, mo! - 1, d!, h!, mi!, sec!, ms!).getTime();
}

function charsetOf(v: ParsedValues): BufferEncoding {
  const c = (stringFlag(v, 'clusterName') ?? 'UTF-8').toLowerCase().replace('-', '');
  const known: Record<string, BufferEncoding> = { utf8: 'utf8', latin1: 'latin1', ascii: 'ascii' };
  const enc = known[c] ?? (c === 'iso88591' ? 'latin1' : undefined);
  if (!enc) throw new UsageError(`-c ${c}: supported charsets are UTF-8, ISO-8859-1 and ASCII`);
  return enc;
}

interface QueueRef {
  brokerName: string;
  brokerAddr: string;
  topic: string;
  queueId: number;
}

async function topicQueues(admin: AdminClient, topic: string): Promise<QueueRef[]> {
  const route = await admin.getTopicRoute(topic);
  const out: QueueRef[] = [];
  for (const qd of [...route.queueDatas].sort((a, b) => (a.brokerName < b.brokerName ? -1 : 1))) {
    const brokerAddr = await brokerAddrOf(admin, topic, qd.brokerName);
    for (let q = 0; q < qd.readQueueNums; q++) {
      out.push({ brokerName: qd.brokerName, brokerAddr, topic, queueId: q });
    }
  }
  return out;
}

function line(m: MessageExt, body: string | undefined): string {
  const tags = m.properties.TAGS ?? '';
  const keys = m.properties.KEYS ?? '';
  return (
    `MSGID: ${m.properties.UNIQ_KEY ?? m.offsetMsgId} QID: ${m.queueId} OFFSET: ${m.queueOffset}` +
    ` TAGS: ${tags} KEYS: ${keys} STORE: ${new Date(m.storeTimestamp).toISOString()}` +
    ` BODY: ${body ?? 'NOT PRINT BODY'}`
  );
}

/** Reads the queues over [begin, end] and prints each message; JSON: all of them at the end. */
async function printQueues(
  admin: AdminClient,
  v: ParsedValues,
  out: Output,
  queues: QueueRef[],
): Promise<void> {
  const enc = charsetOf(v);
  const printBody = stringFlag(v, 'consumerClientId') === 'true';
  const begin = timeFlag(v, 'brokerAddr', 'b');
  const end = timeFlag(v, 'endTimestamp', 'e');
  const all: unknown[] = [];
  for (const q of queues) {
    const min = await admin.getMinOffset(q.brokerAddr, q.topic, q.queueId);
    const max = await admin.getMaxOffset(q.brokerAddr, q.topic, q.queueId);
    const from =
      begin === undefined
        ? min
        : await searchOffset(admin, q.brokerAddr, q.topic, q.queueId, begin);
    const to =
      end === undefined ? max : await searchOffset(admin, q.brokerAddr, q.topic, q.queueId, end);
    out.progress(
      `minOffset=${min}, maxOffset=${max}, ${q.brokerName} queue ${q.queueId}: reading [${from}, ${to})`,
    );
    const sub = stringFlag(v, 'timestamp');
    for await (const m of readQueue(admin, q, { from, to, subExpression: sub })) {
      const body = printBody ? m.body.toString(enc) : undefined;
      if (v.json === true) all.push({ ...m, body: body ?? null });
      else out.line(line(m, body));
    }
  }
  if (v.json === true) out.line('', all);
}

export const PRINT_COMMANDS: Record<string, Subcommand> = {
  async printMsg(admin, v, out) {
    await printQueues(admin, v, out, await topicQueues(admin, need(v, 'topic', 't')));
  },
  async printMsgByQueue(admin, v, out) {
    const topic = need(v, 'topic', 't');
    const brokerName = need(v, 'amount', 'a');
    const queueId = intFlag(v, 'msgId', 'i', -1);
    if (queueId < 0) throw new UsageError('missing -i <queueId>; run mqadmin -h for help');
    const brokerAddr = await brokerAddrOf(admin, topic, brokerName);
    await printQueues(admin, v, out, [{ brokerName, brokerAddr, topic, queueId }]);
  },
  async consumeMessage(admin, v, out) {
    const topic = need(v, 'topic', 't');
    const count = intFlag(v, 'clusterName', 'c', 128);
    const brokerName = stringFlag(v, 'brokerAddr');
    const queueId = intFlag(v, 'msgId', 'i', -1);
    if (!brokerName !== queueId < 0) {
      throw new UsageError('give both -b <brokerName> and -i <queueId>, or neither');
    }
    const queues = brokerName
      ? [{ brokerName, brokerAddr: await brokerAddrOf(admin, topic, brokerName), topic, queueId }]
      : await topicQueues(admin, topic);
    const group = stringFlag(v, 'group');
    const begin = timeFlag(v, 'timestamp', 's');
    const end = timeFlag(v, 'endTimestamp', 'e');
    const got: MessageExt[] = [];
    for (const q of queues) {
      const min = await admin.getMinOffset(q.brokerAddr, topic, q.queueId);
      const max = await admin.getMaxOffset(q.brokerAddr, topic, q.queueId);
      const at = (t: number | undefined, dflt: number) =>
        t === undefined ? dflt : searchOffset(admin, q.brokerAddr, topic, q.queueId, t);
      const from = brokerName ? intFlag(v, 'order', 'o', -1) : -1;
      const start = from >= 0 ? from : await at(begin, min);
      const to = Math.min(await at(end, max), start + count - got.length);
      out.progress(
        `${q.brokerName} queue ${q.queueId}: reading [${start}, ${to}) of [${min}, ${max})`,
      );
      for await (const m of readQueue(admin, q, { from: start, to, group })) got.push(m);
      if (got.length >= count) break;
    }
    if (v.json === true)
      return out.line(
        '',
        got.map((m) => ({ ...m, body: m.body.toString('utf8') })),
      );
    for (const m of got) out.line(line(m, m.body.toString('utf8')));
    if (got.length === 0) out.line(`no message to read from ${topic}`);
  },
  async getConsumerConfig(admin, v, out) {
    const group = need(v, 'group', 'g');
    const info = await admin.getClusterInfo();
    const found: Record<string, unknown> = {};
    const text: string[] = [];
    for (const [cluster, names] of Object.entries(info.clusterAddrTable)) {
      for (const name of [...names].sort()) {
        const addr = info.brokerAddrTable[name]?.brokerAddrs['0'];
        if (!addr) continue;
        const config = await subscriptionGroupConfig(admin, addr, group);
        if (!config) continue;
        found[`${cluster}:${name}`] = config;
        text.push(`=============================${cluster}:${name}=============================`);
        for (const [k, val] of Object.entries(config)) {
          text.push(
            `${k.padEnd(40)}=  ${typeof val === 'object' ? JSON.stringify(val) : String(val)}`,
          );
        }
      }
    }
    if (text.length === 0)
      throw new Error(`no broker has a subscription group ${group}; create it with updateSubGroup`);
    out.line(text.join('\n'), found);
  },
};
