// TopicStatsTable, GET_TOPIC_STATS_INFO's body (AdminBrokerProcessor#getTopicStatsInfo):
// {"offsetTable":{MessageQueue:TopicOffset},"topicPutTps":d}, TopicOffset being
// {"lastUpdateTimestamp":n,"maxOffset":n,"minOffset":n} in fastjson's name order. RocketMQ 5.3
// added the double topicPutTps (4.9.8 has offsetTable alone; its readers ignore the extra field).
import { ProtocolError } from '../../common/errors.js';
import {
  javaDouble,
  messageQueueOfKey,
  numberField,
  objectField,
  parseObject,
  quoteMessageQueueKeys,
} from './fastjson.js';
import { type MessageQueueKey, messageQueueKeyJson } from './offset-table.js';

export interface TopicOffset {
  minOffset: number;
  maxOffset: number;
  /** Store time of the last message in the queue; 0 when it is empty. */
  lastUpdateTimestamp: number;
}

export interface TopicStatsTable {
  offsetTable: { mq: MessageQueueKey; offset: TopicOffset }[];
  topicPutTps: number;
}

const WHAT = 'TopicStatsTable';

export function encodeTopicStatsTable(t: TopicStatsTable): Buffer {
  const entries = t.offsetTable.map(
    ({ mq, offset: o }) =>
      `${messageQueueKeyJson(mq)}:{"lastUpdateTimestamp":${o.lastUpdateTimestamp},` +
      `"maxOffset":${o.maxOffset},"minOffset":${o.minOffset}}`,
  );
  const text = `{"offsetTable":{${entries.join(',')}},"topicPutTps":${javaDouble(t.topicPutTps)}}`;
  return Buffer.from(text, 'utf8');
}

export function decodeTopicStatsTable(body: Buffer | undefined): TopicStatsTable {
  const raw = parseObject(quoteMessageQueueKeys(body?.toString('utf8') ?? ''), WHAT);
  const table = objectField(raw, 'offsetTable', WHAT);
  const offsetTable = Object.entries(table).map(([key, v]) => {
    if (typeof v !== 'object' || v === null) {
      throw new ProtocolError(`${WHAT} body: the TopicOffset of ${key} is not an object`);
    }
    const o = v as Record<string, unknown>;
    return {
      mq: messageQueueOfKey(key, WHAT),
      offset: {
        minOffset: numberField(o, 'minOffset', WHAT),
        maxOffset: numberField(o, 'maxOffset', WHAT),
        lastUpdateTimestamp: numberField(o, 'lastUpdateTimestamp', WHAT),
      },
    };
  });
  return { offsetTable, topicPutTps: numberField(raw, 'topicPutTps', WHAT) };
}
