// REGISTER_BROKER bodies as a broker writes them (RegisterBrokerBody#encode); the name server's
// reader is decodeRegisterBrokerBody in route-data.ts.
//
// Plain: {"filterServerList":[…],"topicConfigSerializeWrapper":{"dataVersion":…,
// "topicConfigTable":{name:TopicConfig}}}.
// Compressed (compressed=true in the header): zlib over a run of big-endian int32-prefixed parts:
// the DataVersion JSON, the topic count, one TopicConfig#encode line per topic
// ("name read write perm filterType", space-separated), the filter-server list JSON, and then a
// topicQueueMappingInfoMap count of 0 (what 5.x brokers add; 4.x name servers stop before it).
// The line form keeps no topicSysFlag or order, as in RocketMQ.
import type { DataVersion, TopicConfigLike } from './route-data.js';

export interface RegisterBodyInput {
  dataVersion: DataVersion;
  topics: readonly TopicConfigLike[];
  filterServerList?: readonly string[];
}

export function encodeRegisterBrokerBody(b: RegisterBodyInput): Buffer {
  const topicConfigTable: Record<string, TopicConfigLike> = Object.create(null);
  for (const t of b.topics) topicConfigTable[t.topicName] = t;
  return Buffer.from(
    JSON.stringify({
      filterServerList: b.filterServerList ?? [],
      topicConfigSerializeWrapper: { dataVersion: b.dataVersion, topicConfigTable },
    }),
    'utf8',
  );
}

/** TopicConfig#encode (4.x form): the name server rebuilds queue data from these five fields. */
export function encodeTopicConfigLine(t: TopicConfigLike): string {
  const filter = t.topicFilterType ?? 'SINGLE_TAG';
  return `${t.topicName} ${t.readQueueNums} ${t.writeQueueNums} ${t.perm} ${filter}`;
}

/** The bytes a compressed body inflates to; deflate them (zlib) to send. */
export function encodeCompressedRegisterLayout(b: RegisterBodyInput): Buffer {
  const parts: Buffer[] = [];
  const int = (n: number) => {
    const x = Buffer.allocUnsafe(4);
    x.writeInt32BE(n, 0);
    parts.push(x);
  };
  const str = (s: string) => {
    const x = Buffer.from(s, 'utf8');
    int(x.length);
    parts.push(x);
  };
  const v = b.dataVersion;
  // DataVersion#encode: fastjson, fields in name order.
  str(
    JSON.stringify({
      counter: v.counter,
      stateVersion: v.stateVersion ?? 0,
      timestamp: v.timestamp,
    }),
  );
  int(b.topics.length);
  for (const t of b.topics) str(encodeTopicConfigLine(t));
  str(JSON.stringify(b.filterServerList ?? []));
  int(0);
  return Buffer.concat(parts);
}
