// ConsumeStatsList, GET_BROKER_CONSUME_STATS's body (AdminBrokerProcessor#
// fetchAllConsumeStatsInBroker): {"brokerAddr":…,"consumeStatsList":[{group:[ConsumeStats,…]}],
// "totalDiff":n,"totalInflightDiff":n}. ConsumeStats is {"consumeTps":d,"offsetTable":
// {MessageQueue:OffsetWrapper}} with the MessageQueue object in key position, as fastjson writes
// it (not JSON): both directions are hand-written. Fields are in fastjson's alphabetical order,
// and a double is written with its ".0" as Java prints it.
import { ProtocolError } from '../../common/errors.js';
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

const javaDouble = (n: number) => (Number.isInteger(n) ? n.toFixed(1) : String(n));

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

// A MessageQueue in key position, fields in fastjson's order; a value is never followed by ':'.
const MQ_KEY = /\{"brokerName":("(?:[^"\\]|\\.)*"),"queueId":(\d+),"topic":("(?:[^"\\]|\\.)*")\}:/g;
const SEP = '\u0000';

interface RawStats {
  consumeTps?: number;
  offsetTable?: Record<string, OffsetWrapper>;
}

function decodeStats(raw: RawStats): ConsumeStats {
  return {
    consumeTps: Number(raw.consumeTps ?? 0),
    offsetTable: Object.entries(raw.offsetTable ?? {}).map(([key, w]) => {
      const [brokerName, queueId, topic] = key.split(SEP) as [string, string, string];
      return {
        mq: { topic, brokerName, queueId: Number(queueId) },
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

export function decodeConsumeStatsList(body: Buffer): ConsumeStatsList {
  // Each object key becomes a string key "brokerName\0queueId\0topic", so JSON.parse reads it.
  const text = body
    .toString('utf8')
    .replace(
      MQ_KEY,
      (_, b: string, q: string, t: string) =>
        `${JSON.stringify([JSON.parse(b), q, JSON.parse(t)].join(SEP))}:`,
    );
  let raw: {
    brokerAddr?: string;
    consumeStatsList?: Record<string, RawStats[]>[];
    totalDiff?: number;
    totalInflightDiff?: number;
  };
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ProtocolError(`ConsumeStatsList: not fastjson of that shape (${String(err)})`);
  }
  return {
    brokerAddr: String(raw.brokerAddr ?? ''),
    consumeStatsList: (raw.consumeStatsList ?? []).map((m) =>
      Object.fromEntries(Object.entries(m).map(([g, list]) => [g, list.map(decodeStats)])),
    ),
    totalDiff: Number(raw.totalDiff ?? 0),
    totalInflightDiff: Number(raw.totalInflightDiff ?? 0),
  };
}
