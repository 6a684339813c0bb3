// Name-server bodies (spec part 1 §3.2-3.3): TopicRouteData, ClusterInfo, TopicList, and the
// broker's RegisterBrokerBody. Writers are compact with sorted keys. The one quirk: fastjson writes
// Map<Long,String> keys unquoted ({0:"ip:port"}); Apache name servers send that form to clients
// older than 4.9.4 (version < 401) — the Go client parses it by hand — and standard JSON
// otherwise.
// Readers accept both forms.
import { inflateSync } from 'node:zlib';

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
  queueDatas: QueueData[];
}

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

export function decodeTopicRouteData(body: Buffer): TopicRouteData {
  const r = readJson<Partial<TopicRouteData>>(body.toString('utf8'));
  return {
    brokerDatas: r.brokerDatas ?? [],
    queueDatas: r.queueDatas ?? [],
    filterServerTable: r.filterServerTable ?? {},
  };
}

export function decodeClusterInfo(body: Buffer): ClusterInfo {
  const r = readJson<Partial<ClusterInfo>>(body.toString('utf8'));
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
  if (compressed) return decodeCompressed(inflateSync(body));
  const r = readJson<{
    topicConfigSerializeWrapper?: {
      dataVersion?: DataVersion;
      topicConfigTable?: Record<string, TopicConfigLike>;
    };
    filterServerList?: string[];
    dataVersion?: DataVersion;
    topicConfigTable?: Record<string, TopicConfigLike>;
  }>(body.toString('utf8'));
  // Brokers older than V3_0_11 send a bare TopicConfigSerializeWrapper.
  const w = r.topicConfigSerializeWrapper ?? r;
  return {
    dataVersion: w.dataVersion ?? { counter: 0, timestamp: 0 },
    topicConfigTable: w.topicConfigTable ?? {},
    filterServerList: r.filterServerList ?? [],
  };
}

function decodeCompressed(b: Buffer): RegisterBrokerBody {
  let p = 0;
  const readStr = () => {
    const n = b.readInt32BE(p);
    p += 4;
    const s = b.toString('utf8', p, p + n);
    p += n;
    return s;
  };
  const dataVersion = readJson<DataVersion>(readStr());
  const count = b.readInt32BE(p);
  p += 4;
  const topicConfigTable: Record<string, TopicConfigLike> = {};
  for (let i = 0; i < count; i++) {
    const [name, read, write, perm, filter] = readStr().split(' ');
    if (!name) continue;
    topicConfigTable[name] = {
      topicName: name,
      readQueueNums: Number(read),
      writeQueueNums: Number(write),
      perm: Number(perm),
      topicFilterType: filter,
    };
  }
  const filterServerList = readJson<string[]>(readStr());
  return { dataVersion, topicConfigTable, filterServerList };
}
