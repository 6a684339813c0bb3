// Name-server bodies (spec part 1 §3.2-3.3): TopicRouteData, ClusterInfo, TopicList, and the
// broker's RegisterBrokerBody. Writers are compact with sorted keys. The one quirk: fastjson writes
// Map<Long,String> keys unquoted ({0:"ip:port"}); Apache name servers send that form to clients
// older than 4.9.4 (version < 401) — the Go client parses it by hand — and standard JSON
// otherwise.
// Readers accept both forms.
import { inflateSync } from 'node:zlib';
import { ProtocolError } from '../../common/errors.js';
import { REGISTER_BROKER_BODY_MAX_INFLATED_BYTES } from '../../common/limits.js';

export interface QueueData {
  brokerName: string;
  perm: number;
  readQueueNums: number;
  topicSysFlag: number;
  writeQueueNums: number;
}

export interface BrokerData {
  brokerAddrs: Record<string, string>;
  brokerName: string;
  cluster: string;
  enableActingMaster?: boolean;
}

export interface TopicRouteData {
  brokerDatas: BrokerData[];
  filterServerTable: Record<string, string[]>;
  /**
   * "brokerName:writeQueueNums;…" from the name server's ORDER_TOPIC_CONFIG KV namespace, sent
   * only when it has orderMessageEnable; a client given one builds its queues from it instead of
   * from queueDatas, so it is absent (not "") otherwise.
   */
  orderTopicConf?: string;
  queueDatas: QueueData[];
}

/** NamesrvUtil#NAMESPACE_ORDER_TOPIC_CONFIG: the KV namespace orderTopicConf comes from. */
export const NAMESPACE_ORDER_TOPIC_CONFIG = 'ORDER_TOPIC_CONFIG';

export interface ClusterInfo {
  brokerAddrTable: Record<string, BrokerData>;
  clusterAddrTable: Record<string, string[]>;
}

export interface DataVersion {
  counter: number;
  stateVersion?: number;
  timestamp: number;
}

export interface TopicConfigLike {
  topicName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicSysFlag?: number;
  topicFilterType?: string;
  order?: boolean;
}

export interface RegisterBrokerBody {
  dataVersion: DataVersion;
  topicConfigTable: Record<string, TopicConfigLike>;
  filterServerList: string[];
}

/** The first request version that gets standard JSON routes (MQVersion V4_9_4). */
export const STANDARD_JSON_ROUTE_VERSION = 401;

/** Compact JSON, keys sorted, undefined dropped; `numericKeyMaps` names unquoted-key maps. */
export function writeJson(
  value: unknown,
  numericKeyMaps: ReadonlySet<string> = new Set(),
  parentKey = '',
): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value))
    return `[${value.map((v) => writeJson(v, numericKeyMaps, parentKey)).join(',')}]`;
  if (typeof value === 'object') {
    const unquoted = numericKeyMaps.has(parentKey);
    const parts: string[] = [];
    for (const k of Object.keys(value as object).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v === undefined) continue;
      const key = unquoted && /^-?\d+$/.test(k) ? k : JSON.stringify(k);
      parts.push(`${key}:${writeJson(v, numericKeyMaps, k)}`);
    }
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Reads fastjson output: standard JSON plus bare numeric object keys. */
export function readJson<T>(text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    // Quote bare numeric keys that follow '{' or ',' (outside strings).
    let out = '';
    let inString = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (inString) {
        out += c;
        if (c === '\\') out += text[++i] ?? '';
        else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') inString = true;
      if ((c === '{' || c === ',') && /^\s*-?\d+\s*:/.test(text.slice(i + 1, i + 40))) {
        const m = /^(\s*)(-?\d+)(\s*):/.exec(text.slice(i + 1))!;
        out += `${c}${m[1]}"${m[2]}"${m[3]}:`;
        i += m[0].length;
        continue;
      }
      out += c;
    }
    return JSON.parse(out) as T;
  }
}

const BROKER_ADDRS = new Set(['brokerAddrs']);

export function encodeTopicRouteData(route: TopicRouteData, standardJson: boolean): Buffer {
  return Buffer.from(writeJson(route, standardJson ? new Set() : BROKER_ADDRS), 'utf8');
}

export function encodeClusterInfo(info: ClusterInfo, standardJson: boolean): Buffer {
  return Buffer.from(writeJson(info, standardJson ? new Set() : BROKER_ADDRS), 'utf8');
}

/** A body whose JSON is not an object (`null`, `5`) is malformed, not an empty one. */
function readJsonObject<T>(body: Buffer, what: string): T {
  let r: unknown;
  try {
    r = readJson<unknown>(body.toString('utf8'));
  } catch (err) {
    throw new ProtocolError(`${what} body is not JSON: ${(err as Error).message}`);
  }
  if (typeof r !== 'object' || r === null || Array.isArray(r)) {
    throw new ProtocolError(`${what} body is not a JSON object`);
  }
  return r as T;
}

/** QUERY_DATA_VERSION's body: a DataVersion object; anything else is a ProtocolError. */
export function decodeDataVersion(body: Buffer): DataVersion {
  return readJsonObject<DataVersion>(body, 'DataVersion');
}

export function decodeTopicRouteData(body: Buffer): TopicRouteData {
  const r = readJsonObject<Partial<TopicRouteData>>(body, 'TopicRouteData');
  const route: TopicRouteData = {
    brokerDatas: r.brokerDatas ?? [],
    queueDatas: r.queueDatas ?? [],
    filterServerTable: r.filterServerTable ?? {},
  };
  if (typeof r.orderTopicConf === 'string' && r.orderTopicConf !== '') {
    route.orderTopicConf = r.orderTopicConf;
  }
  return route;
}

export function decodeClusterInfo(body: Buffer): ClusterInfo {
  const r = readJsonObject<Partial<ClusterInfo>>(body, 'ClusterInfo');
  return { brokerAddrTable: r.brokerAddrTable ?? {}, clusterAddrTable: r.clusterAddrTable ?? {} };
}

/** REGISTER_BROKER body: plain JSON, or the zlib form 4.x brokers send with compressed=true. */
export function decodeRegisterBrokerBody(
  body: Buffer | undefined,
  compressed: boolean,
): RegisterBrokerBody {
  if (!body || body.length === 0)
    return {
      dataVersion: { counter: 0, timestamp: 0 },
      topicConfigTable: {},
      filterServerList: [],
    };
  // Bounded: a few KB of zlib can inflate to gigabytes.
  if (compressed) {
    return decodeCompressed(
      inflateSync(body, { maxOutputLength: REGISTER_BROKER_BODY_MAX_INFLATED_BYTES }),
    );
  }
  const r = readJsonObject<{
    topicConfigSerializeWrapper?: unknown;
    filterServerList?: unknown;
    dataVersion?: unknown;
    topicConfigTable?: unknown;
  }>(body, 'RegisterBrokerBody');
  // Brokers older than V3_0_11 send a bare TopicConfigSerializeWrapper.
  const w = (r.topicConfigSerializeWrapper ?? r) as typeof r;
  if (typeof w !== 'object' || w === null) {
    throw new ProtocolError('register body: topicConfigSerializeWrapper is not an object');
  }
  return checkedRegisterBody(w.dataVersion, w.topicConfigTable, r.filterServerList);
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/**
 * The parts of a register body the route tables use, checked before any table changes: a topic
 * config that is not an object, or has non-integer queue counts, used to throw halfway through
 * registration (or store NaN routes). Missing counts take TopicConfig's defaults (16, 16, rw).
 */
function checkedRegisterBody(
  dataVersion: unknown,
  table: unknown,
  filterServerList: unknown,
): RegisterBrokerBody {
  const fail = (what: string): never => {
    throw new ProtocolError(`register body: ${what}`);
  };
  const dv = (dataVersion ?? { counter: 0, timestamp: 0 }) as DataVersion;
  if (typeof dv !== 'object' || dv === null || Array.isArray(dv))
    fail('dataVersion is not an object');
  const filters = filterServerList ?? [];
  if (!Array.isArray(filters) || !filters.every((f) => typeof f === 'string')) {
    fail('filterServerList is not a list of addresses');
  }
  if (
    table !== undefined &&
    table !== null &&
    (typeof table !== 'object' || Array.isArray(table))
  ) {
    fail('topicConfigTable is not an object');
  }
  // No prototype: a topic named __proto__ is an entry like any other.
  const out = Object.create(null) as Record<string, TopicConfigLike>;
  for (const [name, raw] of Object.entries((table ?? {}) as Record<string, unknown>)) {
    if (typeof raw !== 'object' || raw === null) fail(`topic config '${name}' is not an object`);
    const tc = raw as Partial<TopicConfigLike>;
    const n = (v: unknown, dflt: number, field: string): number => {
      if (v === undefined || v === null) return dflt;
      return isInt(v) ? v : fail(`topic config '${name}' has a non-integer ${field}`);
    };
    out[name] = {
      ...tc,
      topicName: typeof tc.topicName === 'string' && tc.topicName !== '' ? tc.topicName : name,
      readQueueNums: n(tc.readQueueNums, 16, 'readQueueNums'),
      writeQueueNums: n(tc.writeQueueNums, 16, 'writeQueueNums'),
      perm: n(tc.perm, 6, 'perm'),
      topicSysFlag: n(tc.topicSysFlag, 0, 'topicSysFlag'),
    };
  }
  return { dataVersion: dv, topicConfigTable: out, filterServerList: filters as string[] };
}

function decodeCompressed(b: Buffer): RegisterBrokerBody {
  let p = 0;
  // Every length is checked against what is left: a negative one used to step back and reread
  // the same bytes, so a count of 2^31 entries held the name server's event loop for minutes.
  const readInt = (what: string) => {
    if (p + 4 > b.length) throw new ProtocolError(`compressed register body truncated at ${what}`);
    const n = b.readInt32BE(p);
    p += 4;
    return n;
  };
  const readStr = (what: string) => {
    const n = readInt(what);
    if (n < 0 || n > b.length - p) {
      throw new ProtocolError(`compressed register body: ${what} length ${n} outside the body`);
    }
    const s = b.toString('utf8', p, p + n);
    p += n;
    return s;
  };
  const dataVersion = readJson<DataVersion>(readStr('dataVersion'));
  const count = readInt('topic count');
  // Each topic takes at least its 4-byte length.
  if (count < 0 || count > (b.length - p) / 4) {
    throw new ProtocolError(`compressed register body: topic count ${count} outside the body`);
  }
  const topicConfigTable: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) {
    const [name, read, write, perm, filter] = readStr('topic config').split(' ');
    if (!name) continue;
    const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));
    Object.defineProperty(topicConfigTable, name, {
      value: {
        topicName: name,
        readQueueNums: num(read),
        writeQueueNums: num(write),
        perm: num(perm),
        topicFilterType: filter,
      },
      enumerable: true,
    });
  }
  const filterServerList = readJson<unknown>(readStr('filterServerList'));
  return checkedRegisterBody(dataVersion, topicConfigTable, filterServerList);
}
