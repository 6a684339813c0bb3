// TopicConfigSerializeWrapper, GET_ALL_TOPIC_CONFIG's body (21, AdminBrokerProcessor#
// getAllTopicConfig; also what a slave syncs): {"dataVersion":{"counter","stateVersion",
// "timestamp"},"topicConfigTable":{name: TopicConfig}}, TopicConfig being {"attributes",
// "order","perm","readQueueNums","topicFilterType","topicName","topicSysFlag","writeQueueNums"}
// in fastjson's name order. 4.9.8 has neither attributes nor stateVersion: left out when absent.
// The table is written in the order given (Java's is a ConcurrentHashMap's).
import { ProtocolError } from '../../common/errors.js';
import { objectField, parseObject } from './fastjson.js';

export interface TopicConfigBody {
  topicName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicFilterType: string;
  topicSysFlag: number;
  order: boolean;
  attributes?: Record<string, string>;
}

export interface TopicConfigWrapper {
  dataVersion: { counter: number; stateVersion?: number; timestamp: number };
  topicConfigTable: TopicConfigBody[];
}

const WHAT = 'TopicConfigSerializeWrapper';

function topicConfigJson(t: TopicConfigBody): string {
  const attributes =
    t.attributes === undefined ? '' : `"attributes":${JSON.stringify(t.attributes)},`;
  return (
    `{${attributes}"order":${t.order},"perm":${t.perm},"readQueueNums":${t.readQueueNums},` +
    `"topicFilterType":${JSON.stringify(t.topicFilterType)},"topicName":${JSON.stringify(t.topicName)},` +
    `"topicSysFlag":${t.topicSysFlag},"writeQueueNums":${t.writeQueueNums}}`
  );
}

export function encodeTopicConfigWrapper(w: TopicConfigWrapper): Buffer {
  const v = w.dataVersion;
  const state = v.stateVersion === undefined ? '' : `"stateVersion":${v.stateVersion},`;
  const version = `{"counter":${v.counter},${state}"timestamp":${v.timestamp}}`;
  const table = w.topicConfigTable.map(
    (t) => `${JSON.stringify(t.topicName)}:${topicConfigJson(t)}`,
  );
  return Buffer.from(`{"dataVersion":${version},"topicConfigTable":{${table.join(',')}}}`, 'utf8');
}

/** The table by topic name; a config without queue counts or name is a ProtocolError. */
export function decodeTopicConfigTable(body: Buffer | undefined): Record<string, TopicConfigBody> {
  const table = objectField(parseObject(body, WHAT), 'topicConfigTable', WHAT);
  for (const [name, raw] of Object.entries(table)) {
    const t = raw as Partial<TopicConfigBody> | null;
    if (
      typeof t !== 'object' ||
      t === null ||
      !Number.isSafeInteger(t.readQueueNums) ||
      !Number.isSafeInteger(t.writeQueueNums)
    ) {
      throw new ProtocolError(`${WHAT} body: ${name} has no readQueueNums and writeQueueNums`);
    }
  }
  return table as Record<string, TopicConfigBody>;
}
