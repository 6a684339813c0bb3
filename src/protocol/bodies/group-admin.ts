// Bodies of the group administration codes, as fastjson writes them (fields sorted by name):
//   ProducerConnection (204)  {"connectionSet":[Connection]}
//   ConsumerConnection (203)  {"connectionSet":[Connection],"consumeFromWhere":..,"consumeType":..,
//                              "messageModel":..,"subscriptionTable":{topic: SubscriptionData}}
//   GroupList (300)           {"groupList":[group]}
// Connection is {"clientAddr","clientId","language","version"}; SubscriptionData is
// {"classFilterMode","codeSet","expressionType","subString","subVersion","tagsSet","topic"}
// (its filterClassSource is never serialized). TopicList (343) is in topic-list.ts, ConsumeStats
// (208) in consume-stats-list.ts.
import { ProtocolError } from '../../common/errors.js';
import { parseObject } from './fastjson.js';

export interface Connection {
  clientId: string;
  clientAddr: string;
  language: string;
  version: number;
}

export interface SubscriptionDataBody {
  topic: string;
  subString: string;
  tagsSet?: string[];
  codeSet?: number[];
  subVersion?: number;
  expressionType?: string;
  classFilterMode?: boolean;
}

export interface ConsumerConnection {
  connectionSet: Connection[];
  subscriptionTable: Record<string, SubscriptionDataBody>;
  consumeType: string;
  messageModel: string;
  consumeFromWhere: string;
}

function sortedConnection(c: Connection): Connection {
  return {
    clientAddr: c.clientAddr,
    clientId: c.clientId,
    language: c.language,
    version: c.version,
  } as Connection;
}

/** SubscriptionData as fastjson writes it, with the Java defaults for what a client left out. */
function sortedSubscription(s: SubscriptionDataBody): SubscriptionDataBody {
  return {
    classFilterMode: s.classFilterMode ?? false,
    codeSet: s.codeSet ?? [],
    expressionType: s.expressionType ?? 'TAG',
    subString: s.subString,
    subVersion: s.subVersion ?? 0,
    tagsSet: s.tagsSet ?? [],
    topic: s.topic,
  } as SubscriptionDataBody;
}

function connections(v: unknown, what: string): Connection[] {
  if (!Array.isArray(v)) throw new ProtocolError(`${what} body has no connectionSet array`);
  return v.map((c: unknown) => {
    if (typeof c !== 'object' || c === null) {
      throw new ProtocolError(`${what} body: a connection is not an object`);
    }
    const o = c as Partial<Connection>;
    return {
      clientId: String(o.clientId ?? ''),
      clientAddr: String(o.clientAddr ?? ''),
      language: String(o.language ?? ''),
      version: Number(o.version ?? 0),
    };
  });
}

function strings(v: unknown, field: string, what: string): string[] {
  if (!Array.isArray(v)) throw new ProtocolError(`${what} body has no ${field} array`);
  return v.map(String);
}

function subscriptions(v: unknown): ConsumerConnection['subscriptionTable'] {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) {
    throw new ProtocolError('ConsumerConnection body: subscriptionTable is not an object');
  }
  for (const [topic, s] of Object.entries(v)) {
    if (typeof s !== 'object' || s === null || typeof (s as { topic?: unknown }).topic !== 'string')
      throw new ProtocolError(`ConsumerConnection body: the subscription of ${topic} has no topic`);
  }
  return v as ConsumerConnection['subscriptionTable'];
}

export function encodeProducerConnection(conns: readonly Connection[]): Buffer {
  return Buffer.from(JSON.stringify({ connectionSet: conns.map(sortedConnection) }), 'utf8');
}

export function decodeProducerConnection(body: Buffer | undefined): Connection[] {
  return connections(parseObject(body, 'ProducerConnection').connectionSet, 'ProducerConnection');
}

export function encodeConsumerConnection(cc: ConsumerConnection): Buffer {
  const table = Object.entries(cc.subscriptionTable).map(([t, s]) => [t, sortedSubscription(s)]);
  const body = {
    connectionSet: cc.connectionSet.map(sortedConnection),
    consumeFromWhere: cc.consumeFromWhere,
    consumeType: cc.consumeType,
    messageModel: cc.messageModel,
    subscriptionTable: Object.fromEntries(table),
  };
  return Buffer.from(JSON.stringify(body), 'utf8');
}

export function decodeConsumerConnection(body: Buffer | undefined): ConsumerConnection {
  const raw = parseObject(body, 'ConsumerConnection');
  return {
    connectionSet: connections(raw.connectionSet, 'ConsumerConnection'),
    subscriptionTable: subscriptions(raw.subscriptionTable),
    consumeType: String(raw.consumeType ?? ''),
    messageModel: String(raw.messageModel ?? ''),
    consumeFromWhere: String(raw.consumeFromWhere ?? ''),
  };
}

export function encodeGroupList(groups: Iterable<string>): Buffer {
  return Buffer.from(JSON.stringify({ groupList: [...groups] }), 'utf8');
}

export function decodeGroupList(body: Buffer | undefined): string[] {
  return strings(parseObject(body, 'GroupList').groupList, 'groupList', 'GroupList');
}
