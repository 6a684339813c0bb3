// Bodies of the group administration codes, as fastjson writes them (fields sorted by name):
//   ProducerConnection (204)  {"connectionSet":[Connection]}
//   ConsumerConnection (203)  {"connectionSet":[Connection],"consumeFromWhere":..,"consumeType":..,
//                              "messageModel":..,"subscriptionTable":{topic: SubscriptionData}}
//   GroupList (300)           {"groupList":[group]}
//   TopicList (343)           {"brokerAddr":..,"topicList":[topic]}
//   ConsumeStats (208)        {"consumeTps":0.0,"offsetTable":{MessageQueue: OffsetWrapper}},
//                             MessageQueue objects in key position (not JSON; offset-table.ts)
// Connection is {"clientAddr","clientId","language","version"}.
import { ProtocolError } from '../../common/errors.js';
import { type MessageQueueKey, messageQueueKeyJson, objectEnd } from './offset-table.js';

export interface Connection {
  clientId: string;
  clientAddr: string;
  language: string;
  version: number;
}

export interface ConsumerConnection {
  connectionSet: Connection[];
  subscriptionTable: Record<string, { topic: string; subString: string; [k: string]: unknown }>;
  consumeType: string;
  messageModel: string;
  consumeFromWhere: string;
}

export interface OffsetWrapper {
  brokerOffset: number;
  consumerOffset: number;
  pullOffset: number;
  lastTimestamp: number;
}

export interface ConsumeStats {
  consumeTps: number;
  offsetTable: { mq: MessageQueueKey; offset: OffsetWrapper }[];
}

function sortedConnection(c: Connection): Connection {
  return {
    clientAddr: c.clientAddr,
    clientId: c.clientId,
    language: c.language,
    version: c.version,
  } as Connection;
}

function parse(body: Buffer | undefined, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(body?.toString('utf8') ?? '');
  } catch (err) {
    throw new ProtocolError(`${what} body does not parse: ${(err as Error).message}`);
  }
  if (typeof v !== 'object' || v === null) throw new ProtocolError(`${what} body is not an object`);
  return v as Record<string, unknown>;
}

function connections(v: unknown, what: string): Connection[] {
  if (!Array.isArray(v)) throw new ProtocolError(`${what} body has no connectionSet array`);
  return v.map((c: Partial<Connection>) => ({
    clientId: String(c.clientId ?? ''),
    clientAddr: String(c.clientAddr ?? ''),
    language: String(c.language ?? ''),
    version: Number(c.version ?? 0),
  }));
}

function strings(v: unknown, field: string): string[] {
  if (!Array.isArray(v)) throw new ProtocolError(`body has no ${field} array`);
  return v.map(String);
}

export function encodeProducerConnection(conns: readonly Connection[]): Buffer {
  return Buffer.from(JSON.stringify({ connectionSet: conns.map(sortedConnection) }), 'utf8');
}

export function decodeProducerConnection(body: Buffer | undefined): Connection[] {
  return connections(parse(body, 'ProducerConnection').connectionSet, 'ProducerConnection');
}

export function encodeConsumerConnection(cc: ConsumerConnection): Buffer {
  const body = {
    connectionSet: cc.connectionSet.map(sortedConnection),
    consumeFromWhere: cc.consumeFromWhere,
    consumeType: cc.consumeType,
    messageModel: cc.messageModel,
    subscriptionTable: cc.subscriptionTable,
  };
  return Buffer.from(JSON.stringify(body), 'utf8');
}

export function decodeConsumerConnection(body: Buffer | undefined): ConsumerConnection {
  const raw = parse(body, 'ConsumerConnection');
  return {
    connectionSet: connections(raw.connectionSet, 'ConsumerConnection'),
    subscriptionTable: (raw.subscriptionTable ?? {}) as ConsumerConnection['subscriptionTable'],
    consumeType: String(raw.consumeType ?? ''),
    messageModel: String(raw.messageModel ?? ''),
    consumeFromWhere: String(raw.consumeFromWhere ?? ''),
  };
}

export function encodeGroupList(groups: Iterable<string>): Buffer {
  return Buffer.from(JSON.stringify({ groupList: [...groups] }), 'utf8');
}

export function decodeGroupList(body: Buffer | undefined): string[] {
  return strings(parse(body, 'GroupList').groupList, 'groupList');
}

export function encodeTopicList(topics: Iterable<string>, brokerAddr: string): Buffer {
  return Buffer.from(JSON.stringify({ brokerAddr, topicList: [...topics] }), 'utf8');
}

export function decodeTopicList(body: Buffer | undefined): {
  topics: string[];
  brokerAddr: string;
} {
  const raw = parse(body, 'TopicList');
  return { topics: strings(raw.topicList, 'topicList'), brokerAddr: String(raw.brokerAddr ?? '') };
}

/** fastjson writes a double with its point even when whole: 0 → 0.0. */
function javaDouble(n: number): string {
  return Number.isInteger(n) ? `${n}.0` : String(n);
}

export function encodeConsumeStats(s: ConsumeStats): Buffer {
  const entries = s.offsetTable.map(
    ({ mq, offset: o }) =>
      `${messageQueueKeyJson(mq)}:{"brokerOffset":${o.brokerOffset},"consumerOffset":` +
      `${o.consumerOffset},"lastTimestamp":${o.lastTimestamp},"pullOffset":${o.pullOffset}}`,
  );
  const body = `{"consumeTps":${javaDouble(s.consumeTps)},"offsetTable":{${entries.join(',')}}}`;
  return Buffer.from(body, 'utf8');
}

export function decodeConsumeStats(body: Buffer | undefined): ConsumeStats {
  const s = body?.toString('utf8') ?? '';
  const tps = /"consumeTps"\s*:\s*(-?[\d.eE+-]+)/.exec(s);
  const start = s.indexOf('"offsetTable"');
  if (start < 0) throw new ProtocolError('ConsumeStats body has no offsetTable');
  let i = s.indexOf('{', start);
  if (i < 0) throw new ProtocolError('ConsumeStats offsetTable is not an object');
  i++;
  const offsetTable: ConsumeStats['offsetTable'] = [];
  for (;;) {
    while (/\s|,/.test(s[i] ?? '')) i++;
    if (s[i] === '}') break;
    if (s[i] !== '{') throw new ProtocolError(`ConsumeStats: expected a queue object at ${i}`);
    const keyEnd = objectEnd(s, i);
    const mq = JSON.parse(s.slice(i, keyEnd)) as MessageQueueKey;
    const colon = s.indexOf('{', keyEnd);
    if (colon < 0 || s.slice(keyEnd, colon).trim() !== ':') {
      throw new ProtocolError(`ConsumeStats: expected ':' and an OffsetWrapper at ${keyEnd}`);
    }
    const valueEnd = objectEnd(s, colon);
    const o = JSON.parse(s.slice(colon, valueEnd)) as Partial<OffsetWrapper>;
    offsetTable.push({
      mq: { topic: mq.topic, brokerName: mq.brokerName, queueId: Number(mq.queueId) },
      offset: {
        brokerOffset: Number(o.brokerOffset ?? 0),
        consumerOffset: Number(o.consumerOffset ?? 0),
        pullOffset: Number(o.pullOffset ?? 0),
        lastTimestamp: Number(o.lastTimestamp ?? 0),
      },
    });
    i = valueEnd;
  }
  return { consumeTps: tps ? Number(tps[1]) : 0, offsetTable };
}
