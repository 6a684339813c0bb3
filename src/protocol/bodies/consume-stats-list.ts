// ConsumeStats, GET_CONSUME_STATS's body (208, AdminBrokerProcessor#getConsumeStats), and
// ConsumeStatsList, GET_BROKER_CONSUME_STATS's body (AdminBrokerProcessor#
// fetchAllConsumeStatsInBroker): {"brokerAddr":…,"consumeStatsList":[{group:[ConsumeStats,…]}],
// "totalDiff":n,"totalInflightDiff":n}. ConsumeStats is {"consumeTps":d,"offsetTable":
// {MessageQueue:OffsetWrapper}} with the MessageQueue object in key position, as fastjson writes
// it (not JSON): both directions are hand-written. Fields are in fastjson's alphabetical order,
// and a double is written with its ".0" as Java prints it.
import { ProtocolError } from '../../common/errors.js';
import { javaDouble, messageQueueOfKey, parseObject, quoteMessageQueueKeys } from './fastjson.js';
import { type MessageQueueKey, messageQueueKeyJson } from './offset-table.js';

export interface OffsetWrapper {
  brokerOffset: number;
  consumerOffset: number;
  /** Store time of the last consumed message; 0 when none. */
  lastTimestamp: number;
  /** 5.x: the offset handed out to pulls so far (in flight = pullOffset − consumerOffset). */
  pullOffset: number;
}

export interface ConsumeStats {
  consumeTps: number;
  offsetTable: { mq: MessageQueueKey; offset: OffsetWrapper }[];
}

export interface ConsumeStatsList {
  brokerAddr: string;
  /** One single-key map per subscription group: group → the stats of each of its topics. */
  consumeStatsList: Record<string, ConsumeStats[]>[];
  totalDiff: number;
  totalInflightDiff: number;
}

function wrapperJson(w: OffsetWrapper): string {
  return (
    `{"brokerOffset":${w.brokerOffset},"consumerOffset":${w.consumerOffset},` +
    `"lastTimestamp":${w.lastTimestamp},"pullOffset":${w.pullOffset}}`
  );
}

export function consumeStatsJson(s: ConsumeStats): string {
  const table = s.offsetTable.map((e) => `${messageQueueKeyJson(e.mq)}:${wrapperJson(e.offset)}`);
  return `{"consumeTps":${javaDouble(s.consumeTps)},"offsetTable":{${table.join(',')}}}`;
}

export function encodeConsumeStats(s: ConsumeStats): Buffer {
  return Buffer.from(consumeStatsJson(s), 'utf8');
}

export function encodeConsumeStatsList(list: ConsumeStatsList): Buffer {
  const groups = list.consumeStatsList.map(
    (m) =>
      `{${Object.entries(m)
        .map(([g, stats]) => `${JSON.stringify(g)}:[${stats.map(consumeStatsJson).join(',')}]`)
        .join(',')}}`,
  );
  return Buffer.from(
    `{"brokerAddr":${JSON.stringify(list.brokerAddr)},"consumeStatsList":[${groups.join(',')}],` +
      `"totalDiff":${list.totalDiff},"totalInflightDiff":${list.totalInflightDiff}}`,
    'utf8',
  );
}

interface RawStats {
  consumeTps?: number;
  offsetTable?: Record<string, Partial<OffsetWrapper>>;
}

function decodeStats(raw: RawStats, what: string): ConsumeStats {
  if (typeof raw !== 'object' || raw === null) throw new ProtocolError(`${what}: not an object`);
  const table = raw.offsetTable ?? {};
  if (typeof table !== 'object' || table === null) {
    throw new ProtocolError(`${what}: offsetTable is not an object`);
  }
  return {
    consumeTps: Number(raw.consumeTps ?? 0),
    offsetTable: Object.entries(table).map(([key, w]) => {
      if (typeof w !== 'object' || w === null)
        throw new ProtocolError(`${what}: the OffsetWrapper of ${key} is not an object`);
      return {
        mq: messageQueueOfKey(key, what),
        offset: {
          brokerOffset: Number(w.brokerOffset ?? 0),
          consumerOffset: Number(w.consumerOffset ?? 0),
          lastTimestamp: Number(w.lastTimestamp ?? 0),
          pullOffset: Number(w.pullOffset ?? w.consumerOffset ?? 0),
        },
      };
    }),
  };
}

/** Each MessageQueue key is quoted first (fastjson.ts), so JSON.parse reads the body. */
export function decodeConsumeStats(body: Buffer | undefined): ConsumeStats {
  const raw = parseObject(quoteMessageQueueKeys(body?.toString('utf8') ?? ''), 'ConsumeStats');
  if (raw.offsetTable === undefined)
    throw new ProtocolError('ConsumeStats body has no offsetTable');
  return decodeStats(raw as RawStats, 'ConsumeStats');
}

export function decodeConsumeStatsList(body: Buffer): ConsumeStatsList {
  const what = 'ConsumeStatsList';
  const raw = parseObject(quoteMessageQueueKeys(body.toString('utf8')), what);
  const list = raw.consumeStatsList ?? [];
  if (!Array.isArray(list)) throw new ProtocolError(`${what}: consumeStatsList is not an array`);
  return {
    brokerAddr: String(raw.brokerAddr ?? ''),
    consumeStatsList: list.map((m: unknown) => {
      if (typeof m !== 'object' || m === null) throw new ProtocolError(`${what}: not a group map`);
      return Object.fromEntries(
        Object.entries(m).map(([g, stats]) => {
          if (!Array.isArray(stats)) throw new ProtocolError(`${what}: ${g} has no stats array`);
          return [g, stats.map((st: RawStats) => decodeStats(st, what))];
        }),
      );
    }),
    totalDiff: Number(raw.totalDiff ?? 0),
    totalInflightDiff: Number(raw.totalInflightDiff ?? 0),
  };
}
