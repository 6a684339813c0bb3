// Bodies of the two requests a broker forwards to a client (AdminBrokerProcessor#callConsumer):
// GET_CONSUMER_RUNNING_INFO 307 answers ConsumerRunningInfo, CONSUME_MESSAGE_DIRECTLY 309 answers
// ConsumeMessageDirectlyResult. Java writes both with fastjson: fields in alphabetical order, and
// ConsumerRunningInfo#mqTable is a TreeMap<MessageQueue, ProcessQueueInfo>, so its keys are
// MessageQueue objects in key position ({{"brokerName":"b","queueId":0,"topic":"T"}:{…}}), which
// is not JSON; that one field is written and read by hand (offset-table.ts does the same).

import { ProtocolError } from '../../common/errors.js';
import { javaDouble } from './fastjson.js';
import { type MessageQueueKey, messageQueueKeyJson, objectEnd } from './offset-table.js';

const WHAT = 'consumer running info';

/** ConsumerRunningInfo's property names (ConsumerRunningInfo.PROP_*). */
export const RunningInfoProp = {
  NAMESERVER_ADDR: 'PROP_NAMESERVER_ADDR',
  THREADPOOL_CORE_SIZE: 'PROP_THREADPOOL_CORE_SIZE',
  CONSUME_ORDERLY: 'PROP_CONSUMEORDERLY',
  CONSUME_TYPE: 'PROP_CONSUME_TYPE',
  CLIENT_VERSION: 'PROP_CLIENT_VERSION',
  CONSUMER_START_TIMESTAMP: 'PROP_CONSUMER_START_TIMESTAMP',
} as const;

/** ProcessQueueInfo: one owned queue as the client holds it (droped is Java's spelling). */
export interface ProcessQueueInfo {
  commitOffset: number;
  cachedMsgMinOffset: number;
  cachedMsgMaxOffset: number;
  cachedMsgCount: number;
  cachedMsgSizeInMiB: number;
  transactionMsgMinOffset: number;
  transactionMsgMaxOffset: number;
  transactionMsgCount: number;
  locked: boolean;
  tryUnlockTimes: number;
  lastLockTimestamp: number;
  droped: boolean;
  lastPullTimestamp: number;
  lastConsumeTimestamp: number;
}

/** ConsumeStatus: per topic, RT in ms and TPS over the client's stats window. */
export interface ConsumeStatus {
  pullRT: number;
  pullTPS: number;
  consumeRT: number;
  consumeOKTPS: number;
  consumeFailedTPS: number;
  consumeFailedMsgs: number;
}

export interface RunningSubscription {
  topic: string;
  subString: string;
  tagsSet: string[];
  codeSet: number[];
  subVersion: number;
  expressionType: string;
  classFilterMode: boolean;
}

export interface ConsumerRunningInfo {
  properties: Record<string, string>;
  subscriptionSet: RunningSubscription[];
  mqTable: { mq: MessageQueueKey; info: ProcessQueueInfo }[];
  statusTable: Record<string, ConsumeStatus>;
  jstack: string;
}

export type ConsumeResultCode =
  | 'CR_SUCCESS'
  | 'CR_LATER'
  | 'CR_ROLLBACK'
  | 'CR_COMMIT'
  | 'CR_THROW_EXCEPTION'
  | 'CR_RETURN_NULL';

export interface ConsumeMessageDirectlyResult {
  order: boolean;
  autoCommit: boolean;
  consumeResult: ConsumeResultCode;
  remark: string;
  spentTimeMills: number;
}

const byName = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0);

const sortedJson = (o: object): string =>
  JSON.stringify(Object.fromEntries(Object.entries(o).sort(byName)));

/** ConsumeStatus: its five RT/TPS fields are doubles, consumeFailedMsgs a long. */
function consumeStatusJson(s: ConsumeStatus): string {
  return (
    `{"consumeFailedMsgs":${Math.trunc(s.consumeFailedMsgs)},` +
    `"consumeFailedTPS":${javaDouble(s.consumeFailedTPS)},` +
    `"consumeOKTPS":${javaDouble(s.consumeOKTPS)},"consumeRT":${javaDouble(s.consumeRT)},` +
    `"pullRT":${javaDouble(s.pullRT)},"pullTPS":${javaDouble(s.pullTPS)}}`
  );
}

export function encodeConsumerRunningInfo(r: ConsumerRunningInfo): Buffer {
  const mq = r.mqTable.map((e) => `${messageQueueKeyJson(e.mq)}:${sortedJson(e.info)}`);
  // statusTable is a TreeMap: topics in name order.
  const status = Object.entries(r.statusTable)
    .sort(byName)
    .map(([topic, st]) => `${JSON.stringify(topic)}:${consumeStatusJson(st)}`);
  const text =
    `{"jstack":${JSON.stringify(r.jstack)},"mqTable":{${mq.join(',')}},` +
    `"properties":${sortedJson(r.properties)},"statusTable":{${status.join(',')}},` +
    `"subscriptionSet":[${r.subscriptionSet.map(sortedJson).join(',')}]}`;
  return Buffer.from(text, 'utf8');
}

/** The entries of the object-keyed map that opens at `open`, and the index past it. */
function readQueueMap(s: string, open: number): [ConsumerRunningInfo['mqTable'], number] {
  const out: ConsumerRunningInfo['mqTable'] = [];
  let i = open + 1;
  for (;;) {
    while (/\s|,/.test(s[i] ?? '')) i++;
    if (s[i] === '}') return [out, i + 1];
    if (s[i] !== '{') throw new ProtocolError(`consumer running info: expected a queue at ${i}`);
    const keyEnd = objectEnd(s, i, WHAT);
    const mq = JSON.parse(s.slice(i, keyEnd)) as MessageQueueKey;
    let j = keyEnd;
    while (/\s/.test(s[j] ?? '')) j++;
    if (s[j] !== ':') throw new ProtocolError(`consumer running info: expected ':' at ${j}`);
    j++;
    while (/\s/.test(s[j] ?? '')) j++;
    const infoEnd = objectEnd(s, j, WHAT);
    const info = JSON.parse(s.slice(j, infoEnd)) as ProcessQueueInfo;
    out.push({ mq: { topic: mq.topic, brokerName: mq.brokerName, queueId: +mq.queueId }, info });
    i = infoEnd;
  }
}

export function decodeConsumerRunningInfo(body: Buffer): ConsumerRunningInfo {
  let s = body.toString('utf8');
  let mqTable: ConsumerRunningInfo['mqTable'] = [];
  const at = s.indexOf('"mqTable"');
  if (at >= 0) {
    const open = s.indexOf('{', at);
    if (open < 0) throw new ProtocolError('consumer running info: mqTable is not an object');
    const [entries, end] = readQueueMap(s, open);
    mqTable = entries;
    s = `${s.slice(0, open)}{}${s.slice(end)}`;
  }
  let o: Partial<ConsumerRunningInfo>;
  try {
    o = JSON.parse(s) as Partial<ConsumerRunningInfo>;
  } catch (err) {
    throw new ProtocolError(`consumer running info: ${(err as Error).message}`);
  }
  return {
    properties: o.properties ?? {},
    subscriptionSet: o.subscriptionSet ?? [],
    mqTable,
    statusTable: o.statusTable ?? {},
    jstack: o.jstack ?? '',
  };
}

export function encodeConsumeMessageDirectlyResult(r: ConsumeMessageDirectlyResult): Buffer {
  return Buffer.from(sortedJson(r), 'utf8');
}

export function decodeConsumeMessageDirectlyResult(body: Buffer): ConsumeMessageDirectlyResult {
  try {
    return JSON.parse(body.toString('utf8')) as ConsumeMessageDirectlyResult;
  } catch (err) {
    throw new ProtocolError(`consume message directly result: ${(err as Error).message}`);
  }
}
