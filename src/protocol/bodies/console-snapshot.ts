// KITEMQ_GET_BROKER_CONSOLE_SNAPSHOT's body (KiteMQ's own code; RocketMQ 4.9/5.x have no request
// that lists every consumer group's connections at once, only GET_ALL_PRODUCER_INFO for
// producers). One broker's view, small enough to ask every refresh:
//   {"brokerAddr":…,"brokerName":…,
//    "groupTable":{"<group>":{"consumeType":…,"messageModel":…,"onlineClients":n}},
//    "topicTable":{"<topic>":{"maxOffset":n,"queueNums":n}}}
// groupTable holds every subscription group and every group with a live connection (a consumer
// may run before its group is created), with consumeType and messageModel as its consumers' last
// heartbeat gave them (absent while none is registered); topicTable every topic, its queues'
// max offsets summed.
// Fields in name order as the RocketMQ bodies beside it; readers look names up, never rely on it.
import { ProtocolError } from '../../common/errors.js';
import { objectField, parseObject } from './fastjson.js';

const WHAT = 'BrokerConsoleSnapshot';

export interface ConsoleGroupRow {
  /** Connections of the group on this broker (ConsumerGroupInfo#channelInfoTable). */
  onlineClients: number;
  /** CONSUME_ACTIVELY (pull) or CONSUME_PASSIVELY (push), from the heartbeats; absent without. */
  consumeType?: string;
  /** CLUSTERING or BROADCASTING, from the heartbeats; absent without. */
  messageModel?: string;
}

export interface ConsoleTopicRow {
  /** Sum over the topic's queues of their max offsets: messages ever stored, per broker. */
  maxOffset: number;
  queueNums: number;
}

export interface BrokerConsoleSnapshot {
  brokerAddr: string;
  brokerName: string;
  groupTable: Record<string, ConsoleGroupRow>;
  topicTable: Record<string, ConsoleTopicRow>;
}

export function encodeBrokerConsoleSnapshot(s: BrokerConsoleSnapshot): Buffer {
  // fromEntries defines own properties, so a name like __proto__ stays a row.
  const groupTable = Object.fromEntries(
    Object.entries(s.groupTable).map(([g, r]) => [
      g,
      {
        ...(r.consumeType === undefined ? {} : { consumeType: r.consumeType }),
        ...(r.messageModel === undefined ? {} : { messageModel: r.messageModel }),
        onlineClients: r.onlineClients,
      },
    ]),
  );
  const topicTable = Object.fromEntries(
    Object.entries(s.topicTable).map(([t, r]) => [
      t,
      { maxOffset: r.maxOffset, queueNums: r.queueNums },
    ]),
  );
  const body = { brokerAddr: s.brokerAddr, brokerName: s.brokerName, groupTable, topicTable };
  return Buffer.from(JSON.stringify(body), 'utf8');
}

function count(row: Record<string, unknown>, field: string, where: string): number {
  const v = row[field] ?? 0;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    throw new ProtocolError(`${WHAT} body: ${where}.${field} is not a count (${String(v)})`);
  return v;
}

function rows<T>(
  o: Record<string, unknown>,
  field: string,
  read: (row: Record<string, unknown>, where: string) => T,
): Record<string, T> {
  const out: [string, T][] = [];
  for (const [name, row] of Object.entries(objectField(o, field, WHAT))) {
    if (typeof row !== 'object' || row === null || Array.isArray(row))
      throw new ProtocolError(`${WHAT} body: ${field}[${name}] is not an object`);
    out.push([name, read(row as Record<string, unknown>, `${field}[${name}]`)]);
  }
  return Object.fromEntries(out);
}

function text(o: Record<string, unknown>, field: string): string {
  const v = o[field] ?? '';
  if (typeof v !== 'string') throw new ProtocolError(`${WHAT} body: ${field} is not a string`);
  return v;
}

function optionalText(o: Record<string, unknown>, field: string, where: string) {
  const v = o[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string')
    throw new ProtocolError(`${WHAT} body: ${where}.${field} is not a string`);
  return v;
}

export function decodeBrokerConsoleSnapshot(body: Buffer | undefined): BrokerConsoleSnapshot {
  const o = parseObject(body, WHAT);
  return {
    brokerAddr: text(o, 'brokerAddr'),
    brokerName: text(o, 'brokerName'),
    groupTable: rows(o, 'groupTable', (r, w) => {
      const row: ConsoleGroupRow = { onlineClients: count(r, 'onlineClients', w) };
      const consumeType = optionalText(r, 'consumeType', w);
      const messageModel = optionalText(r, 'messageModel', w);
      if (consumeType !== undefined) row.consumeType = consumeType;
      if (messageModel !== undefined) row.messageModel = messageModel;
      return row;
    }),
    topicTable: rows(o, 'topicTable', (r, w) => ({
      maxOffset: count(r, 'maxOffset', w),
      queueNums: count(r, 'queueNums', w),
    })),
  };
}
